"""Command line entry point: ``ai-coach`` / ``python -m app``.

``ai-coach [GUI flags]`` starts the app; ``ai-coach VERB ...`` runs a command-line verb (``VERBS``:
``detect``) on the same engine, without Qt. A first argument naming a verb picks it; anything
else is the GUI's flags, so every GUI command line works as before."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.ui.application import LaunchSettings

STARTED_AT = time.perf_counter()
# Benchmarks pass the launch moment so timings include interpreter start-up.
_LAUNCH_TS = os.environ.get("AI_COACH_LAUNCH_TS")
if _LAUNCH_TS:
    STARTED_AT -= time.time() - float(_LAUNCH_TS)
APP_NAME = "ai-coach"
VERBS = ("detect", "import", "brief", "ask", "sync")  # app.commands: HELP, add_arguments(parser), run(args) -> code
VERBS_EPILOG = ("commands (run without Qt; ai-coach VERB --help for each):\n"
                "  detect FILE   run every detector over a recorded bar file as if live, with a track record\n"
                "  import FILE   import a broker export (thinkorswim, Webull, IBKR Flex) into the journal\n"
                "  brief         print today's morning brief (levels, macro, earnings, positions, watch items)\n"
                "  ask QUESTION  ask the coach (a model, or commands such as 'gex SPX' without one)\n"
                "  sync          sync with the account server (sign in/out, devices, one round, status)")


REPLAY_TZ = "America/New_York"  # a recording's naive timestamps are New York time unless told


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The GUI's flags (a verb is not one: ``main`` picks verbs first)."""
    parser = _gui_parser()
    args = parser.parse_args(argv)
    if not 1.0 <= args.speed <= 1000.0:
        parser.error(f"--speed must be between 1 and 1000, got {args.speed:g}")
    if args.screenshot and not args.smoke:
        parser.error("--screenshot needs --smoke")
    if args.replay_file and args.provider not in (None, "replay"):
        parser.error("--replay-file goes with --provider replay")
    if args.replay_file and args.provider is None:
        args.provider = "replay"
    if args.provider == "replay" and not args.replay_file:
        parser.error("--provider replay needs --replay-file FILE")
    if args.replay_tz != REPLAY_TZ and not _is_time_zone(args.replay_tz):  # (zoneinfo: only for another zone)
        parser.error(f"--replay-tz: unknown time zone '{args.replay_tz}' (use an IANA name such as America/New_York)")
    return args


class _PrintVersion(argparse.Action):
    """``--version``: the package metadata is read only when asked (importlib.metadata costs
    ~10 ms of every start before the first paint)."""

    def __init__(self, option_strings: list[str], dest: str, **_kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the app's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        from app.version import app_version

        print(f"AI Coach {app_version()}")
        parser.exit()


def _gui_parser() -> argparse.ArgumentParser:
    from data.providers.registry import available_providers

    parser = argparse.ArgumentParser(prog="ai-coach", description="AI Coach desktop trading assistant",
                                     usage="%(prog)s [GUI options]\n       %(prog)s VERB ...  (VERB: "
                                           + ", ".join(VERBS) + ")",
                                     epilog=VERBS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_PrintVersion)
    parser.add_argument("--provider", choices=available_providers(), default=None,
                        help="market data provider (default: the one chosen in Preferences, else demo)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder for the database and logs (default: the platform's user data folder)")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated clock speed, 1 to 1000 (demo)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the simulated market (demo)")
    parser.add_argument("--replay-file", type=Path, default=None,
                        help="recorded bars to replay (CSV or Parquet: datetime, open, high, low, close[, volume])")
    parser.add_argument("--replay-symbol", default=None, help="symbol of the recording (default: from the file name)")
    parser.add_argument("--replay-tz", default=REPLAY_TZ, help="timezone of naive timestamps in the file")
    parser.add_argument("--replay-label", choices=("auto", "start", "end"), default="auto",
                        help="whether timestamps label the bar start or the bar end (auto: told from "
                             "the sessions' first bars, 09:30 or 09:31 for minute bars)")
    parser.add_argument("--layout", default=None, help="start with this saved layout ('default' for the built-in one)")
    parser.add_argument("--smoke", action="store_true",
                        help="start, load the demo workspace, paint every panel once, print a summary, exit")
    parser.add_argument("--screenshot", type=Path, default=None, help="with --smoke: save a PNG of the window")
    return parser


def _is_time_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # not found (a KeyError), a path, a directory
        return False
    return True


def default_data_dir() -> Path:
    """The platform's user data folder: the app's database, unless ``--data-dir`` says otherwise."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_log_dir() -> Path:
    """The platform's user log folder (the log goes under ``--data-dir`` when that is given)."""
    import platformdirs  # (only when needed: ~4 ms before the first paint)

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def run_verb(argv: list[str]) -> int:
    """``argv[0]`` is one of ``VERBS``: parse its arguments and run it (its exit code)."""
    from app.commands import (  # by name (not importlib): PyInstaller bundles them
        ask,
        brief,
        detect,
        import_trades,
        sync,
    )

    verb = {"detect": detect, "import": import_trades, "brief": brief, "ask": ask, "sync": sync}[argv[0]]
    parser = argparse.ArgumentParser(prog=f"ai-coach {argv[0]}", description=verb.HELP)
    verb.add_arguments(parser)
    return verb.run(parser.parse_args(argv[1:]))


def main(argv: list[str] | None = None) -> int:
    from app.memory_pages import prefer_small_pages

    prefer_small_pages()  # (before numpy is imported)
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in VERBS:
        return run_verb(argv)
    return run_gui(parse_args(argv))


def run_gui(args: argparse.Namespace) -> int:
    from app.qt_platform_check import check

    if problem := check(smoke=args.smoke):  # before Qt, which would abort with a misleading message
        print(f"ai-coach: {problem.message}", file=sys.stderr)
        return 2
    from app.core.logging_setup import open_log_file, setup_logging
    from data.store.fast_read import DB_FILENAME, one_connection

    data_dir = (args.data_dir or default_data_dir()).expanduser().resolve()
    log_dir = data_dir / "logs" if args.data_dir else default_log_dir()
    log_file = setup_logging(log_dir, open_file_later=True)  # (held until the first paint: why there)
    try:
        with one_connection(data_dir / DB_FILENAME):  # (the provider, theme and layout read before the paint)
            provider = args.provider or _saved_provider(data_dir)
            qapp = _qt_application()
            from app.ui.application import AppController

            controller = AppController(_launch_settings(args, data_dir, log_file, provider))
    finally:
        open_log_file()  # (also when the window could not be made: what was logged is kept)
    import asyncio  # (after the window's first paint, which the controller has made)

    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        code = loop.run_until_complete(controller.main())
    except RuntimeError:
        if controller.loop_lost:  # already logged and the database closed: no traceback on top
            return 1
        raise
    _exit_without_teardown(code)  # (the loop is not closed: that waits for abandoned worker jobs)


def _qt_application() -> QApplication:
    from PySide6.QtWidgets import QApplication

    from app.ui import pyside_import_hook

    pyside_import_hook.remove()  # (before the app's ~1,100 modules are imported)
    from app.ui.theme import make_application

    qapp = QApplication.instance() or make_application(sys.argv[0] if sys.argv else "ai-coach")
    qapp.setApplicationName("AI Coach")
    qapp.setOrganizationName("AI Coach")
    qapp.setQuitOnLastWindowClosed(False)
    return qapp


def _launch_settings(args: argparse.Namespace, data_dir: Path, log_file: Path, provider: str) -> LaunchSettings:
    from app.ui.application import LaunchSettings

    provider_args = (("replay_file", args.replay_file), ("replay_symbol", args.replay_symbol),
                     ("replay_tz", args.replay_tz), ("replay_label", args.replay_label)) if args.replay_file else ()
    if provider == "replay" and not args.replay_file:
        provider = "demo"  # a saved "replay" choice needs a file on the command line
    return LaunchSettings(data_dir=data_dir, log_file=log_file, provider=provider, speed=args.speed, seed=args.seed,
                          layout=args.layout, smoke=args.smoke, screenshot=args.screenshot, started_at=STARTED_AT,
                          provider_args=provider_args, ends_process=True)


def _exit_without_teardown(code: int) -> NoReturn:
    """The app has shut down (services stopped, layout saved, database closed after its queued
    writes): end the process without the interpreter's teardown of ~1,700 modules and the Qt
    object tree (0.5–1 s), nor closing the event loop, which waits for the worker jobs nobody
    awaits any more (a demo history still being generated: ~0.4 s)."""
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # (a windowed frozen app has no console)
            stream.flush()
    os._exit(code)


def _saved_provider(data_dir: Path) -> str:
    from data.providers.registry import available_providers
    from data.store.fast_read import DB_FILENAME, peek_preference

    saved = peek_preference(data_dir / DB_FILENAME, "provider")
    return saved if saved in available_providers() else "demo"


if __name__ == "__main__":
    sys.exit(main())
