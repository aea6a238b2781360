"""Plain records the repositories return (no SQLAlchemy import, so the UI can load them early)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Watchlist:
    id: int
    name: str
    symbols: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: int
    kind: str
    title: str
    message: str
    dedupe_key: str | None
    created_at: datetime  # aware UTC


def clean_name(name: str, what: str, error: type[ValueError] = ValueError, max_len: int = 64) -> str:
    """Collapse whitespace and check the length of a user-given name (``what``: "watchlist", …),
    raising ``error`` with a message for the user."""
    clean = " ".join(name.split())
    if not clean:
        raise error(f"A {what} needs a name.")
    if len(clean) > max_len:
        raise error(f"{what.capitalize()} names are at most {max_len} characters.")
    return clean


ALERT_CONDITIONS = ("crosses", "above", "below")
TREND = "trend"  # crosses a drawn trend line: the level is the line's value at each tick's time
VWAP_CROSS = "vwap"  # crosses the session VWAP (as it is at each tick)
LEVEL_CROSS = "level"  # crosses a key level by name (params["level"]: PDH, PDL, PDC, PMH, PML, ORH, ORL, P, R1, S1)
PCT_MOVE = "pct_move"  # moves ``price`` % from the prior close (or params["reference"]) either way
KEY_LEVELS = ("PDH", "PDL", "PDC", "PMH", "PML", "ORH", "ORL", "P", "R1", "S1")
OPTION_LEVELS = ("FLIP", "CALL_WALL", "PUT_WALL")  # from the options snapshot (the active symbol's chain)
EM_USED = "em_used"  # today's expected move used reaches ``price`` % (0DTE view)
IV_RANK_ABOVE, IV_RANK_BELOW = "iv_rank_above", "iv_rank_below"  # the IV rank passes ``price`` (0-100)
THRESHOLDS = (EM_USED, IV_RANK_ABOVE, IV_RANK_BELOW)  # judged on each options refresh, not on ticks
OPTION_LEVEL_TITLES = {"FLIP": "the GEX flip", "CALL_WALL": "the call wall", "PUT_WALL": "the put wall"}
ALERT_STATUSES = ("active", "triggered", "disabled")
# what an alert watches, for its sound (Preferences → "Alert sounds"): one name per family of conditions
ALERT_TYPES = {"price": "Price level", "trend": "Trend line", "vwap": "VWAP cross", "key_level": "Key level",
               "pct_move": "% move", "options": "Options (GEX levels, expected move, IV rank)"}


def alert_type(condition: str, params: dict | None = None) -> str:
    """The ``ALERT_TYPES`` name of an alert's condition (an options level is a key level by name too)."""
    if condition in THRESHOLDS:
        return "options"
    if condition == LEVEL_CROSS:
        level = params.get("level") if isinstance(params, dict) else None
        return "options" if level in OPTION_LEVELS else "key_level"
    return {TREND: "trend", VWAP_CROSS: "vwap", PCT_MOVE: "pct_move"}.get(condition, "price")


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    symbol: str
    condition: str  # crosses / above / below
    price: float
    repeat: bool  # False: one-shot (fires once, then "triggered")
    status: str  # active / triggered / disabled
    source: str  # chart / panel / chain / setup …
    notes: str
    created_at: datetime  # aware UTC
    triggered_at: datetime | None
    params: dict | None = None  # beyond a level: {"line": [t1 s, p1, t2 s, p2]}, {"level": "PDH"}, {"reference": p}

    @property
    def line(self) -> tuple[float, float, float, float] | None:
        """A trend alert's (t1 s, price1, t2 s, price2)."""
        line = (self.params or {}).get("line")
        return tuple(line) if self.condition == TREND and line else None

    def describe(self, fired: bool = False) -> str:
        """What it watches in words ("crosses VWAP", "moves 2 % from the prior close"); past tense once fired."""
        if self.condition == EM_USED:
            return f"expected move used {'reached' if fired else 'reaches'} {self.price:g} %"
        if self.condition in (IV_RANK_ABOVE, IV_RANK_BELOW):
            up = self.condition == IV_RANK_ABOVE
            verb = ("rose" if fired else "rises") if up else ("fell" if fired else "falls")
            return f"IV rank {verb} to {self.price:g} or {'above' if up else 'below'}"
        if self.condition == PCT_MOVE:
            base = (self.params or {}).get("reference")
            return (f"{'moved' if fired else 'moves'} {self.price:g} % from "
                    + (f"{base:,.2f}" if base else "the prior close"))
        verb = {"above": "is above", "below": "is below"}.get(self.condition, "crossed" if fired else "crosses")
        level = (self.params or {}).get("level", "a key level")
        what = {TREND: "the trend line", VWAP_CROSS: "VWAP",
                LEVEL_CROSS: OPTION_LEVEL_TITLES.get(level, level)}.get(self.condition, f"{self.price:,.2f}")
        return f"{verb} {what}"

    def level_at(self, ts: float | None) -> float:
        """The level at time ``ts`` (a trend line's value, extended both ways; else the price)."""
        line = self.line
        if line is None or ts is None:
            return self.price
        t1, p1, t2, p2 = line
        return p1 if t2 == t1 else p1 + (p2 - p1) * (ts - t1) / (t2 - t1)


@dataclass(frozen=True, slots=True)
class ChartDrawing:
    """A line or note drawn on a symbol's charts: points are (epoch seconds, price), shown on every chart of
    the symbol in the same timeframe family (intraday or daily)."""

    id: int
    symbol: str
    family: str  # intraday / daily
    kind: str  # hline / trend / rect / text
    points: tuple[tuple[float, float], ...]
    text: str = ""
    extend: bool = False  # a trend line drawn on past its second point


@dataclass(frozen=True, slots=True)
class AlertTrigger:
    id: int
    alert_id: int
    price: float
    triggered_at: datetime  # aware UTC


@dataclass(frozen=True, slots=True)
class SetupEvent:
    id: int
    setup_id: int
    status: str  # the status it moved to ("noted": a note was added)
    price: float | None  # the price that caused it (None for the trader's own actions)
    at: datetime  # aware UTC, market time
    reason: str


@dataclass(frozen=True, slots=True)
class TrackedSetup:
    id: int
    detection_id: int | None
    symbol: str
    detector: str  # a detector's name, or "manual"
    direction: str  # long / short
    entry: float
    stop: float
    targets: tuple[float, ...]
    reference: float  # the price when it was made
    status: str  # analytics.setup_lifecycle.STATUSES
    source: str  # auto / scanner / chart / coach
    notes: str
    session_day: date  # the ET session it waits for entry in
    created_at: datetime  # aware UTC, market time
    updated_at: datetime
    events: tuple[SetupEvent, ...] = ()

    @property
    def risk_reward(self) -> float:
        risk = abs(self.entry - self.stop)
        return abs(self.targets[0] - self.entry) / risk if self.targets and risk > 0 else float("nan")


@dataclass(frozen=True, slots=True)
class DetectionRecord:
    """A stored detection (``analytics.detections.Detection`` with its id and times as datetimes)."""

    id: int
    symbol: str
    detector: str
    direction: str
    decided_at: datetime  # aware UTC: the close of the bar it was decided on
    entry: float
    stop: float
    targets: tuple[float, ...]
    confidence: float
    parts: tuple[tuple[str, float, float], ...]  # (name, value, weight)
    evidence: str
    levels: dict[str, float]
    hit_cases: int | None  # the detector's measured record on this symbol when it fired
    hit_hits: int | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class LegRecord:
    """A stored position leg; the same fields as ``analytics.positions.Leg`` (the service converts)."""

    kind: str  # stock / option
    symbol: str
    underlying: str
    quantity: int  # signed, what is open now
    open_price: float  # per share, the average of what is open
    expiry: date | None = None
    is_call: bool | None = None
    strike: float | None = None
    multiplier: int = 1
    fees: float = 0.0


@dataclass(frozen=True, slots=True)
class LegFill:
    """One contract (or the shares) bought (+) or sold (−) in a position event, at a price per share."""

    symbol: str
    quantity: int
    price: float
    fees: float = 0.0
    leg: LegRecord | None = None  # the contract's details when it opens a new leg


@dataclass(frozen=True, slots=True)
class PositionEvent:
    id: int
    position_id: int
    kind: str  # opened / adjusted / rolled / partly_closed / closed / expired / assigned / exercised / stop_set / noted
    at: datetime  # aware UTC, market time
    fills: tuple[LegFill, ...]
    cash: float  # dollars in (+) or out (−) of the account for the fills, fees included
    reason: str


@dataclass(frozen=True, slots=True)
class PositionRecord:
    id: int
    underlying: str
    strategy: str
    status: str  # open / closed
    legs: tuple[LegRecord, ...]  # the open legs (none once closed)
    opened_at: datetime
    closed_at: datetime | None
    source: str  # manual / chain / coach / import
    notes: str
    stop_level: float | None  # a stop on the underlying set from the position (an alert watches it)
    events: tuple[PositionEvent, ...] = ()

    @property
    def realized(self) -> float:
        """Dollars realised so far: every event's cash (open debits negative), fees included."""
        return sum(e.cash for e in self.events)


@dataclass(frozen=True, slots=True)
class Execution:
    """One fill as a broker reports it (or as a position event records it), the journal's input.

    Quantities are positive with the ``side``; prices per share (an option's premium per share,
    × ``multiplier`` in dollars); ``exec_id`` is the broker's own id, else a stable hash of the
    row, so importing a file twice stores nothing new."""

    broker: str  # thinkorswim / webull / ibkr / generic / app
    account: str  # as the export names it ("" when it does not)
    exec_id: str
    time: datetime  # aware UTC
    symbol: str  # the underlying's ticker
    side: str  # buy / sell
    quantity: float  # > 0 (shares can be fractional)
    price: float  # per share
    fees: float = 0.0  # dollars, >= 0 (commissions and regulatory fees)
    instrument: str = "stock"  # stock / option
    occ: str | None = None  # the contract, compact OCC, for an option
    expiry: date | None = None
    is_call: bool | None = None
    strike: float | None = None
    multiplier: int = 1  # 100 for a standard contract; another number for an adjusted deliverable
    effect: str | None = None  # open / close, when the broker says
    kind: str = "trade"  # trade / expiration / assignment / exercise
    order_id: str | None = None  # the order (a spread's legs share one)
    source_line: int = 0  # the row of the file it came from (for messages)


@dataclass(frozen=True, slots=True)
class TradeNote:
    trade_id: str
    setup: str = ""
    tags: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    rating: int | None = None  # 1-5
    notes: str = ""
    planned_stop: float | None = None
    planned_target: float | None = None


@dataclass(frozen=True, slots=True)
class JournalDraft:
    id: int
    day: date  # the ET market date it drafts
    source: str  # setup / alert / position
    ref: str
    symbol: str
    title: str
    detail: str
    status: str  # pending / confirmed / dismissed


@dataclass(frozen=True, slots=True)
class OptionsContext:
    """A symbol's options picture at one minute, recorded as the chain refreshes (the journal reads
    the one before a trade's entry)."""

    symbol: str
    at: datetime  # market time, on the minute
    provider: str
    spot: float
    regime: str  # positive gamma / negative gamma
    flip: float | None
    call_wall: float | None
    put_wall: float | None
    iv_30d: float | None  # decimal
    iv_rank: float | None  # 0…100
    move_at_open: float | None  # the same-day 1σ move priced at the open, points
    move_used_fraction: float | None  # |price − open| / that move


@dataclass(frozen=True, slots=True)
class TradeAttachment:
    """A chart screenshot attached to a journal trade; its bytes are read apart (``sha256``)."""

    id: int
    trade_id: str
    sha256: str
    media_type: str
    size: int  # bytes
    caption: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EarningsEvent:
    """A company's report as one source gives it."""

    symbol: str
    report_date: date  # the New York date of the announcement
    timing: str  # bmo (before the open: the reaction is that day) / amc (after the close: the next session) / unknown
    source: str  # demo / alphavantage / massive
    time_et: str | None = None  # "16:30" when the source says
    fiscal_period: str = ""  # e.g. "Q3 2026" or the fiscal date ending
    estimate_eps: float | None = None
    actual_eps: float | None = None
    currency: str = "USD"
    status: str = ""  # confirmed / projected ("" when the source does not say)
    name: str = ""  # the company


@dataclass(frozen=True, slots=True)
class MacroEvent:
    """A scheduled economic release (CPI, NFP, FOMC decision …) with its impact rating."""

    source: str  # fomc / fred / bls / demo
    key: str  # stable per source
    kind: str  # fomc / fomc_minutes / cpi / ppi / nfp / claims / retail_sales / gdp / pce / ism / …
    title: str
    at: datetime  # aware UTC, the release time
    impact: str  # high / medium / low
