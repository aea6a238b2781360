"""The exit advisor: pure rules that tell a trader when and how to get out, with the numbers.

``advise`` runs every rule on one position and returns its advice, each with the rule's id, a
severity, a plain title, the numbers that triggered it (units in the names) and the action one
click would record (contracts, sides, quantities, prices). Rules and their defaults
(``ExitParams``; sources in ../shared/docs/wave2-references.md §2):

- ``take_profit``: credit trades at 50 % of max profit (the credit), again at 75 %; debit
  trades at +100 % of the debit, again at +200 % — close at the mids.
- ``stop_loss``: credit trades when the loss reaches 2× the credit; debit trades at −50 %.
- ``underlying_stop``: spot through a stop level on the underlying, when one is set.
- ``quote_too_wide``: info only — fresh marks but a spread wider than 50 % of the mid.
- ``manage_dte``, ``theta_decay``, ``zero_dte``, ``gamma_risk``, ``assignment``, ``earnings``:
  see ``analytics.exit_rules.timing``.
- ``spread_conversion``: see ``analytics.exit_rules.conversion``; ``roll``: see
  ``analytics.exit_rules.roll``.

A missing or stale mark (or a chain older than ``max_chain_age_seconds``) never fires a money
rule: that rule gives no advice rather than a wrong number. De-duplication, cooldown and snooze
state belong to the service; ``due`` is the pure test it applies to each advice's ``key``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from analytics.chain_greeks import ChainGreeks
from analytics.exit_rules import conversion, money, roll, timing
from analytics.exit_rules.context import Context
from analytics.exit_rules.model import ActionLeg, Advice, ExitParams, SuggestedAction, UnderlyingStop, exit_params
from analytics.option_time import default_close
from analytics.positions import ContractMark, Position
from data.option_chain import OptionChain

__all__ = ["RULES", "ActionLeg", "Advice", "ExitParams", "SuggestedAction", "UnderlyingStop", "advise", "due",
           "exit_params"]

RULES: tuple[Callable[[Context], list[Advice]], ...] = (
    money.take_profit, money.stop_loss, money.underlying_stop, money.quote_too_wide,
    timing.manage_dte, timing.theta_decay, timing.zero_dte, timing.gamma_risk, timing.assignment,
    timing.earnings, conversion.spread_conversion, roll.roll,
)
_ORDER = {"act": 0, "warn": 1, "info": 2}


def advise(position: Position, marks: dict[str, ContractMark], chain: OptionChain | None,
           greeks: ChainGreeks | None, spot: float, now: datetime, params: ExitParams | None = None,
           earnings: date | None = None, next_dividend: tuple[date, float] | None = None,
           stop: UnderlyingStop | None = None, close_of: Callable[[date], datetime] = default_close) -> list[Advice]:
    """Every advice for an open position, most urgent first. ``now`` is aware market time;
    ``greeks`` aligned with ``chain`` rows (either may be None); ``next_dividend`` = (ex-date,
    dollars per share); ``close_of`` the session close of a day (the market calendar's, for half
    days)."""
    if position.status != "open":
        return []
    ctx = Context(position, marks, chain, greeks, spot, now, params or ExitParams(), earnings, next_dividend, stop,
                  close_of)
    out = [advice for rule in RULES for advice in rule(ctx)]
    return sorted(out, key=lambda a: _ORDER.get(a.severity, 3))


def due(advice: Advice, last_shown: dict[str, datetime], snoozed_until: dict[str, datetime], now: datetime,
        cooldown: timedelta) -> bool:
    """Whether to show ``advice`` now: not while snoozed (a dismissal is a snooze to an aware
    ``datetime.max``), not again within ``cooldown`` of its last showing. A new band, case or roll
    (other contracts) has another key, so it is due at once."""
    key = advice.key
    until = snoozed_until.get(key)
    if until is not None and now < until:
        return False
    shown = last_shown.get(key)
    return shown is None or now - shown >= cooldown
