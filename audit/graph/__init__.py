"""graph: reads and writes in, plain JSON or typed errors out, through the official SDK.

Only ``sdk.py`` imports ``facebook_business``; retries, paging and batching happen here.
"""
