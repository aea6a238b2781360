"""Replay from the GUI: File → Open recording…, the Replay menu (pause, step, jump, speed, stop)
and a progress slider in the status bar that shows the replay clock and seeks where it is let go.

The engine does the work: ``switch_provider("replay", provider_args=…)`` opens a recording (all or
nothing: a file it cannot read leaves the running provider, and the reason is shown), and the
engine makes the recording's symbol the active one. Nothing here blocks the GUI thread: the file
dialog is opened with ``open()`` and the switch runs as a task (the recording is read off the loop).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSlider, QStyle, QWidget

from data.market_calendar import ET
from data.providers.sim_clock import MAX_SPEED, MIN_SPEED

if TYPE_CHECKING:  # (the dialogs' types and enums are made when first opened: ~2 ms of every start)
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from app.core.engine import Engine
    from app.ui.status_bar import MarketStatusBar
    from app.ui.tasks import TaskRunner
    from data.providers.base import MarketDataProvider
    from data.providers.replay.provider import ReplayProvider

SPEEDS = (1.0, 2.0, 5.0, 10.0, 60.0, 300.0, 1000.0)  # offered as checkable actions (the clock's 1x–1000x)
RECORDING_FILTER = "Recordings (*.csv *.parquet *.pq);;CSV files (*.csv);;Parquet files (*.parquet *.pq)"
STEPS = 1000  # the slider's resolution: a 4-month 5-minute recording moves ~3 hours a step
PROGRESS_MS = 1000


def is_replay(provider: MarketDataProvider) -> bool:
    from data.providers.base import ReplayControls  # (numpy, via the models: not before the first paint)

    return isinstance(provider, ReplayControls)


def provider_label(provider: MarketDataProvider) -> str:
    """The status bar's provider text: name, the replayed symbol, the simulated clock's speed."""
    symbol = f" {provider.symbol}" if is_replay(provider) else ""  # type: ignore[attr-defined]
    speed = f", {provider.clock.speed:g}x" if provider.clock.simulated else ""
    return f"{provider.name}{symbol}{speed}"


def progress(now: datetime, start: datetime, end: datetime) -> tuple[float, str]:
    """How far the replay clock is through the recording (0–1) and the text shown beside it."""
    total = (end - start).total_seconds()
    fraction = min(1.0, max(0.0, (now - start).total_seconds() / total)) if total > 0 else 1.0
    return fraction, f"{now.astimezone(ET):%b %d %H:%M} ET · {fraction * 100:.0f} %"


def moment_at(fraction: float, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * min(1.0, max(0.0, fraction))


class SeekSlider(QSlider):
    """A slider that jumps to where it is clicked (a plain one moves a page towards it) and says
    where the user let it go, as a fraction of its range."""

    seek_requested = Signal(float)

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setRange(0, STEPS)
        self.setFixedWidth(180)
        self.sliderReleased.connect(lambda: self.seek_requested.emit(self.value() / STEPS))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # Move the handle under the pointer first, so a click seeks there and a drag starts there.
        x = int(event.position().x())
        self.setValue(QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), x, self.width()))
        super().mousePressEvent(event)


class ReplayProgress(QWidget):
    """The status bar's replay widget: a seek slider and "Mar 14 10:32 ET · 38 %"."""

    def __init__(self) -> None:
        super().__init__()
        self.slider = SeekSlider()
        self.slider.setToolTip("Replay progress: click or drag to continue from another moment")
        self.label = QLabel("")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider)
        layout.addWidget(self.label)

    def show_progress(self, fraction: float, text: str) -> None:
        if not self.slider.isSliderDown():  # (the user's drag wins over the clock)
            self.slider.setValue(round(fraction * STEPS))
        self.label.setText(text)


class ReplayController:
    """Opens recordings, offers the replay provider's controls and shows its progress."""

    def __init__(self, menu: QMenu, open_action: QAction, status: MarketStatusBar, engine: Engine,
                 tasks: TaskRunner, on_change: Callable[[], None]) -> None:
        self.menu, self.open_action, self.status = menu, open_action, status
        self.engine, self.tasks, self.on_change = engine, tasks, on_change
        self.progress = ReplayProgress()
        self.progress.hide()
        self.progress.slider.seek_requested.connect(self.seek_fraction)
        status.addPermanentWidget(self.progress)
        self.timer = QTimer(status, interval=PROGRESS_MS)
        self.timer.timeout.connect(self.update_progress)
        self.dialog: QFileDialog | None = None
        self.error_box: QMessageBox | None = None
        self._speeds: QActionGroup | None = None
        open_action.setEnabled(False)  # until the engine runs (refresh)
        open_action.triggered.connect(self.choose_file)

    def _replay(self) -> ReplayProvider | None:
        ctx = self.engine.context
        return ctx.provider if ctx is not None and is_replay(ctx.provider) else None  # type: ignore[return-value]

    # -- opening and leaving a recording ------------------------------------------------------
    def choose_file(self) -> None:
        """Ask for a recording without blocking: the dialog's fileSelected opens it."""
        if self.dialog is None:
            from PySide6.QtWidgets import QFileDialog

            self.dialog = QFileDialog(self.status.window(), "Open recording", str(self._start_folder()),
                                      RECORDING_FILTER)
            self.dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            self.dialog.fileSelected.connect(self.open_file)
        self.dialog.open()

    def _start_folder(self) -> Path:
        current = dict(self.engine.config.provider_args).get("replay_file")
        return Path(str(current)).parent if current else Path.home()

    def open_file(self, path: str | Path) -> None:
        self.status.showMessage(f"Opening {Path(path).name}…")
        self.tasks.spawn(self._open(Path(path)), self._failed("open the recording"))

    async def _open(self, path: Path) -> None:
        # The zone and label conventions of the command line carry over; the symbol comes from the
        # new file's name (a --replay-symbol named the old file's).
        kept = {k: v for k, v in self.engine.config.provider_args if k in ("replay_tz", "replay_label")}
        await self.engine.switch_provider("replay", provider_args=(("replay_file", path), *kept.items()))
        self.status.showMessage(f"Replaying {path.name}", 5000)

    def stop_replay(self) -> None:
        self.tasks.spawn(self._back(), self._failed("stop the replay"))

    def _live_provider(self) -> str:
        """The provider chosen in Preferences, or the demo market (a saved replay has no file)."""
        from app.core.workspace import Workspace

        saved = self.engine.service(Workspace).preferences.get("provider", "demo")
        return saved if saved not in ("replay", None) else "demo"

    async def _back(self) -> None:
        from data.providers.errors import ProviderError

        target = self._live_provider()
        try:
            await self.engine.switch_provider(target)
        except ProviderError as exc:
            if target == "demo":
                raise
            await self.engine.switch_provider("demo")  # (still out of the replay the user left)
            self.status.show_error(f"{target} is unavailable: {exc} Running on the demo market.")

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        """The handler of a switch that failed: the running provider goes on (the switch is all or
        nothing); the status bar and a message box say why, in words."""

        def show(exc: BaseException) -> None:
            running = self.engine.context.provider.name if self.engine.context else "previous"
            reason = str(exc) or type(exc).__name__
            self.status.show_error(f"Could not {what}: {reason}")
            from PySide6.QtWidgets import QMessageBox

            self.error_box = QMessageBox(QMessageBox.Icon.Warning, f"Could not {what}",
                                         f"{reason}\n\nThe {running} market goes on.",
                                         QMessageBox.StandardButton.Ok, self.status.window())
            self.error_box.open()  # (window-modal, not exec(): the loop goes on)

        return show

    # -- the menu -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """After a provider change: the Replay menu and the progress widget follow the provider."""
        self.open_action.setEnabled(self.engine.context is not None)
        self.menu.clear()
        provider = self._replay()
        self.menu.menuAction().setVisible(provider is not None)
        self.progress.setVisible(provider is not None)
        if provider is None:
            self.timer.stop()
            return
        self._build_menu(provider)
        self.timer.start()
        self.update_progress()

    def _build_menu(self, provider: ReplayProvider) -> None:
        def toggle() -> None:
            provider.resume() if provider.clock.paused else provider.pause()
            self._changed()

        for text, key, slot in (
            ("Pause / resume", "Ctrl+Space", toggle),
            ("Step one bar", "Ctrl+Right", lambda: (provider.step(), self._changed())),
            ("Jump 1 hour ahead", "Ctrl+Shift+Right", lambda: self.seek(provider.clock.now() + timedelta(hours=1))),
        ):
            self.menu.addAction(text, slot).setShortcut(key)
        self._build_speed_menu(provider)
        self.menu.addSeparator()
        self.menu.addAction(f"Stop replay (back to {self._live_provider()})", self.stop_replay)

    def _build_speed_menu(self, provider: ReplayProvider) -> None:
        speeds = sorted({s for s in SPEEDS if MIN_SPEED <= s <= MAX_SPEED} | {provider.clock.speed})
        menu = self.menu.addMenu("Speed")
        if self._speeds is not None:
            self._speeds.deleteLater()
        self._speeds = QActionGroup(self.menu)
        for speed in speeds:
            action = menu.addAction(f"{speed:g}×")
            action.setCheckable(True)
            action.setChecked(speed == provider.clock.speed)
            action.triggered.connect(lambda _checked=False, s=speed: self.set_speed(s))
            self._speeds.addAction(action)

    # -- controls -------------------------------------------------------------------------------------
    def set_speed(self, speed: float) -> None:
        if (provider := self._replay()) is None:
            return
        provider.set_speed(speed)
        self.status.set_provider(provider_label(provider))
        self._changed()

    def seek_fraction(self, fraction: float) -> None:
        if (provider := self._replay()) is not None:
            self.seek(moment_at(fraction, *provider.span()))

    def seek(self, moment: datetime) -> None:
        """Continue from ``moment``; the services that follow the provider are rebuilt, so the
        chart and the market state show what was played up to there (not bars from another time)."""
        if (provider := self._replay()) is None:
            return
        provider.seek(moment.astimezone(UTC))
        self._changed()
        self.tasks.spawn(self.engine.reload_followers())

    def _changed(self) -> None:
        self.update_progress()
        self.on_change()

    def update_progress(self) -> None:
        if (provider := self._replay()) is not None:
            self.progress.show_progress(*progress(provider.clock.now(), *provider.span()))
