"""actions: a reviewed plan in, writes to Meta out (rule updates), always explicit.

Nothing here runs during an audit; every write is asked for by a command and backed up first.
"""
