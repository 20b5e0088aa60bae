"""publish: a run in, files out (run.json, report.html, index.html, CSV) and the history.

Rendering is pure; the writer puts the files in place and records the run.
"""
