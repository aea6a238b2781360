"""Questions and notices at start-up, shown without blocking the event loop (``open()``, never
``exec()``): a fatal problem waits for the user's answer instead of the window vanishing."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QMessageBox, QWidget

START_FRESH = "Start fresh (keep the old file)"


async def answer(box: QMessageBox) -> QMessageBox.StandardButton | object:
    """Open ``box`` and wait until it is closed; the button clicked (None when closed otherwise)."""
    future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    box.finished.connect(lambda _result: future.done() or future.set_result(box.clickedButton()))
    box.open()
    try:
        return await future
    finally:
        box.deleteLater()


async def ask_start_fresh(parent: QWidget, message: str) -> bool:
    """The database is damaged: start with a new one (the old file kept beside it) or quit."""
    box = QMessageBox(QMessageBox.Icon.Critical, "AI Coach cannot open its database", message,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("Start fresh moves the damaged file aside, unchanged, so it can still be "
                           "recovered or sent for a look; your watchlists, alerts and layouts start empty.")
    fresh = box.addButton(START_FRESH, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    return await answer(box) is fresh


async def show_fatal(parent: QWidget, message: str) -> None:
    """A start-up problem the app cannot get past: say so and wait for Close."""
    box = QMessageBox(QMessageBox.Icon.Critical, "AI Coach cannot start", message,
                      QMessageBox.StandardButton.Close, parent)
    await answer(box)


def show_warning(parent: QWidget, title: str, message: str) -> QMessageBox:
    """A problem the app worked around (e.g. the demo market instead of a provider that did not
    start): shown, not waited for."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.finished.connect(lambda _result: box.deleteLater())
    box.open()
    return box
