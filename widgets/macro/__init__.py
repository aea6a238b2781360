"""The Macro panel: the macro calendar and a symbol's moves on past event days."""
