"""The chart panel: candles, volume, overlays, indicator panes, price-level lines."""
