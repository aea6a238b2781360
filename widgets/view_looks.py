"""The theme's looks that Fusion and the palette do not give, without a stylesheet.

A stylesheet set on the application puts Qt's stylesheet style between every widget and
Fusion, and one set on a widget does the same for it and everything under it: each style call
(Qt makes ~140,000 in a start with every panel) first matches the sheet's rules. Without any
sheet a smoke run (every panel built and painted) took ~0.3 s less wall and CPU time (10
alternating runs from one saved data folder: 2.83 -> 2.54 s; the first frame is unchanged). So
the few looks the theme needs beyond its palette are made here:

* the dock title bars (their background, padding and, on the dark theme, light close/float
  buttons): ``DockTitleBar``, plain widgets (a proxy style in Python on each dock was asked for
  its metrics at every relayout of the panel inside: ~0.1 s of a smoke run);
* not the separators between docks: they are Fusion's own (6 px, a grip of dots, in the
  window colour). A Python proxy style on the main window made every style query of its layout
  a call into Python, and shiboken built the Python type (with its ~4 enums) of each kind of
  style option it passed: ~20 ms of the first paint (12 alternating runs: 236 -> 213 ms);
* the item views' grid, which Fusion draws in the palette's window colour made 20 % darker:
  each view's palette carries the window colour that gives the theme's grid colour;
* inline errors: a red text colour in the label's palette; the status bar's labels: margins.

``style_views`` applies the per-widget looks under a widget: the main window calls it for each
panel it builds, dialogs and tables for themselves, the theme for every window when it changes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

TITLE_BAR = {"dark": "#232a35", "light": "#e6e9ee"}
GRID = {"dark": "#2a3140", "light": "#c9cdd3"}  # (Fusion's grid is at most 255 / 1.2 bright: #dde1e6 is out of reach)
ERROR = {"dark": "#ef5350", "light": "#c62828"}
SELECTION = {"light": ("#b7d3f0", "#000000")}  # a view's selection, where the palette's is not it
STATUS_LABEL_MARGINS = (8, 0, 8, 0)  # a status bar label's (left, top, right, bottom)
FUSION_GRID_DARKER = 120  # Fusion's grid: the palette's window colour, darker(120)
_theme = "dark"


def set_theme(name: str) -> None:
    """The theme the looks below follow (``apply_theme`` sets it)."""
    global _theme
    _theme = "light" if name == "light" else "dark"


def theme() -> str:
    return _theme


def style_views(root: QWidget) -> None:
    """The theme's item-view grid and inline-error colours on ``root`` and the widgets under it."""
    from PySide6.QtWidgets import QAbstractItemView  # (its type and 13 enums: made after the first paint)

    views = root.findChildren(QAbstractItemView)
    if isinstance(root, QAbstractItemView):
        views.append(root)
    colors = {QPalette.ColorRole.Window: QColor(GRID[_theme]).lighter(FUSION_GRID_DARKER)}
    if selection := SELECTION.get(_theme):
        colors[QPalette.ColorRole.Highlight], colors[QPalette.ColorRole.HighlightedText] = map(QColor, selection)
    looks = QPalette()  # (only these roles: the others keep following the application's)
    for role, color in colors.items():
        looks.setColor(role, color)
    for view in views:  # (a table that styled itself is not styled again by its panel)
        if any(view.palette().color(role) != color for role, color in colors.items()):
            view.setPalette(looks)
    for label in root.findChildren(QLabel, "inlineError"):
        style_error_label(label)


def style_error_label(label: QLabel) -> QLabel:
    """An inline error: red text in this theme's shade."""
    label.setObjectName("inlineError")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR[_theme]))
    label.setPalette(palette)
    return label


def refresh_chrome(root: QWidget) -> None:
    """The chrome under ``root`` in the current theme (after a theme change)."""
    from widgets.dock_title_bar import DockTitleBar

    for title_bar in root.findChildren(DockTitleBar):
        title_bar.apply_theme()
    root.update()
