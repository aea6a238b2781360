"""Cross-panel intents in one place: a panel asks for something another panel does.

Panels never look each other up (a window-wide panel lookup plus ``hasattr``). A panel that
can do something registers a handler for that intent's class, with the panel to bring to the
front; a panel that wants it done calls ``request``. ``handles`` lets a menu offer only what
some panel can do (a panel that is not built adds no menu entry).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

log = logging.getLogger(__name__)
I = TypeVar("I")


@dataclass(frozen=True, slots=True)
class ShowChainNear:
    """Open the options chain of ``symbol`` scrolled to the strike nearest ``price``."""

    symbol: str
    price: float


@dataclass(frozen=True, slots=True)
class FocusContract:
    """Show one contract (expiry, strike) of the chain on screen (of ``symbol``'s chain: "" the one shown)."""

    expiry: date
    strike: float
    symbol: str = ""


@dataclass(frozen=True, slots=True)
class PrefillAlert:
    """Open the alerts panel with a new alert filled in, for the trader to finish."""

    symbol: str
    condition: str  # crosses / above / below
    price: float
    source: str


@dataclass(frozen=True, slots=True)
class ChartLevel:
    key: str  # unique within its group, e.g. "flip"
    price: float
    label: str
    color: str


@dataclass(frozen=True, slots=True)
class DrawChartLevels:
    """Replace the chart's lines of ``group`` (e.g. "gex") with ``levels`` (none: remove them); levels of
    ``symbol`` ("" : whatever the chart shows) are drawn only on a chart of that symbol."""

    group: str
    levels: tuple[ChartLevel, ...]
    symbol: str = ""


@dataclass(frozen=True, slots=True)
class AddChartMarker:
    """Mark the chart of ``symbol`` at ``price`` on the bar containing ``ts`` (UTC seconds)."""

    symbol: str
    ts: int
    price: float
    text: str
    color: str


@dataclass(frozen=True, slots=True)
class OpenPositionEntry:
    """Open the new-position dialog for ``symbol``, prefilled with one contract (OCC ``contract``,
    bought when ``quantity`` > 0, sold when < 0) or with nothing but the underlying."""

    symbol: str
    contract: str | None = None
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class ShowPosition:
    """Bring the Positions panel forward on position ``position_id`` (its detail and risk graph)."""

    position_id: int


@dataclass(frozen=True, slots=True)
class ShowTrades:
    """Bring the Journal panel forward listing only these trades (a dashboard click-through)."""

    trade_ids: tuple[str, ...]
    title: str  # what they are, e.g. "setup breakout", "closed Wed 2026-03-04"


@dataclass(frozen=True, slots=True)
class AskCoach:
    """Bring the Coach panel forward and ask it ``text`` (the "Ask the coach about …" menus)."""

    text: str


@dataclass(frozen=True, slots=True)
class TrackSetupAt:
    """Open the Track setup dialog for ``symbol`` at ``price`` (the shared "Track setup at …")."""

    symbol: str
    price: float


@dataclass(frozen=True, slots=True)
class ShowPanel:
    """Show (``shown``) or close the dock ``name`` (Preferences → Options panels shown; the window does it)."""

    name: str
    shown: bool


@dataclass(frozen=True, slots=True)
class PanelShownChanged:
    """The dock ``name`` was shown or closed (anywhere: View menu, its close button, a layout)."""

    name: str
    shown: bool


@dataclass(frozen=True, slots=True)
class _Handler:
    call: Callable[[Any], None]
    panel: str | None  # brought to the front before the handler runs


class Intents:
    def __init__(self, focus_panel: Callable[[str], None], build_panel: Callable[[str], None] | None = None) -> None:
        self._focus_panel = focus_panel
        self._build_panel = build_panel
        self._handlers: dict[type, _Handler] = {}
        self._promised: dict[type, str] = {}  # kind → the panel whose build registers its handler
        self.building: str | None = None  # the panel being built (its handlers are said to be its)
        self.registered_by: dict[type, str | None] = {}

    def handle(self, kind: type[I], handler: Callable[[I], None], panel: str | None = None) -> None:
        """``handler`` does intents of class ``kind`` (one handler per kind); ``panel`` is its dock."""
        if kind in self._handlers:
            raise ValueError(f"{kind.__name__} already has a handler")
        self._handlers[kind] = _Handler(handler, panel)
        self.registered_by[kind] = self.building

    def promise(self, kind: type, panel: str) -> None:
        """Building ``panel`` (not built yet: off screen) registers the handler of ``kind``."""
        self._promised[kind] = panel

    def handles(self, kind: type) -> bool:
        return kind in self._handlers or (kind in self._promised and self._build_panel is not None)

    def request(self, intent: object) -> bool:
        """Have ``intent`` done; False (and nothing happens) when no panel does it."""
        kind = type(intent)
        if kind not in self._handlers and kind in self._promised and self._build_panel is not None:
            self._build_panel(self._promised[kind])
        handler = self._handlers.get(kind)
        if handler is None:
            log.debug("no panel handles %s", kind.__name__)
            return False
        if handler.panel is not None:
            self._focus_panel(handler.panel)
        handler.call(intent)
        return True
