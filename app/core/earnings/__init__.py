"""Earnings: the calendar of the watchlist's reports (``calendar``) and a symbol's analysis
(``analysis``: implied vs historical moves, strategies, the IV-crush simulator)."""
