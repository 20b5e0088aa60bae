"""actions: a reviewed plan in, writes to Meta out (rule updates, Conversions API test events),
always explicit.

Nothing here runs during an audit; every write is asked for by a command, and rule updates
are backed up first (test events go to the Test Events tool unless sent live on purpose).
"""
