import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_signal_emit_keeps_reference_counts_intact() -> None:
    """PySide6 6.12.0 dropped a reference to True on every emit, crashing the app after a few
    thousand quotes; pyproject excludes it and this guards any future version."""
    emitter = _Emitter()
    emitter.fired.connect(lambda _value: None)
    before = sys.getrefcount(True)
    for _ in range(50):
        emitter.fired.emit(1)
    assert sys.getrefcount(True) >= before - 5
