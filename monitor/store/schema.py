"""The schema version this program reads and writes, with nothing else imported.

`migrations.py` brings an older database up to it; `reader.py` reads a database only when it is
exactly at it (an older one goes through the full store, which migrates it first).
"""

LATEST = 5
