"""The chart's colours, shared by its parts and by the code that adds lines to it."""

from __future__ import annotations

COLORS = {"ema8": "#f6c343", "ema21": "#5b9cf6", "vwap": "#c77dff", "or": "#9e9e9e", "rsi": "#f6c343",
          "macd": "#5b9cf6", "signal": "#f6a35b", "level": "#8d99ae", "alert": "#ff9800",
          "up": "#26a69a", "down": "#ef5350", "cursor": "#4a5566", "session": "#3f6fd8"}
