"""Sync of the local store with the account backend (no Qt, no engine): which tables and columns
sync and how their records are named (``tables``), the change capture in SQLite triggers
(``triggers``), hybrid logical clocks (``hlc``), turning captured writes into stamped changes
(``capture``), merging others' changes per field (``merge``), and the server's HTTP API (``client``).
"""
