"""Options panels render one per turn of the event loop (what comes between them runs first)."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from app.ui.panels.options_feed import _Turns


def test_queued_renders_take_a_turn_each(qtbot) -> None:
    turns, log = _Turns(), []

    def first() -> None:
        log.append("first")
        QTimer.singleShot(0, lambda: log.append("loop"))  # what the loop has to do meanwhile

    turns.queue(first)
    turns.queue(lambda: log.append("second"))
    assert log == []  # not at once: in the loop's next turns
    qtbot.waitUntil(lambda: "second" in log)
    assert log == ["first", "loop", "second"]


def test_a_failing_render_does_not_stop_the_others(qtbot) -> None:
    turns, log = _Turns(), []

    def fails() -> None:
        raise RuntimeError("a panel's bug")

    with qtbot.capture_exceptions() as raised:
        turns.queue(fails)
        turns.queue(lambda: log.append("next"))
        qtbot.waitUntil(lambda: log == ["next"])
    assert [str(e[1]) for e in raised] == ["a panel's bug"]
