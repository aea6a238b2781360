""""Save chart to trade…": the chart's menu offers it only when its owner can take "journal"; the
dialog lists the symbol's trades newest first with the one open at the chart's time preselected,
or says in plain words there are none; the editor's strip shows thumbnails and asks to open one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtGui import QColor, QImage

from data.store.records import TradeAttachment
from tests.widgets.journal_records import T0, base_trade
from widgets.chart.chart_panel import ChartPanel
from widgets.journal.attach_dialog import AttachChartDialog, preselect
from widgets.journal.attachments_strip import AttachmentsStrip
from widgets.journal.editor import TradeEditor

SAVE = "Save chart to trade…"


def _image() -> QImage:
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#26a69a"))
    return image


def test_the_menu_offers_save_chart_to_trade_only_when_the_owner_takes_journal(qtbot) -> None:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    assert SAVE not in [a.text() for a in panel.context_menu(601.0).actions()]
    panel.can_request = lambda what: what == "setup"
    assert SAVE not in [a.text() for a in panel.context_menu(601.0).actions()]
    panel.can_request = lambda what: what == "journal"
    asked: list[bool] = []
    panel.interaction.journal_requested.connect(lambda: asked.append(True))
    next(a for a in panel.context_menu(601.0).actions() if a.text() == SAVE).trigger()
    assert asked == [True]


def _spy_trades():
    t = replace(base_trade(), symbol="SPY")
    hour = timedelta(hours=1)
    return [replace(t, id="old", opened_at=T0, closed_at=T0 + hour),
            replace(t, id="mid", opened_at=T0 + 2 * hour, closed_at=T0 + 3 * hour),
            replace(t, id="new", opened_at=T0 + 5 * hour, closed_at=T0 + 6 * hour)]


def test_the_dialog_lists_the_trades_newest_first_and_preselects_the_one_open_at_the_chart_time(qtbot) -> None:
    trades = _spy_trades()
    at = T0 + timedelta(hours=2, minutes=30)
    dialog = AttachChartDialog("SPY", trades, at, _image())
    qtbot.addWidget(dialog)
    assert [dialog.list.item(i).data(256) for i in range(dialog.list.count())] == ["new", "mid", "old"]
    assert dialog.chosen().id == "mid" and dialog.save.isEnabled() and dialog.empty.isHidden()
    saved: list[tuple[str, str]] = []
    dialog.submitted.connect(lambda trade_id, caption: saved.append((trade_id, caption)))
    dialog.caption.setText(" ORB retest ")
    dialog.save.click()
    assert saved == [("mid", "ORB retest")] and not dialog.save.isEnabled()  # until accepted or an error
    dialog.show_error("The image is too big.")
    assert dialog.save.isEnabled() and not dialog.error.isHidden()
    assert preselect(dialog.trades, T0 + timedelta(days=3)) == 0  # no trade then: the newest
    assert preselect(dialog.trades, None) == 0 and preselect([], at) == -1
    still_open = [replace(trades[0], id="open", opened_at=T0, closed_at=None)]
    assert preselect(still_open, T0 + timedelta(days=3)) == 0


def test_a_symbol_without_trades_says_so_instead_of_an_empty_list(qtbot) -> None:
    dialog = AttachChartDialog("SPY", [], T0, _image())
    qtbot.addWidget(dialog)
    assert dialog.empty.text() == "No journal trades in SPY yet — import or close a position first."
    assert not dialog.empty.isHidden() and dialog.list.isHidden() and not dialog.save.isEnabled()
    assert dialog.chosen() is None


def test_the_strip_shows_thumbnails_and_asks_to_open_one(qtbot) -> None:
    editor = TradeEditor()
    qtbot.addWidget(editor)
    shown: list[str | None] = []
    editor.trade_changed.connect(shown.append)
    trade = base_trade()
    editor.set_trade(trade)
    assert shown == [trade.id]
    strip: AttachmentsStrip = editor.attachments
    at = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    items = [TradeAttachment(1, trade.id, "a" * 64, "image/png", 2048, "entry", at),
             TradeAttachment(2, trade.id, "b" * 64, "image/png", 4096, "", at)]
    assert strip.set_attachments(trade.id, []) == [] and not strip.hint.isHidden()
    assert strip.set_attachments(trade.id, items) == items and strip.title.text() == "Screenshots (2)"
    strip.set_thumbnail(1, _image())
    assert strip.thumbnails_shown() == 1
    assert strip.set_attachments(trade.id, items) == [items[1]]  # a reload keeps the one already drawn
    opened: list[TradeAttachment] = []
    strip.open_requested.connect(opened.append)
    strip.buttons[1].click()
    assert opened == [items[0]] and "entry" in strip.buttons[1].toolTip()
