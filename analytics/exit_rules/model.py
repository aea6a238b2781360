"""The exit advisor's vocabulary: its parameters, an advice and the action it suggests.

Money conventions: prices are per share; dollar totals are × multiplier × contracts. A net
price is positive for a credit received and negative for a debit paid. Numbers in an advice
carry their unit in the name (``_usd``, ``_pct``, ``_days``, ``_per_share``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date


@dataclass(frozen=True, slots=True)
class ExitParams:
    """Every threshold of the exit rules; defaults as the Preferences offer them.

    Names follow tastytrade's backtester where one exists (take profit %, stop loss %, DTE).
    """

    # profit taking: % of max profit (the credit) on credit trades; % of the debit on debit trades
    take_profit_credit_pct: float = 50.0
    take_profit_credit_bands: tuple[float, ...] = (75.0,)  # further cards as the profit grows
    take_profit_debit_pct: float = 100.0
    take_profit_debit_bands: tuple[float, ...] = (200.0,)
    # loss: credit trades at a multiple of the credit; debit trades at a % of the debit
    stop_loss_credit_multiple: float = 2.0
    stop_loss_credit_undefined_only: bool = False  # tastytrade applies 2x to undefined risk only
    stop_loss_debit_pct: float = 50.0
    # time
    manage_dte: int = 21  # premium sellers manage (close or roll) at <= this many days
    theta_decay_pct_per_day: float = 3.0  # long premium losing more than this share of value a day
    zero_dte_minutes_before_close: int = 60  # 0DTE: the close card from 15:00 ET (16:00 close)
    # gamma risk: short strikes within this % of spot (or one expected daily move) at <= gamma_dte
    gamma_dte: int = 2
    gamma_distance_pct: float = 1.0
    gamma_use_daily_move: bool = True
    # spread conversion of a long call/put that gained this much
    convert_gain_pct: float = 50.0
    convert_delta: float = 0.30  # sell the further-OTM strike nearest this |delta| ...
    convert_width: float | None = None  # ... or the strike nearest this many $ away, when set
    # roll a tested short strike (spot within this % of it, or through it) or at <= manage_dte
    roll_tested_pct: float = 1.0
    roll_min_dte: int = 28  # the new expiry: the nearest one at least this many days out
    roll_max_expiries: int = 2  # expiries tried, nearest first
    roll_max_steps: int = 3  # strikes tried further away on the tested side, beyond "same strikes"
    # assignment risk
    assignment_near_dte: int = 2
    assignment_min_extrinsic: float = 0.05  # per share
    # earnings inside the trade
    earnings_warn_days: int = 7
    # mark quality: a money rule needs every leg's mark fresh and not too wide
    max_mark_age_seconds: float = 180.0
    skip_minutes_after_open: int = 5  # opening quotes are wide and jumpy: money rules wait (OptionAlpha 9:31-9:40)
    max_chain_age_seconds: float = 900.0
    max_spread_pct_of_mid: float = 50.0
    min_spread_allowed: float = 0.05  # a spread this wide (per share) is never "too wide"


def exit_params(values: Mapping[str, object], base: ExitParams | None = None) -> ExitParams:
    """ExitParams from stored preferences by field name (unknown names ignored, numbers coerced to
    the default's type; a tuple of bands from any sequence)."""
    base = base or ExitParams()
    changes = {}
    for f in fields(ExitParams):
        if f.name not in values:
            continue
        value, default = values[f.name], getattr(base, f.name)
        if f.name == "convert_width":
            value = float(value) if value not in (None, "", 0) else None
        elif value is None:
            continue
        elif isinstance(default, tuple):
            value = tuple(float(v) for v in value)
        else:
            value = type(default)(value)
        changes[f.name] = value
    return replace(base, **changes)


@dataclass(frozen=True, slots=True)
class UnderlyingStop:
    """A stop level on the underlying: ``direction`` "below" (a bullish position) or "above"."""

    level: float
    direction: str = "below"


@dataclass(frozen=True, slots=True)
class ActionLeg:
    """One order of an action: ``side`` buy/sell, ``effect`` open/close, quantity > 0 contracts
    (or shares), ``price`` per share (None when no usable quote)."""

    symbol: str
    side: str
    quantity: int
    price: float | None
    effect: str = "close"
    expiry: date | None = None
    is_call: bool | None = None
    strike: float | None = None


@dataclass(frozen=True, slots=True)
class SuggestedAction:
    """What one click would record. ``net_price`` per share of one unit of the structure and
    ``net_amount`` in dollars: + credit, − debit (None when a leg has no usable quote).
    ``new_max_loss``/``new_max_profit``/``locked_in_profit`` in dollars (inf: unlimited)."""

    kind: str  # "close" | "roll" | "convert" | "set_stop"
    legs: tuple[ActionLeg, ...] = ()
    net_price: float | None = None
    net_amount: float | None = None
    new_max_loss: float | None = None
    new_max_profit: float | None = None
    locked_in_profit: float | None = None
    stop_level: float | None = None


SEVERITIES = ("info", "warn", "act")


@dataclass(frozen=True, slots=True)
class Advice:
    rule: str  # stable id, e.g. "take_profit"
    severity: str  # "info" | "warn" | "act"
    title: str
    position_id: int
    numbers: dict[str, float] = field(default_factory=dict)
    action: SuggestedAction | None = None
    variant: str = ""  # a band or case of the rule ("50", "dividend"): a new one is a new advice

    @property
    def key(self) -> str:
        """Rule, position, variant and the action's contracts: equal keys are the same advice."""
        contracts = ",".join(sorted(f"{leg.side}:{leg.symbol}" for leg in self.action.legs)) if self.action else ""
        return f"{self.rule}|{self.position_id}|{self.variant}|{contracts}"


def finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)
