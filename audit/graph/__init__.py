"""graph: reads and writes in, plain JSON or typed errors out, through the official SDK.

Only ``sdk.py`` imports ``facebook_business`` (and ``serverside.py``, its Conversions API
helpers for hashing); retries, paging and batching happen here.
"""
