"""Graph API access: SDK adapter (sdk.py), typed errors (errors.py), reads (client.py, reads.py)."""
