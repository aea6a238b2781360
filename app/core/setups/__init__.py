"""Setups: the detector runner (detections on every closed minute), the tracker (each tracked
setup's lifecycle on every quote) and the scanner (scan now over a watchlist). Pure rules are in
``analytics.detectors``, ``analytics.setup_lifecycle`` and ``analytics.setup_outcomes``."""
