"""Tracked setups on the chart in the running app: "Track setup here…" saves a setup whose lines
then show, a wrong-side stop says why and saves nothing, detections mark their bar, and a click
on a setup notification opens its symbol's chart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from analytics.setup_lifecycle import SetupPlan, plan_problem
from app.core.events import SetupDetected
from app.core.setups.tracker import SetupTrackerService
from app.core.workspace import Workspace
from data.store import setups as setup_repo
from data.store.records import DetectionRecord, NotificationRecord
from tests.gui_helpers import run_app, settings, until
from widgets.setups.track_dialog import TrackSetupDialog


def _open_dialog(chart, price: float) -> TrackSetupDialog:
    menu = chart.context_menu(price)
    next(a for a in menu.actions() if a.text() == "Track setup here…").trigger()
    dialogs = [d for d in chart.findChildren(TrackSetupDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def _stored(c) -> list:
    return c.engine.context.store.run_sync(lambda s: setup_repo.list_setups(s))


def test_track_setup_here_saves_a_setup_whose_lines_show_and_a_wrong_stop_saves_nothing(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        chart, tracker = c.window.panels["chart"], c.engine.service(SetupTrackerService)
        await until(lambda: chart.symbol == "SPY" and chart.bar_count > 0)
        last = chart.last_bar()[4]
        entry = round(last - 40, 2)  # far under the price: stays active while the test runs
        dialog = _open_dialog(chart, entry)
        assert dialog.symbol == "SPY" and dialog.direction.currentText() == "long"  # under the price: a long
        assert dialog.entry.value() == entry and dialog.stop.value() < entry < dialog.target.value()
        stop, target = dialog.stop.value(), dialog.target.value()
        said: list[str] = []  # the status line's texts (a new bar may replace the message before it is read)
        shown = chart.status.setText
        chart.status.setText = lambda text: (said.append(text), shown(text))[1]
        dialog.ok.click()
        await until(lambda: any(s.source == "chart" for s in tracker.setups))
        setup = next(s for s in tracker.setups if s.source == "chart")
        assert (setup.symbol, setup.direction, setup.entry, setup.stop, setup.targets) == (
            "SPY", "long", entry, stop, (target,))
        assert setup.reference > entry and setup.status == "active"
        keys = {f"setup:{setup.id}:{part}" for part in ("entry", "stop", "t1")}
        await until(lambda: keys <= set(chart.level_keys("setup")))
        assert chart.levels.lines[f"setup:{setup.id}:entry"].line.value() == entry
        await until(lambda: not shiboken6.isValid(dialog))  # closed (and deleted) once saved
        assert any(f"Tracking SPY long: entry {entry:,.2f}" in text for text in said)

        dialog = _open_dialog(chart, entry)  # a stop on the wrong side: the message, OK disabled
        dialog.stop.setValue(entry + 1)
        assert dialog.problem.text() == plan_problem(SetupPlan("long", entry, entry + 1, (dialog.target.value(),)))
        assert not dialog.ok.isEnabled()
        dialog.buttons.accepted.emit()
        # what the engine refuses (a plan the dialog let through by mistake) shows there too
        dialog.submitted.emit(SetupPlan("short", entry, entry - 1, (entry - 3,)), "")
        await until(lambda: "stop must be above" in dialog.problem.text())
        await asyncio.sleep(0.2)
        assert dialog.isVisible() and dialog.stop.value() == entry + 1  # nothing lost
        assert len(tracker.setups) == 1 and len(_stored(c)) == 1  # nothing stored
        dialog.reject()

        await tracker.archive(setup.id)  # finished: its lines go
        await until(lambda: not chart.level_keys("setup"))

    assert run_app(settings(tmp_path), scenario) == 0


def test_detections_mark_their_bar_and_a_setup_notification_opens_its_chart(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        chart, tracker = c.window.panels["chart"], c.engine.service(SetupTrackerService)
        await until(lambda: chart.symbol == "SPY" and chart.bar_count > 0)
        ts, _o, _h, low, close, _v = chart.arrays()
        decided = datetime.fromtimestamp(int(ts[-3]) + 60, UTC)  # the close of a minute in bar -3
        record = DetectionRecord(99, "SPY", "vwap_reclaim", "long", decided, float(close[-3]), float(low[-3]) - 1,
                                 (float(close[-3]) + 2,), 0.66, (), "Reclaimed VWAP on rising volume.", {}, None,
                                 None, decided)
        c.bridge.setup_detected.emit(SetupDetected(record))
        x, y = chart.detections.scatter.getData()
        assert list(x) == [chart.bar_count - 3] and list(y) == [low[-3]]
        assert "Reclaimed VWAP" in chart.detections.scatter.points()[0].data()

        quote_last = float(close[-1])
        setup = await tracker.track("QQQ", "short", 9_000.0, 9_010.0, (8_990.0,), reference=quote_last,
                                    source="test")
        note = NotificationRecord(1, "setup", "QQQ Manual short: triggered", "…", f"setup:QQQ:{setup.id}:triggered",
                                  decided)
        c.notifier.show(note)  # offscreen: a toast; a click on it opens QQQ's chart
        toast = c.notifier.toasts._toasts[-1]
        QTest.mouseClick(toast, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
        await until(lambda: c.engine.service(Workspace).active_symbol == "QQQ")
        await until(lambda: chart.symbol == "QQQ" and chart.bar_count > 0)
        await until(lambda: f"setup:{setup.id}:entry" in chart.level_keys("setup"))
        assert chart.detections.records == []  # SPY's detection is not QQQ's
        c.notifier.open(NotificationRecord(2, "alert", "SPY above", "…", "alert:1", decided))
        assert c.engine.service(Workspace).active_symbol == "QQQ"  # other kinds: their panel, as before

    assert run_app(settings(tmp_path), scenario) == 0


def test_track_setup_at_from_another_panels_menu_opens_the_dialog_on_the_main_chart(qapp, tmp_path: Path) -> None:
    """The shared "Track setup at …" (here a morning-brief level of QQQ while the chart shows SPY): the
    main chart turns to QQQ and the dialog is QQQ's, at the level; its OK tracks QQQ's setup."""
    from widgets.symbol_actions import Subject

    async def scenario(c) -> None:
        chart, tracker = c.window.panels["chart"], c.engine.service(SetupTrackerService)
        await until(lambda: chart.symbol == "SPY" and chart.bar_count > 0)
        actions = c.window.panels["brief"].symbol_actions
        assert actions.offers("track")
        level = 400.0  # far under the demo's QQQ: a long that stays active
        actions.requested.emit("track", Subject("QQQ", level, "PDL"))  # as its menu entry does
        dialogs = [d for d in chart.findChildren(TrackSetupDialog) if d.isVisible()]
        assert len(dialogs) == 1 and dialogs[0].symbol == "QQQ" and dialogs[0].entry.value() == level
        await until(lambda: chart.symbol == "QQQ")
        dialogs[0].ok.click()
        await until(lambda: any(s.symbol == "QQQ" and s.entry == level for s in tracker.setups))

    assert run_app(settings(tmp_path), scenario) == 0
