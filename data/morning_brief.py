"""What a morning brief holds, as plain records that go to JSON and back unchanged (the store keeps
the JSON; ``ai-coach brief --json`` prints it; the panel renders it — so they live below both the
engine that makes them, ``app.core.brief``, and the widgets that show them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SymbolLevels:
    symbol: str
    last: float | None  # the latest price (pre-market included)
    prior_high: float | None
    prior_low: float | None
    prior_close: float | None
    premarket_high: float | None
    premarket_low: float | None
    pivot: float | None
    r1: float | None
    s1: float | None
    r2: float | None
    s2: float | None
    gap_pct: float | None  # (regular open, or the pre-market last before it − prior close) / prior close × 100
    gex_regime: str | None = None
    gex_flip: float | None = None
    call_wall: float | None = None
    put_wall: float | None = None
    expected_move: float | None = None  # today's: the 0DTE straddle, else the front one ÷ √sessions, points
    expected_move_pct: float | None = None
    expected_move_expiry: date | None = None
    iv_30d: float | None = None  # decimal
    iv_rank: float | None = None  # 0…100
    iv_rank_basis: str | None = None  # "implied volatility", or the "historical-volatility proxy" of a young store
    expected_move_basis: str | None = None  # "0DTE straddle", or e.g. "Dec 4 straddle ÷ √4"
    note: str = ""  # what could not be read, and why


@dataclass(frozen=True, slots=True)
class BriefEvent:
    time_et: str  # "08:30"
    title: str
    kind: str
    impact: str  # high / medium / low
    moves: str = ""  # e.g. "SPY moved 1.2 % open→close on past CPI days (×1.6 ordinary)"


@dataclass(frozen=True, slots=True)
class BriefEarnings:
    symbol: str
    report_date: date
    timing: str  # bmo / amc / unknown
    estimate_eps: float | None
    today: bool


@dataclass(frozen=True, slots=True)
class BriefPosition:
    position_id: int
    underlying: str
    strategy: str
    pnl: float
    dte: int | None
    expires_today: bool
    advice: tuple[str, ...]  # the titles of its exit advice


@dataclass(frozen=True, slots=True)
class PositionsRisk:
    positions: tuple[BriefPosition, ...]
    delta_dollars: float
    gamma: float
    theta: float
    vega: float


@dataclass(frozen=True, slots=True)
class WatchItem:
    kind: str  # setup_near_trigger / iv_rank_high / iv_rank_low / gap_up / gap_down / earnings
    symbol: str
    text: str
    price: float | None = None  # where it matters (the trigger, the level), for "alert at"


@dataclass(frozen=True, slots=True)
class MorningBrief:
    market_date: date
    watchlist: str
    generated_at: datetime  # market time
    trigger: str  # scheduled / on-demand / preview
    levels: tuple[SymbolLevels, ...]
    macro_events: tuple[BriefEvent, ...]
    earnings: tuple[BriefEarnings, ...]
    positions: PositionsRisk
    watch_items: tuple[WatchItem, ...]
    notes: tuple[str, ...] = field(default=())  # a section that could not be made, and why


def to_json(brief: MorningBrief) -> dict[str, Any]:
    """The stable JSON form (``ai-coach brief --json``; documented in the README)."""
    out = asdict(brief)
    out["market_date"] = brief.market_date.isoformat()
    out["generated_at"] = brief.generated_at.isoformat()
    for row in out["levels"]:
        if row["expected_move_expiry"] is not None:
            row["expected_move_expiry"] = row["expected_move_expiry"].isoformat()
    for row in out["earnings"]:
        row["report_date"] = row["report_date"].isoformat()
    return out


def from_json(data: dict[str, Any]) -> MorningBrief:
    def levels(row: dict[str, Any]) -> SymbolLevels:
        expiry = row.get("expected_move_expiry")
        return SymbolLevels(**{**row, "expected_move_expiry": date.fromisoformat(expiry) if expiry else None})

    risk = data["positions"]
    return MorningBrief(
        date.fromisoformat(data["market_date"]), data["watchlist"], datetime.fromisoformat(data["generated_at"]),
        data["trigger"], tuple(levels(r) for r in data["levels"]),
        tuple(BriefEvent(**e) for e in data["macro_events"]),
        tuple(BriefEarnings(**{**e, "report_date": date.fromisoformat(e["report_date"])}) for e in data["earnings"]),
        PositionsRisk(tuple(BriefPosition(**{**p, "advice": tuple(p["advice"])}) for p in risk["positions"]),
                      risk["delta_dollars"], risk["gamma"], risk["theta"], risk["vega"]),
        tuple(WatchItem(**w) for w in data["watch_items"]), tuple(data.get("notes", ())))
