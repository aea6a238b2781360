"""The themes without a stylesheet: the dock title bars, separators, table grids and inline
errors look as the theme says, follow a theme change, and the title bar's buttons work."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QProxyStyle, QStyle, QStyleOptionViewItem, QTableWidget

from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme
from widgets import view_looks
from widgets.dock_title_bar import DockTitleBar, _icon
from widgets.view_looks import ERROR, GRID, TITLE_BAR, style_error_label, style_views


def _grid_color(view: QTableWidget) -> QColor:
    option = QStyleOptionViewItem()
    option.palette = view.palette()  # (what QTableView's paint asks the style with)
    rgba = view.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, view)
    return QColor.fromRgba(rgba & 0xFFFFFFFF)


def _close(a: QColor, b: str) -> bool:
    want = QColor(b)
    return all(abs(x - y) <= 2 for x, y in zip(a.getRgb()[:3], want.getRgb()[:3], strict=True))


def test_no_stylesheet_and_the_chrome_follows_the_theme(qapp, qtbot) -> None:
    try:
        apply_theme(qapp, "dark")
        assert qapp.styleSheet() == ""  # (why: widgets.view_looks)
        window = MainWindow()
        qtbot.addWidget(window)
        table, error = QTableWidget(3, 3, window), style_error_label(QLabel("bad symbol", window))
        style_views(window)
        window.show()
        # Fusion's own separators: no style in Python on the window (widgets.view_looks says why)
        assert window.style().name().lower() == "fusion" and not isinstance(window.style(), QProxyStyle)
        bars = {name: dock.titleBarWidget() for name, dock in window.docks.items()}
        fronts = {name for name, dock in window.docks.items() if not dock.visibleRegion().isEmpty()}
        assert {name for name, bar in bars.items() if isinstance(bar, DockTitleBar)} == fronts  # made when shown
        window.docks["journal"].raise_()  # a background tab clicked
        assert isinstance(window.docks["journal"].titleBarWidget(), DockTitleBar)
        bar = bars["chart"]
        assert bar.label.text() == window.docks["chart"].windowTitle()
        assert bar.palette().color(QPalette.ColorRole.Window) == QColor(TITLE_BAR["dark"])
        assert bar.close_button.icon().cacheKey() == _icon("close").cacheKey()  # light buttons on the dark bar
        assert _close(_grid_color(table), GRID["dark"])
        assert error.palette().color(QPalette.ColorRole.WindowText) == QColor(ERROR["dark"])

        apply_theme(qapp, "light")  # what is open follows
        assert bar.palette().color(QPalette.ColorRole.Window) == QColor(TITLE_BAR["light"])
        assert bar.close_button.icon().cacheKey() != _icon("close").cacheKey()
        assert _close(_grid_color(table), GRID["light"])
        assert error.palette().color(QPalette.ColorRole.WindowText) == QColor(ERROR["light"])
    finally:
        apply_theme(qapp, "dark")
    assert view_looks.theme() == "dark"


def test_the_title_bar_buttons_float_and_close_their_dock(qapp, qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    dock = window.docks["watchlist"]
    bar = dock.titleBarWidget()
    bar.float_button.click()
    assert dock.isFloating()
    bar.float_button.click()
    assert not dock.isFloating()
    dock.setWindowTitle("Watchlist (2)")
    assert bar.label.text() == "Watchlist (2)"
    bar.close_button.click()
    assert dock.isHidden()
