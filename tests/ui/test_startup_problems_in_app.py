"""Start-up problems are shown in the window, with the way out, instead of a flash and a
traceback in the terminal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.application import AppController
from app.ui.startup_dialogs import START_FRESH
from data.store.fast_read import DB_FILENAME
from tests.gui_helpers import run_app, settings, until

GARBAGE = b"not a database " * 700


def _box() -> QMessageBox | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)


def _run_answering(data_dir: Path, button_text: str) -> tuple[int, bool, str]:
    """Run the app on ``data_dir``, click ``button_text`` in the first message box; returns the
    exit code, whether the engine started and the box's text."""
    seen: dict[str, object] = {"started": False, "text": ""}

    async def answer(c: AppController) -> None:
        await until(lambda: _box() is not None or c.engine.started, timeout=30)
        box = _box()
        assert box is not None, "no message box appeared"
        seen["text"] = box.text()
        next(b for b in box.buttons() if b.text() == button_text).click()
        if button_text == START_FRESH:
            await until(lambda: c.engine.started, timeout=30)
        seen["started"] = c.engine.started

    code = run_app(settings(data_dir), answer, wait_for_engine=False)
    return code, bool(seen["started"]), str(seen["text"])


def test_a_damaged_database_can_be_set_aside_for_a_fresh_one(qapp, tmp_path: Path) -> None:
    tmp_path.joinpath(DB_FILENAME).write_bytes(GARBAGE)
    code, started, text = _run_answering(tmp_path, START_FRESH)
    assert "not readable" in text and code == 0 and started
    assert tmp_path.joinpath(f"{DB_FILENAME}.damaged-1").read_bytes() == GARBAGE  # kept, unchanged
    assert tmp_path.joinpath(DB_FILENAME).read_bytes()[:15] == b"SQLite format 3"  # a fresh one


def test_quitting_at_a_damaged_database_leaves_it_untouched(qapp, tmp_path: Path) -> None:
    tmp_path.joinpath(DB_FILENAME).write_bytes(GARBAGE)
    code, started, text = _run_answering(tmp_path, "Quit")
    assert "left untouched" in text and code == 2 and not started
    assert tmp_path.joinpath(DB_FILENAME).read_bytes() == GARBAGE
    assert not list(tmp_path.glob("*.damaged-*"))


def test_an_unknown_layout_is_reported_with_the_names_there_are(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        await until(lambda: _box() is not None)
        box = _box()
        assert "no layout named 'nosuch'" in box.text() and "built in: default, options" in box.text()
        box.close()

    assert run_app(settings(tmp_path, layout="nosuch"), scenario) == 0
