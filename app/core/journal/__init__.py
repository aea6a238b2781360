"""The journal: imports of broker exports (preview, then store), the trades the executions make,
their statistics. Pure rules in ``analytics.journal_trades``, ``journal_stats``, ``insights``;
the formats in ``data.files.brokers``; the store in ``data.store.executions``."""
