"""graph: reads and writes in, plain JSON or typed errors out, through the official SDK.

Only the ``sdk/`` package imports ``facebook_business``; retries, paging and batching happen there.
"""
