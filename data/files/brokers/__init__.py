"""Readers for broker trade exports: one module per broker format, each returning Executions.

``registry.detect(path)`` names the format of a file, ``registry.parse_file(path)`` reads it.
Every parser reports a bad row as a ``RowError`` (line number and plain words) and goes on;
a file that is not its format raises ``BrokerFileError``. The broker modules import only
``base`` (and the shared ``data`` helpers), never each other.
"""
