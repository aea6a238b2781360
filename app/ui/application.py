"""Application controller: builds the window, starts the engine, wires the UI, quits cleanly.

Start-up order is chosen for a fast first paint: the window frame (with empty docks, its saved
geometry and theme read via plain sqlite3) is shown and painted first, before the engine's and
the event loop's modules are even imported; the panels on screen are built next; the engine
(calendar, store, provider — the heavy imports) starts after that, off the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.layouts import DEFAULT, OPTIONS
from app.ui.layouts import LayoutManager
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme, style_plots
from data.store.fast_read import DB_FILENAME, peek_preference

if TYPE_CHECKING:  # imported after the first paint, where they are used
    from app.core.engine import Engine
    from app.core.workspace import Workspace
    from app.ui.notifier import Notifier

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The app cannot start; the user has been told why (dialog, or stderr for --smoke)."""


class LaunchSettings(NamedTuple):  # (not a dataclass: made before the first paint, see app/ui/panels)
    data_dir: Path
    log_file: Path
    provider: str = "demo"
    speed: float = 1.0
    seed: int = 7
    layout: str | None = None
    smoke: bool = False
    screenshot: Path | None = None
    started_at: float = 0.0  # perf_counter at process start, for smoke timings
    provider_args: tuple[tuple[str, object], ...] = ()
    ends_process: bool = False  # the process ends when the app does (the CLI): no last collection


class AppController:
    def __init__(self, settings: LaunchSettings) -> None:
        self.settings = settings
        self.qapp = QApplication.instance()
        self.timings: dict[str, float] = {}
        db_path = settings.data_dir / DB_FILENAME
        self.theme = peek_preference(db_path, "theme") or "dark"
        apply_theme(self.qapp, self.theme)
        self.window = MainWindow(arranged=False)  # (the layout manager places the docks)
        self.layouts = LayoutManager(self.window, lambda: self.engine, db_path, lambda coro: self.tasks.spawn(coro),
                                     self.window.status.show_error)
        self.restored = self._paint_first_frame()
        self._make_parts()

    def _paint_first_frame(self) -> str:
        """The saved layout (or the default) shown and painted: the trader sees the window now."""
        restored = self.layouts.restore_at_start(self.settings.layout)
        if not self.layouts.geometry_restored:
            self.window.fit_to_screen()
        self.window.status.set_provider(f"{self.settings.provider} (starting)")
        self.window.show()
        self.qapp.processEvents()  # laid out and painted before anything heavy
        if restored == DEFAULT:
            self.window.size_default_areas()
        elif restored == OPTIONS:
            self.layouts.arrange_options()
        self.window.repaint()
        self.mark("first_paint")
        return restored

    def _make_parts(self) -> None:
        import asyncio

        from app.core.context import EngineConfig
        from app.core.engine import Engine
        from app.ui.bridge import QtBridge
        from app.ui.gui_thread_gc import GuiThreadGarbageCollector
        from app.ui.intents import Intents
        from app.ui.replay_controls import ReplayController
        from app.ui.symbol_box import SymbolBox
        from app.ui.symbol_search_wiring import SymbolSearchWiring
        from app.ui.tasks import TaskRunner

        s = self.settings
        self.gc = GuiThreadGarbageCollector(self.window)
        self.engine: Engine = Engine(EngineConfig(s.data_dir, s.provider, s.speed, s.seed, s.provider_args))
        self.bridge = QtBridge(self.engine.bus, self.window)
        self.intents = Intents(self.window.focus_panel, self.window.ensure_panel)
        self.tasks = TaskRunner(on_error=self._task_failed)
        self.replay = ReplayController(self.window.replay_menu, self.window.open_recording_action, self.window.status,
                                       self.engine, self.tasks, self._tick_status)
        self.notifier: Notifier | None = None
        self.symbol_box = SymbolBox(self._symbol_suggestions, self.window)
        self.symbol_search = SymbolSearchWiring(self.symbol_box, self.engine, self.tasks)
        self._quit = asyncio.Event()
        self.exit_code = 0
        self.loop_lost = False
        self._shut_down = False
        self.qapp.aboutToQuit.connect(self._on_qt_quit)
        self.start_problems: list[str] = []  # worked around at start-up: told once the engine runs

    @property
    def workspace(self) -> Workspace:
        from app.core.workspace import Workspace

        return self.engine.service(Workspace)

    # -- lifecycle -----------------------------------------------------------------------------
    async def main(self) -> int:
        import asyncio

        from app.core import error_hooks
        from app.ui.quit_signals import install_quit_signals

        restore_hooks = error_hooks.install(asyncio.get_running_loop(), self.engine.report_error)
        restore_signals = install_quit_signals(asyncio.get_running_loop(), self.request_quit)
        try:
            await self._start()
            if self.settings.smoke:
                from app.ui.smoke_run import run_smoke

                return await run_smoke(self)
            await self._quit.wait()
            return self.exit_code
        except StartupError:
            return 2
        except Exception:
            import traceback

            traceback.print_exc()
            return 1
        finally:
            if not self.loop_lost:  # (when it is, there is no loop left to await anything on)
                await self._shutdown()
            self.qapp.aboutToQuit.disconnect(self._on_qt_quit)
            restore_signals()
            restore_hooks()
            self.gc.stop(collect=not self.settings.ends_process)

    async def _start(self) -> None:
        from app.ui.notification_quiet import NotificationQuiet
        from app.ui.notifier import Notifier
        from app.ui.panel_host import PanelHost

        host = PanelHost(self.engine, self.bridge, self.intents, self.tasks, self.settings.data_dir,
                         self.settings.log_file)
        self.symbol_search.open_symbol = host.open_symbol  # Ctrl+K drives the focused chart's link group
        self.window.build_panels(host)
        style_plots(self.window, self.theme)
        self.window.panel_built.connect(lambda name: style_plots(self.window.panels[name], self.theme))
        self.mark("panels")
        self.gc.freeze_startup_objects()  # (the imports' objects: the next timer collection skips them)
        self.notifier = Notifier(self.window, open_symbol=self._open_symbol, quiet=NotificationQuiet(host))
        self.window.hide_on_close = self.notifier.has_tray
        self.tasks.spawn(self.notifier.connect_desktop())
        self._wire()
        await self._start_engine()
        self.mark("engine")
        self._after_engine_start()
        self.gc.freeze_startup_objects()

    def _wire(self) -> None:
        from app.ui import help_menu
        from data.store.preference_specs import THEMES

        w = self.window
        w.quit_requested.connect(self.request_quit)
        w.close_to_tray.connect(lambda: self.window.status.showMessage("Still running in the tray", 5000))
        w.symbol_action.triggered.connect(self.symbol_box.open_box)
        w.shortcuts_action.triggered.connect(lambda: help_menu.show_shortcuts(w))
        w.about_action.triggered.connect(lambda: help_menu.show_about(
            w, self.settings.data_dir, self.settings.log_file,
            self.engine.context.provider.name if self.engine.context else self.settings.provider))
        self.symbol_box.symbol_chosen.connect(self.symbol_search.choose)  # active symbol, then a recent
        self.symbol_box.search_requested.connect(self._search_symbols)
        self.bridge.notification_posted.connect(lambda r: self.notifier.show(r))
        self.bridge.error_reported.connect(lambda src, msg: w.status.show_error(f"{src}: {msg}"))
        self.bridge.active_symbol_changed.connect(self._on_active_symbol)
        self.bridge.health_changed.connect(lambda _n: w.status.set_health(self.engine.health.summary(),
                                                                          self._dropped_ticks()))
        self.bridge.preference_changed.connect(self._on_preference)
        self.bridge.sync_status_changed.connect(w.status.set_sync)
        self.bridge.feed_state_changed.connect(self._on_feed_state)
        self.bridge.provider_changed.connect(lambda _n: self._after_provider_change())
        w.add_theme_actions(THEMES, self.theme, self._choose_theme)

    def _after_engine_start(self) -> None:
        self._after_provider_change()  # provider label, replay menu, first status tick
        self._on_active_symbol(self.workspace.active_symbol)
        from app.core.sync.service import SyncService  # with the engine (SQLAlchemy): after the first paint

        self.window.status.set_sync(self.engine.service(SyncService).status)  # said before the bridge was up
        self._status_timer = QTimer(self.window, interval=1000)
        self._status_timer.timeout.connect(self._tick_status)
        self._status_timer.start()
        self.layouts.start_autosave()
        self.tasks.spawn(self.layouts.refresh_menu())
        self.tasks.spawn(self._tell_start_problems())

    def request_quit(self) -> None:
        self._quit.set()

    def _on_qt_quit(self) -> None:
        """Qt's event loop ended. After our own shutdown that is the normal end; before it, Qt
        quit on its own — the display connection was lost (X server gone, session ended) — and
        no asyncio work can run any more: close the database directly (every write is already
        committed; the working layout was autosaved seconds ago)."""
        if self._shut_down or self.loop_lost:  # (qasync may run Qt's loop again to cancel tasks)
            return
        log.warning("the GUI event loop ended before the app quit (display connection lost?): "
                    "closing the database directly")
        self.loop_lost = True
        self.engine.close_without_loop()

    async def _shutdown(self) -> None:
        try:
            if self.engine.started:
                await self.layouts.save_session()
        except Exception:
            log.exception("could not save the layout on quit")
        await self.tasks.cancel_all()
        await self.engine.stop()
        self.bridge.close()
        if self.notifier is not None:
            self.notifier.close()
            await self.notifier.close_desktop()
        self.symbol_box.close()
        self.window.hide_on_close = False
        self.window.hide()
        self._shut_down = True

    # -- reactions ------------------------------------------------------------------------------
    def _tick_status(self) -> None:
        ctx = self.engine.context
        if ctx is None:
            return
        provider, calendar = ctx.provider, ctx.calendar
        now = provider.clock.now()
        self.window.status.set_market(calendar.status(now), now, simulated=provider.clock.simulated,
                                      paused=provider.clock.paused)
        self.window.status.set_health(self.engine.health.summary(), self._dropped_ticks())

    def _dropped_ticks(self) -> int:
        """Quotes and bars the stream sent that were not valid prices (dropped, never shown)."""
        from app.core.market_data import MarketDataService

        return sum(self.engine.service(MarketDataService).dropped.values()) if self.engine.started else 0

    def _build_replay_menu(self) -> None:
        """The Replay menu and progress follow the provider (app/ui/replay_controls.py)."""
        self.replay.refresh()

    def _after_provider_change(self) -> None:
        from app.ui.replay_controls import provider_label

        self._build_replay_menu()
        self.window.status.set_provider(provider_label(self.engine.context.provider))
        self._tick_status()

    def _on_feed_state(self, state: str, message: str) -> None:
        provider = self.engine.context.provider.name if self.engine.context else self.settings.provider
        self.window.status.set_provider(f"{provider} · {state}" + (f" ({message})" if message else ""))

    def _open_symbol(self, symbol: str) -> None:
        """Make ``symbol`` the active one (a notification's click; as the watchlist does)."""
        self.tasks.spawn(self.workspace.set_active_symbol(symbol),
                         lambda exc: self.window.status.show_error(f"Could not open {symbol}: {exc}"))

    def _on_active_symbol(self, symbol: str) -> None:
        self.window.status.set_active_symbol(symbol)
        self.window.setWindowTitle(f"AI Coach — {symbol}")

    def _on_preference(self, key: str, value: object) -> None:
        from data.store.preference_specs import THEMES

        if key == "theme" and value in THEMES and value != self.theme:
            self.theme = str(value)
            apply_theme(self.qapp, self.theme)
            style_plots(self.window, self.theme)
            self.window.add_theme_actions(THEMES, self.theme, self._choose_theme)

    def _choose_theme(self, name: str) -> None:
        self.tasks.spawn(self.workspace.set_preference("theme", name))

    def _symbol_suggestions(self) -> list[str]:
        from data.providers.demo.profiles import popular_symbols

        listed = [s for w in self.workspace.watchlists for s in w.symbols] if self.engine.started else []
        return list(dict.fromkeys(listed + popular_symbols()))

    def _search_symbols(self, text: str) -> None:
        """Favourites, recents, the built-in list and the provider's search, ranked off the GUI thread."""
        self.symbol_search.search(text)

    def _task_failed(self, exc: BaseException) -> None:
        from data.symbols import SymbolError

        message = str(exc) or type(exc).__name__
        if not isinstance(exc, (SymbolError, ValueError)):
            log.error("background task failed", exc_info=exc)
        self.engine.report_error("ui", message)

    async def _start_engine(self) -> None:
        """Start the engine; a damaged database may be set aside for a fresh one (the user's
        choice), any other failure is shown until the user closes it (``StartupError``)."""
        import asyncio

        from app.core.store_recovery import DatabaseOpenError, set_aside_database
        from app.ui.startup_dialogs import ask_start_fresh

        try:
            await self.engine.start()
        except DatabaseOpenError as exc:
            if self.settings.smoke or not exc.can_start_fresh:
                await self._fatal(str(exc))
            if not await ask_start_fresh(self.window, str(exc)):
                raise StartupError(str(exc)) from None  # the user chose Quit
            kept = await asyncio.to_thread(set_aside_database, self.settings.data_dir)
            log.warning("the damaged database was kept as %s; starting with a fresh one", kept)
            await self._start_engine()
            self.start_problems.append(f"The damaged database was kept, unchanged, as {kept}.")
        except Exception as exc:
            log.exception("the engine did not start")
            await self._fatal(str(exc) or type(exc).__name__)

    async def _fatal(self, message: str) -> None:
        from app.ui.startup_dialogs import show_fatal

        if self.settings.smoke:  # said once on stderr (the log's stderr handler would say it twice)
            log.info("cannot start: %s", message)
            print(f"ai-coach cannot start: {message}", file=sys.stderr, flush=True)
        else:
            log.error("cannot start: %s", message)
            await show_fatal(self.window, message)
        raise StartupError(message)

    # -- smoke ----------------------------------------------------------------------------------
    def mark(self, name: str) -> None:
        self.timings[name] = (time.perf_counter() - self.settings.started_at) * 1000

    async def problems_at_start(self) -> list[str]:
        """What start-up worked around: a layout or provider asked for that could not be used …"""
        problems = list(self.start_problems)
        if layout := await self.layouts.unknown_request_problem():
            problems.append(layout)
        if provider := await self._provider_fallback():
            problems.append(f"{provider} The demo market runs instead.")
        return problems

    async def _tell_start_problems(self) -> None:
        from app.ui.startup_dialogs import show_warning

        if self.settings.smoke or not (problems := await self.problems_at_start()):
            return  # (a smoke run fails on them instead)
        for problem in problems:
            log.warning("at start: %s", problem)
        self.window.status.show_error(problems[-1])
        show_warning(self.window, "AI Coach started with a problem", "\n\n".join(problems))

    async def _provider_fallback(self) -> str | None:
        """Why the chosen provider did not start (the demo market runs instead), or None."""
        if self.engine.config.provider == self.settings.provider:  # (the engine runs demo if it could not start)
            return None
        from app.core.notifications import NotificationService

        records = await self.engine.service(NotificationService).recent(20)
        return next((r.message for r in records if r.kind == "provider"), f"{self.settings.provider} did not start")
