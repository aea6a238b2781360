"""What the shared symbol actions do (``widgets.symbol_actions``): open the chart (the focused chart's
link group, as the watchlist does), the chain near a price, a prefilled alert, the Track setup dialog
at a price (on the main chart), a question to the coach —
each offered only when a panel can do it."""

from __future__ import annotations

from app.ui.intents import AskCoach, PrefillAlert, ShowChainNear, TrackSetupAt
from app.ui.panel_host import PanelHost
from widgets.symbol_actions import Subject, SymbolActions

INTENTS = {"chain": ShowChainNear, "alert": PrefillAlert, "track": TrackSetupAt, "coach": AskCoach}


def connect(host: PanelHost, actions: SymbolActions, source: str, on_error=None) -> None:
    """``source``: the panel the actions come from (an alert records it)."""
    actions.offers = lambda name: name == "chart" or (name in INTENTS and host.intents.handles(INTENTS[name]))
    actions.requested.connect(lambda name, subject: do(host, name, subject, source, on_error))


def do(host: PanelHost, name: str, subject: Subject, source: str, on_error=None) -> None:
    if name == "chart":
        host.run(host.open_symbol(subject.symbol), on_error)
    elif name == "chain" and subject.price is not None:
        host.intents.request(ShowChainNear(subject.symbol, subject.price))
    elif name == "alert" and subject.price is not None:
        host.intents.request(PrefillAlert(subject.symbol, "crosses", subject.price, source))
    elif name == "track" and subject.price is not None:
        host.intents.request(TrackSetupAt(subject.symbol, subject.price))
    elif name == "coach":
        host.intents.request(AskCoach(subject.coach_question()))
