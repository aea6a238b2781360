"""Dark (default) and light themes: Fusion style and a palette (no stylesheet: ``widgets.view_looks``)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from widgets.view_looks import refresh_chrome, set_theme, style_views

_DARK = {
    QPalette.ColorRole.Window: "#1b2029", QPalette.ColorRole.WindowText: "#d7dae0",
    QPalette.ColorRole.Base: "#151a21", QPalette.ColorRole.AlternateBase: "#1e2430",
    QPalette.ColorRole.ToolTipBase: "#2a3140", QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.Text: "#d7dae0", QPalette.ColorRole.Button: "#232a35",
    QPalette.ColorRole.ButtonText: "#d7dae0", QPalette.ColorRole.BrightText: "#ff5252",
    QPalette.ColorRole.Highlight: "#34506e", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#64b5f6", QPalette.ColorRole.PlaceholderText: "#7d8590",
}


_FUSION_SET = "aiCoachFusion"  # an application property: the style is Fusion already


def make_application(program: str) -> QApplication:
    """The QApplication, in the Fusion style from its command line: Qt sets it in C++, where
    ``setStyle`` from Python made shiboken build the Python type of QStyle and its ~20 enums
    (~600 members): ~6 ms of the first paint."""
    app = QApplication([program, "-style", "Fusion"])
    app.setProperty(_FUSION_SET, True)
    return app


def apply_theme(app: QApplication, name: str) -> None:
    if not app.property(_FUSION_SET):
        app.setStyle("Fusion")
        app.setProperty(_FUSION_SET, True)
    if name == "light":
        palette = app.style().standardPalette()
    else:
        palette = QPalette()
        for role, color in _DARK.items():
            palette.setColor(role, QColor(color))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b717b"))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b717b"))
    app.setPalette(palette)
    set_theme(name)  # no stylesheet: the chrome, grids and errors Fusion lacks come from widgets.view_looks (why there)
    for window in app.topLevelWidgets():  # (a theme change: what is open takes the new looks)
        style_views(window)
        refresh_chrome(window)


# Plot background and axis colour per theme (pyqtgraph draws its own; the palette does not reach it).
PLOT_COLORS = {"dark": ("#000000", "#969696"), "light": ("#ffffff", "#3c4043")}


def style_plots(root: QWidget, name: str) -> None:
    """Give every plot under ``root`` the theme's background and axis colours, and make them the
    default for plots created later."""
    from app.ui.pyqtgraph_import import import_pyqtgraph

    pg = import_pyqtgraph()  # after first paint: the shell's theme must not wait for pyqtgraph

    background, foreground = PLOT_COLORS["light" if name == "light" else "dark"]
    pg.setConfigOptions(background=background, foreground=foreground)
    for view in root.findChildren(pg.GraphicsView):
        view.setBackground(background)
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setPen(foreground)
                item.setTextPen(foreground)
    from widgets.chart.chart_panel import ChartPanel  # (imported by the chart panel's builder already)

    for chart in root.findChildren(ChartPanel):
        chart.set_theme("light" if name == "light" else "dark")  # its lines and labels, readable on this background
