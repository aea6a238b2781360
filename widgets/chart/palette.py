"""The chart's colours, shared by its parts and by the code that adds lines to it.

``COLORS`` are the dark theme's (and the names the lines are drawn with); ``theme_colors``
gives a theme's: on white, the dark theme's pale yellow, grey and lilac lines and labels are
hard to read, so the light theme darkens them."""

from __future__ import annotations

COLORS = {"ema8": "#f6c343", "ema21": "#5b9cf6", "vwap": "#c77dff", "or": "#9e9e9e", "rsi": "#f6c343",
          "macd": "#5b9cf6", "signal": "#f6a35b", "level": "#8d99ae", "alert": "#ff9800",
          "up": "#26a69a", "down": "#ef5350", "cursor": "#4a5566", "session": "#3f6fd8",
          "guide": "#666666", "hist": "#888888", "cross": "#777777", "text": "#d7dae0", "muted": "#8b919a",
          # tracked setups: apart from the alert (orange) and GEX lines (purple, teal, red)
          "setup_entry": "#29b6f6", "setup_stop": "#ff5c8a", "setup_target": "#00e676"}
LIGHT = {"ema8": "#c79100", "ema21": "#1e63d6", "vwap": "#8e24aa", "or": "#616161", "rsi": "#b8860b",
         "macd": "#1e63d6", "signal": "#e65100", "level": "#455a64", "alert": "#e65100",
         "cursor": "#37474f", "guide": "#9e9e9e", "hist": "#9e9e9e", "cross": "#9e9e9e", "text": "#202124",
         "muted": "#5f6368", "setup_entry": "#0277bd", "setup_stop": "#d81b60", "setup_target": "#2e7d32"}


def theme_colors(theme: str) -> dict[str, str]:
    return {**COLORS, **LIGHT} if theme == "light" else dict(COLORS)


def text_on(background: str) -> str:
    """Black or white, whichever reads on ``background`` ("#rrggbb")."""
    r, g, b = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"
