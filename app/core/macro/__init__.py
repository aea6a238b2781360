"""The macro calendar: scheduled US releases with impact, and how a symbol moved on past ones."""
