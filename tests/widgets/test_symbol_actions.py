"""The shared symbol actions: one list, offered only when the subject has what an action needs and
some panel does it; a coach card's menu takes its symbol and price from its own buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from data.coach import Card, CardAction
from widgets.coach.cards import CoachCard, card_subject
from widgets.symbol_actions import Subject, SymbolActions


def _texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if a.text()]


def test_actions_need_a_price_and_a_panel_that_does_them(qtbot) -> None:
    actions = SymbolActions()
    menu = QMenu()
    qtbot.addWidget(menu)
    assert actions.add_to(menu, Subject("SPY", 600.0, "PDH")) == 1  # nothing but the chart is done yet
    actions.offers = lambda _name: True
    actions.add_to(menu, Subject("SPY", 600.0, "PDH"))
    actions.add_to(menu, Subject("QQQ"))  # no price: no chain, alert or setup
    assert _texts(menu) == ["Open SPY chart", "Open SPY chart", "Open chain near PDH 600.00", "Alert at PDH 600.00…",
                            "Track setup at PDH 600.00…", "Ask the coach about SPY",
                            "Open QQQ chart", "Ask the coach about QQQ"]
    asked = []
    actions.requested.connect(lambda name, subject: asked.append((name, subject)))
    menu.actions()[4].trigger()
    assert asked == [("track", Subject("SPY", 600.0, "PDH"))]
    assert "around PDH 600.00" in Subject("SPY", 600.0, "PDH").coach_question()


def test_a_coach_card_offers_the_shared_actions_at_its_buttons_price(qtbot) -> None:
    chain = Card("zero_dte", "SPX 0DTE", (("ATM", "6,600"),),
                 (CardAction("Open chain at ATM", "open_chain", {"symbol": "SPX", "strike": 6600.0}),))
    assert card_subject(chain) == Subject("SPX", 6600.0, "strike")
    assert card_subject(Card("help", "Commands")) is None
    actions = SymbolActions()
    actions.offers = lambda _name: True
    card = CoachCard(chain, symbol_actions=actions)
    qtbot.addWidget(card)
    # all but asking the coach (this is the coach)
    assert _texts(card.menu_for()) == ["Open SPX chart", "Open chain near strike 6,600.00",
                                       "Alert at strike 6,600.00…", "Track setup at strike 6,600.00…"]
    for other in (CoachCard(Card("help", "Commands"), symbol_actions=actions), CoachCard(chain)):
        qtbot.addWidget(other)
        assert other.menu_for() is None  # no symbol; no actions given
