"""Local SQLite store: database lifecycle and one repository module per kind of record."""
