"""The account backend: accounts, device tokens and the sync change log (issue #19).

A separate service (FastAPI on uvicorn over PostgreSQL), run with ``ai-coach-server``; the
desktop installer does not include it and nothing here imports the desktop app or Qt.
"""
