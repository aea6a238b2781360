"""Each dock's panel widget by dock name, built when first needed.

A panel off screen at start-up (behind another tab, or closed) is built when its dock first
comes on screen, when another panel asks it for something (``app.ui.intents``), or when it is
looked up here: start-up builds only what the trader sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from PySide6.QtWidgets import QWidget


class PanelWidgets(Mapping[str, QWidget]):
    def __init__(self, names: Callable[[], Iterable[str]], build: Callable[[str], None]) -> None:
        self._names = names  # every dock's name, built or not
        self._build = build  # builds the named panel and ``add``s it (raises KeyError if it cannot be)
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, name: str) -> QWidget:
        if name not in self._built:
            self._build(name)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names()))

    def __len__(self) -> int:
        return len(list(self._names()))

    def add(self, name: str, widget: QWidget) -> None:
        self._built[name] = widget

    def is_built(self, name: str) -> bool:
        return name in self._built

    def built(self) -> dict[str, QWidget]:
        """The panels built so far (looking them up here builds none)."""
        return dict(self._built)
