"""evaluate: facts in, a run out (checks' findings, recommendations, score).

Pure: no API calls, no files, no clock; the same snapshot always gives the same run.
"""
