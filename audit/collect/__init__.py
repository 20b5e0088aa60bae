"""collect: a client's config and a Graph connection in, a snapshot of every read out.

Every endpoint error is recorded in the snapshot and collection goes on; nothing is dropped.
"""
