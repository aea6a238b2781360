"""Replay from the GUI, in the running app: File → Open recording… through the real (non-blocking)
dialog, the recording's symbol made active, speed, seeking on the progress slider, a bad file that
leaves the demo market running with the reason shown, and the way back to the demo market."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.ui.replay_controls import moment_at, progress
from tests.conftest import shared_path
from tests.data.test_replay import needs_data
from tests.recordings import write_recording


def _menu_actions(menu) -> dict[str, object]:
    return {a.text(): a for a in menu.actions()}


def _speed_actions(c) -> dict[str, object]:
    return _menu_actions(_menu_actions(c.window.replay_menu)["Speed"].menu())


def test_progress_text_and_seek_moments() -> None:
    from datetime import UTC, datetime

    start, end = datetime(2026, 3, 13, 13, 30, tzinfo=UTC), datetime(2026, 3, 16, 13, 30, tzinfo=UTC)
    fraction, text = progress(datetime(2026, 3, 14, 14, 32, tzinfo=UTC), start, end)
    assert round(fraction, 2) == 0.35 and text == "Mar 14 10:32 ET · 35 %"
    assert progress(start - timedelta(days=1), start, end)[0] == 0.0  # clamped, not negative
    assert moment_at(0.5, start, end) == datetime(2026, 3, 15, 1, 30, tzinfo=UTC)


async def _open_through_the_dialog(c, path: Path) -> None:
    c.window.open_recording_action.trigger()
    dialog = c.replay.dialog
    assert dialog is not None and dialog.isVisible()  # opened with open(): the loop goes on
    assert any("*.csv" in f and "*.parquet" in f for f in dialog.nameFilters())
    from tests.gui_helpers import until

    def chosen() -> bool:
        # the dialog's file model fills in a thread: a reused dialog (the second open) could drop the
        # selection while it reloaded, and accept() then opened nothing (seen with both cores busy)
        if [Path(f) for f in dialog.selectedFiles()] == [path]:
            return True
        dialog.selectFile(str(path))
        return False

    await until(chosen)
    dialog.accept()  # → fileSelected → open_file


async def _a_bad_file_leaves_the_demo_market(c, tmp_path: Path) -> None:
    from tests.gui_helpers import until

    bad = tmp_path / "TSLA_1min.csv"
    bad.write_bytes(b"\x00\x01\x02")
    await _open_through_the_dialog(c, bad)
    await until(lambda: c.replay.error_box is not None and c.replay.error_box.isVisible())
    assert "holds binary data" in c.replay.error_box.text() and "demo market goes on" in c.replay.error_box.text()
    assert "holds binary data" in c.window.status.currentMessage()
    assert c.engine.context.provider.name == "demo" and not c.window.replay_menu.menuAction().isVisible()
    c.replay.error_box.done(0)


async def _speed_and_seek(c) -> None:
    from tests.gui_helpers import until

    provider = c.engine.context.provider
    _speed_actions(c)["60×"].trigger()
    assert provider.clock.speed == 60 and "60x" in c.window.status.provider_label.text()
    assert _speed_actions(c)["60×"].isChecked()
    _menu_actions(c.window.replay_menu)["Pause / resume"].trigger()
    assert provider.clock.paused
    slider = c.replay.progress.slider
    before = c.replay.progress.label.text()
    QTest.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(slider.width() * 3 // 4, slider.height() // 2))
    start, end = provider.span()
    wanted = start + (end - start) * (slider.value() / 1000)
    assert abs(provider.clock.now() - wanted) < timedelta(minutes=5) and 700 <= slider.value() <= 800
    assert c.replay.progress.label.text() != before and " %" in c.replay.progress.label.text()
    await until(lambda: c.engine.context.provider is provider and c.replay.progress.isVisible())


def test_open_a_recording_from_the_file_menu_and_control_it(qapp, tmp_path: Path) -> None:
    from app.core.workspace import Workspace
    from tests.gui_helpers import run_app, settings, until

    recording = write_recording(tmp_path, "AAPL")

    async def scenario(c) -> None:
        await _a_bad_file_leaves_the_demo_market(c, tmp_path)
        await _open_through_the_dialog(c, recording)
        try:
            await until(lambda: c.engine.context.provider.name == "replay")
        except AssertionError:  # say what the app said (a failed switch shows its reason there)
            box = c.replay.error_box
            raise AssertionError(f"no replay after 30 s; status bar: {c.window.status.currentMessage()!r}; "
                                 f"error box: {box.text() if box is not None else None!r}") from None
        await until(lambda: c.engine.service(Workspace).active_symbol == "AAPL")  # not SPY
        await until(lambda: "AAPL" in c.window.windowTitle() and "AAPL" in c.window.status.symbol_label.text())
        assert c.window.replay_menu.menuAction().isVisible() and c.replay.progress.isVisible()
        assert "replay AAPL" in c.window.status.provider_label.text()
        assert " ET · " in c.replay.progress.label.text()
        watchlist = c.window.panels["watchlist"].model
        assert watchlist.quote("SPX") is None and watchlist.quote("NVDA") is None  # no demo prices left beside AAPL
        prefs = c.window.panels["preferences"]
        assert prefs.provider.currentText() == "replay" and "Running on 'replay'" in prefs.provider_note.text()
        await _speed_and_seek(c)
        stop = next(a for t, a in _menu_actions(c.window.replay_menu).items() if t.startswith("Stop replay"))
        stop.trigger()
        await until(lambda: c.engine.context.provider.name == "demo")
        await until(lambda: not c.replay.progress.isVisible() and not c.window.replay_menu.menuAction().isVisible())
        assert c.engine.service(Workspace).active_symbol == "AAPL"  # the demo market has it too

    assert run_app(settings(tmp_path), scenario) == 0


def test_starting_on_a_recording_shows_its_symbol_and_progress(qapp, tmp_path: Path) -> None:
    from tests.gui_helpers import run_app, settings, until

    recording = write_recording(tmp_path, "QQQ")

    async def scenario(c) -> None:
        await until(lambda: "QQQ" in c.window.status.symbol_label.text())
        assert c.replay.progress.isVisible() and "Nov 24 09:30 ET" in c.replay.progress.label.text()
        assert c.window.open_recording_action.isEnabled()

    opts = settings(tmp_path, provider="replay", provider_args=(("replay_file", recording),))
    assert run_app(opts, scenario) == 0


@needs_data
def test_a_real_recording_opened_from_the_menu_replays_its_own_symbol(qapp, tmp_path: Path) -> None:
    from app.core.market_data import MarketDataService
    from tests.gui_helpers import run_app, settings, until

    path = shared_path("data", "bars_intraday", "ibkr_rth_5min_2025", "NVDA_5min_20250512_20250912.csv")

    async def scenario(c) -> None:
        c.replay.open_file(path)
        await until(lambda: "NVDA" in c.window.status.symbol_label.text(), timeout=20)
        await until(lambda: "NVDA" in c.engine.service(MarketDataService).last_quotes, timeout=20)
        assert c.engine.context.provider.symbol == "NVDA" and "May 13" in c.replay.progress.label.text()

    assert run_app(settings(tmp_path), scenario) == 0
