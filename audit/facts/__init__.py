"""facts: a snapshot in, typed and tolerant facts out (pixels, events, ads, quality, domains).

Graph data is parsed here and only here: missing fields are unknown, never zero.
"""
