"""The Ctrl+K box used with the keyboard only: type, Down, Enter; Ctrl+D stars; Esc closes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.core.symbol_search import SymbolSearch
from app.core.workspace import Workspace
from app.ui.application import AppController
from app.ui.symbol_box import SymbolBox
from data.symbol_catalog import Suggestion
from tests.gui_helpers import run_app, settings, until
from widgets.symbol_search_list import STAR


def make_box(qtbot) -> tuple[SymbolBox, list[str], list[str]]:
    box = SymbolBox(lambda: ["SPY", "ZM"])
    qtbot.addWidget(box)
    chosen: list[str] = []
    starred: list[str] = []
    box.symbol_chosen.connect(chosen.append)
    box.favourite_toggled.connect(starred.append)
    box.open_box()
    return box, chosen, starred


def test_type_down_enter_opens_the_highlighted_suggestion(qtbot) -> None:
    box, chosen, _ = make_box(qtbot)
    assert box.list.symbols()[:1] == ["SPX"] and "Indices" in box.list.headers()  # the popular list at once
    QTest.keyClicks(box.input, "appl")
    assert box.list.symbols() == ["AAPL"] and box.list.current_symbol() is None
    QTest.keyClick(box.input, Qt.Key.Key_Down)
    assert box.list.current_symbol() == "AAPL"
    QTest.keyClick(box.input, Qt.Key.Key_Return)
    assert chosen == ["AAPL"] and not box.isVisible()


def test_enter_opens_the_typed_symbol_when_no_row_is_highlighted(qtbot) -> None:
    box, chosen, _ = make_box(qtbot)
    QTest.keyClicks(box.input, "nvda")
    assert box.list.symbols() == ["NVDA"]
    QTest.keyClick(box.input, Qt.Key.Key_Return)
    assert chosen == ["NVDA"]
    box.open_box()
    QTest.keyClicks(box.input, "nvidia")  # a company name, not a ticker: its first suggestion
    QTest.keyClick(box.input, Qt.Key.Key_Return)
    assert chosen == ["NVDA", "NVDA"]
    box.open_box()
    QTest.keyClicks(box.input, "12$")
    QTest.keyClick(box.input, Qt.Key.Key_Return)
    assert box.isVisible() and "cannot have" in box.error_label.text() and chosen == ["NVDA", "NVDA"]
    box.input.clear()
    QTest.keyClicks(box.input, "z")
    assert "ZM" in box.list.symbols()  # the app's own symbols, before the engine runs
    QTest.keyClicks(box.input, "m")
    QTest.keyClick(box.input, Qt.Key.Key_Return)
    assert chosen == ["NVDA", "NVDA", "ZM"]


def test_arrows_skip_headers_and_stop_at_the_ends(qtbot) -> None:
    box, _, _ = make_box(qtbot)
    QTest.keyClicks(box.input, "s")
    rows = box.list.symbols()
    assert len(box.list.headers()) >= 2  # grouped by category
    QTest.keyClick(box.input, Qt.Key.Key_Up)
    assert box.list.current_symbol() == rows[-1]
    for _ in range(len(rows) + 3):
        QTest.keyClick(box.input, Qt.Key.Key_Down)
    assert box.list.current_symbol() == rows[-1]
    QTest.keyClick(box.input, Qt.Key.Key_PageUp)
    QTest.keyClick(box.input, Qt.Key.Key_PageUp)
    QTest.keyClick(box.input, Qt.Key.Key_PageUp)
    assert box.list.current_symbol() == rows[0]
    QTest.keyClicks(box.input, "p")  # typing drops the highlight: Enter would open the text
    assert box.list.current_symbol() is None


def test_ctrl_d_and_the_star_toggle_a_favourite_and_esc_closes(qtbot) -> None:
    box, chosen, starred = make_box(qtbot)
    QTest.keyClicks(box.input, "nvda")
    QTest.keyClick(box.input, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert starred == ["NVDA"] and box.input.text() == "nvda"  # the typed symbol
    QTest.keyClick(box.input, Qt.Key.Key_Down)
    box.set_suggestions("nvda", [Suggestion("NVDA", "NVIDIA Corp.", "stock", starred=True)])
    assert box.list.current_symbol() == "NVDA" and box.list.headers() == ["Favourites"]  # the answer keeps it
    box.set_suggestions("nv", [Suggestion("NVDL", "", "etf")])  # an answer for older text: dropped
    assert box.list.symbols() == ["NVDA"]
    item = box.list.topLevelItem(1)
    assert item.text(STAR) == "★" and item.text(1) == "NVDA" and item.text(3) == "· stock"
    star = box.list.visualItemRect(item).center()
    QTest.mouseClick(box.list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(4, star.y()))
    assert starred == ["NVDA", "NVDA"] and chosen == []
    QTest.keyClick(box.input, Qt.Key.Key_Escape)
    assert not box.isVisible() and chosen == []


def test_in_the_app_stars_and_recents_are_saved_and_listed_first(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        box = c.symbol_box
        QTest.keyClick(c.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        assert box.isVisible()
        QTest.keyClicks(box.input, "appl")
        await until(lambda: box.list.symbols() == ["AAPL"])
        QTest.keyClick(box.input, Qt.Key.Key_Down)
        QTest.keyClick(box.input, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        search = c.engine.service(SymbolSearch)
        await until(lambda: search.favourites == ["AAPL"])
        await until(lambda: box.list.headers() == ["Favourites"] and box.list.suggestion("AAPL").starred)
        assert box.list.current_symbol() == "AAPL"
        QTest.keyClick(box.input, Qt.Key.Key_Return)
        await until(lambda: c.engine.service(Workspace).active_symbol == "AAPL")
        await until(lambda: search.recents == ["AAPL"])
        QTest.keyClick(c.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        box.input.clear()
        QTest.keyClicks(box.input, "m")
        QTest.keyClick(box.input, Qt.Key.Key_Backspace)  # the empty box: favourites, then the popular list
        await until(lambda: box.list.symbols()[:1] == ["AAPL"])
        assert box.list.headers()[0] == "Favourites"
        QTest.keyClick(box.input, Qt.Key.Key_Escape)
        assert not box.isVisible()

    assert run_app(settings(tmp_path), scenario) == 0
