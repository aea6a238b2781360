"""The Earnings panel's widgets: the watchlist's report calendar and the room for a symbol's
analysis (Qt only: the app wires them to the earnings services)."""
