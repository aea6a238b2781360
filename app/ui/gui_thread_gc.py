"""Cyclic garbage collection on the GUI thread only, from a timer.

Python's collector runs in whichever thread happens to allocate. When that is a worker (the
store thread, ``asyncio.to_thread`` jobs) and the garbage holds Qt objects, they are destroyed
off the GUI thread and Qt crashes later, far from the cause. The same remedy as
``pyqtgraph.util.garbage_collector`` (not imported: it pulls all of pyqtgraph in before the
window's first paint), plus ``stop()`` so the previous setting comes back.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


def collect_due_generations(threshold: tuple[int, int, int]) -> None:
    """Collect the generations whose allocation counts passed ``threshold`` (what automatic
    collection would have done by now)."""
    counts = gc.get_count()
    for generation in range(3):
        if counts[generation] <= threshold[generation]:
            break
        gc.collect(generation)


class GuiThreadGarbageCollector:
    def __init__(self, parent: QObject, interval_ms: int = 1000) -> None:
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(parent, interval=interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        collect_due_generations(self._threshold)

    def freeze_startup_objects(self) -> None:
        """Move everything alive now (modules, classes, the window, caches — ~160k objects once
        the engine is up) out of the collector's sight: a collection then scans only what came
        after, instead of stalling the GUI for ~40 ms each time. Without a collection first: at
        start-up it found ~80 unreachable objects for ~45 ms of the GUI thread, and those few
        now stay (frozen objects are never collected)."""
        gc.freeze()

    def stop(self, collect: bool = True) -> None:
        """Automatic collection back as it was; ``collect=False`` when the process ends next
        (a last full collection of every object cost ~0.1 s for nothing)."""
        self._timer.stop()
        gc.unfreeze()
        if collect:
            gc.collect()
        if self._was_enabled:
            gc.enable()
