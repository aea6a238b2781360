"""Journal dashboard statistics over closed trades, vectorised (50,000 trades in a few ms).

Definitions (each pinned in tests/analytics/test_journal_stats.py):

* A closed trade is a **scratch** when ``Trade.is_scratch`` (|net| < $1 by default, see
  analytics.journal_trades) or its net is exactly 0; else a **win** (net > 0) or a **loss** (net < 0).
  Open trades are left out of everything here.
* **Win rate** = wins / (wins + losses): scratches are excluded from the denominator (Tradervue);
  NaN with no wins or losses.
* **Profit factor** = Σ net of wins / |Σ net of losses| (``basis="gross"`` uses gross P&L, before
  fees, for the classification and the sums); scratches are in neither sum. ∞ with wins and no
  losses, NaN with neither (no trades, or only scratches).
* **Expectancy** ($ per trade) = avgWin·P(win) − |avgLoss|·P(loss), P over every closed trade,
  scratches included (they dilute it; their own few cents are left out).
* **Average win / loss**: the mean net of wins / of losses (the loss is negative), NaN without.
  **Largest win / loss** likewise (0 without).
* **Average R** over the trades with a risk (R known); None without any.
* **Max drawdown**: on the cumulative closed-trade net P&L in close-time order, starting at 0 —
  the largest fall from a running peak (the peak includes the starting 0), in dollars (≥ 0), and
  as a fraction of that peak (NaN when the peak was 0: a fall from the start has no percentage).
  Closed-trade P&L, not daily account equity. Drawdown, streaks, the equity curve and the daily
  P&L follow the basis too (net by default).
* **Streaks**: the longest runs of consecutive wins / losses in close-time order; a scratch
  breaks a run.
* **SQN** (Van Tharp) = √min(n, 100) × mean(R) / std(R) (sample std) over the trades with R;
  None with fewer than 30 such trades (unreliable below, Tradervue) or std 0.
* **K-ratio** = slope of the cumulative net P&L against the trade number / the slope's standard
  error (OLS; Tradervue's); None with fewer than 3 trades or a perfect line.
* **Daily P&L**: net by the close's date in America/New_York (never the machine's zone).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from analytics.journal_trades import Trade
from data.market_calendar import ET

EPOCH = date(1970, 1, 1)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SQN_MIN_TRADES = 30


@dataclass(frozen=True, slots=True)
class Table:
    """Closed trades as columns, in close-time order (ties: the order given)."""

    trades: tuple[Trade, ...]
    close_ts: np.ndarray  # epoch seconds
    open_ts: np.ndarray
    pnl: np.ndarray  # net (or gross, per the basis)
    r: np.ndarray  # NaN where unknown
    scratch: np.ndarray  # bool
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # columns built on first use

    @property
    def win(self) -> np.ndarray:
        return ~self.scratch & (self.pnl > 0)

    @property
    def loss(self) -> np.ndarray:
        return ~self.scratch & (self.pnl < 0)

    def column(self, name: str) -> np.ndarray:
        """ids, open_local (New York wall-clock seconds of the open), expiry_day (days since 1970,
        −1 without an expiry): built once per table."""
        if name not in self.cache:
            build = {"ids": lambda: np.array([x.id for x in self.trades], dtype=object),
                     "open_local": lambda: et_local(self.open_ts),
                     "expiry_day": lambda: np.fromiter(
                         ((x.expiry - EPOCH).days if x.expiry is not None else -1 for x in self.trades),
                         np.int64, len(self.trades))}[name]
            self.cache[name] = build()
        return self.cache[name]


def table(trades: Iterable[Trade], basis: str = "net") -> Table:
    closed = [t for t in trades if t.closed_at is not None]
    n = len(closed)
    close_ts = np.fromiter((t.closed_at.timestamp() for t in closed), float, n)
    order = np.argsort(close_ts, kind="stable")
    closed = [closed[i] for i in order.tolist()]
    pnl = np.fromiter((t.gross_pnl if basis == "gross" else t.net_pnl for t in closed), float, n)
    r = np.fromiter((math.nan if t.r_multiple is None else t.r_multiple for t in closed), float, n)
    scratch = np.fromiter((t.is_scratch for t in closed), bool, n) | (pnl == 0)
    open_ts = np.fromiter((t.opened_at.timestamp() for t in closed), float, n)
    return Table(tuple(closed), close_ts[order], open_ts, pnl, r, scratch)


@dataclass(frozen=True, slots=True)
class JournalStats:
    trades: int
    wins: int
    losses: int
    scratches: int
    win_rate: float
    gross_pnl: float
    net_pnl: float
    fees: float
    profit_factor: float
    expectancy: float
    average_win: float
    average_loss: float
    average_r: float | None
    largest_win: float
    largest_loss: float
    max_drawdown: float
    max_drawdown_pct: float
    longest_win_streak: int
    longest_loss_streak: int
    sqn: float | None
    k_ratio: float | None
    daily_pnl: tuple[tuple[date, float], ...]
    equity_times: np.ndarray  # close epoch seconds
    equity: np.ndarray  # cumulative P&L (the basis: net by default) after each close


def profit_factor(pnl: np.ndarray, win: np.ndarray, loss: np.ndarray) -> float:
    return _pf(float(pnl[win].sum()), float(-pnl[loss].sum()))


def max_drawdown(pnl: np.ndarray) -> tuple[float, float]:
    """(dollars, fraction of the peak) of the largest fall of the cumulative P&L from 0."""
    if len(pnl) == 0:
        return 0.0, math.nan
    equity = np.concatenate([[0.0], np.cumsum(pnl)])
    peak = np.maximum.accumulate(equity)
    falls = peak - equity
    at = int(np.argmax(falls))
    dollars = float(falls[at])
    return dollars, (dollars / peak[at] if peak[at] > 0 else math.nan)


def longest_run(flags: np.ndarray) -> int:
    if not flags.any():
        return 0
    padded = np.concatenate([[0], flags.astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[::2]).max())


def sqn(r: np.ndarray) -> float | None:
    r = r[~np.isnan(r)]
    if len(r) < SQN_MIN_TRADES:
        return None
    std = float(r.std(ddof=1))
    return None if std == 0 else math.sqrt(min(len(r), 100)) * float(r.mean()) / std


def k_ratio(pnl: np.ndarray) -> float | None:
    n = len(pnl)
    if n < 3:
        return None
    x = np.arange(1, n + 1, dtype=float)
    y = np.cumsum(pnl)
    xc = x - x.mean()
    slope = float((xc * (y - y.mean())).sum() / (xc * xc).sum())
    resid = y - (y.mean() + slope * xc)
    se = math.sqrt(float((resid * resid).sum()) / (n - 2) / float((xc * xc).sum()))
    return None if se == 0 else slope / se


def et_local(ts: np.ndarray) -> np.ndarray:
    """Epoch seconds shifted to New York wall-clock seconds (the offset per UTC day, exact at the
    DST switch days, which are computed one by one)."""
    out = ts.astype(float).copy()
    days = np.floor(ts / 86400).astype(np.int64)
    uniq, inv = np.unique(days, return_inverse=True)
    offset = np.empty(len(uniq))
    exact = np.zeros(len(uniq), bool)
    for i, d in enumerate(uniq.tolist()):
        a = datetime.fromtimestamp(d * 86400, UTC).astimezone(ET).utcoffset()
        b = datetime.fromtimestamp(d * 86400 + 86399, UTC).astimezone(ET).utcoffset()
        offset[i], exact[i] = a.total_seconds(), a == b
    out += offset[inv]
    for j in np.flatnonzero(~exact[inv]).tolist():  # a switch day: each trade on its own
        moment = datetime.fromtimestamp(float(ts[j]), UTC)
        out[j] = ts[j] + moment.astimezone(ET).utcoffset().total_seconds()
    return out


def et_days(ts: np.ndarray) -> np.ndarray:
    """New York dates of the instants, as days since 1970-01-01."""
    return np.floor(et_local(ts) / 86400).astype(np.int64)


def daily_pnl(t: Table) -> tuple[tuple[date, float], ...]:
    if len(t.pnl) == 0:
        return ()
    uniq, inv = np.unique(et_days(t.close_ts), return_inverse=True)
    sums = np.bincount(inv, weights=t.pnl, minlength=len(uniq))
    return tuple((EPOCH + timedelta(days=int(d)), float(s)) for d, s in zip(uniq, sums, strict=True))


def stats(trades: Iterable[Trade] | Table, basis: str = "net") -> JournalStats:
    """The dashboard's statistics over the closed trades (see the module's definitions)."""
    t = trades if isinstance(trades, Table) else table(trades, basis)
    n, win, loss = len(t.pnl), t.win, t.loss
    wins, losses = int(win.sum()), int(loss.sum())
    avg_win = float(t.pnl[win].mean()) if wins else math.nan
    avg_loss = float(t.pnl[loss].mean()) if losses else math.nan
    expectancy = (float(t.pnl[win].sum()) + float(t.pnl[loss].sum())) / n if n else math.nan
    known_r = t.r[~np.isnan(t.r)]
    dd, dd_pct = max_drawdown(t.pnl)
    return JournalStats(
        trades=n, wins=wins, losses=losses, scratches=n - wins - losses,
        win_rate=wins / (wins + losses) if wins + losses else math.nan,
        gross_pnl=sum(x.gross_pnl for x in t.trades), net_pnl=sum(x.net_pnl for x in t.trades),
        fees=sum(x.fees for x in t.trades), profit_factor=profit_factor(t.pnl, win, loss),
        expectancy=expectancy, average_win=avg_win, average_loss=avg_loss,
        average_r=float(known_r.mean()) if len(known_r) else None,
        largest_win=float(t.pnl[win].max()) if wins else 0.0,
        largest_loss=float(t.pnl[loss].min()) if losses else 0.0,
        max_drawdown=dd, max_drawdown_pct=dd_pct,
        longest_win_streak=longest_run(win), longest_loss_streak=longest_run(loss),
        sqn=sqn(t.r), k_ratio=k_ratio(t.pnl), daily_pnl=daily_pnl(t),
        equity_times=t.close_ts, equity=np.cumsum(t.pnl))


# --- breakdowns and filters ---------------------------------------------------------------------

BREAKDOWN_KEYS = ("setup", "symbol", "tag", "weekday", "time_of_day", "dte", "instrument", "gex_regime", "vwap_side")
DTE_BUCKETS = ((0, 0, "0"), (1, 7, "1–7"), (8, 30, "8–30"), (31, 10**9, "31+"))


@dataclass(frozen=True, slots=True)
class Group:
    """One row of a breakdown, with the trades behind it (for the click-through)."""

    label: str
    trades: int
    wins: int
    losses: int
    win_rate: float
    net_pnl: float
    profit_factor: float
    expectancy: float
    trade_ids: tuple[str, ...]


def dte_bucket(dte: int | None) -> str | None:
    if dte is None:
        return None
    return next((label for lo, hi, label in DTE_BUCKETS if lo <= dte <= hi), None)


def _tag_codes(t: Table) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows and tag codes, a trade once per tag: the distinct tag sets are expanded, not the trades."""
    set_codes, uniq = _factorize([x.tags or ("(untagged)",) for x in t.trades])
    order = np.argsort(set_codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(set_codes, minlength=len(uniq)))])
    names: dict[str, int] = {}
    rows, codes = [], []
    for j, tags in enumerate(uniq):
        members = order[bounds[j]:bounds[j + 1]]
        for tag in dict.fromkeys(tags):
            rows.append(members)
            codes.append(np.full(len(members), names.setdefault(tag, len(names)), np.int64))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    return np.concatenate(rows), np.concatenate(codes), list(names)


def _labels(t: Table, key: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each trade's group; a trade appears once per tag, and not at all without a DTE (stock, or an
    expiry before the open: bad data)."""
    n = len(t.pnl)
    if key in ("weekday", "time_of_day"):
        local = t.column("open_local")
        if key == "weekday":
            days = (np.floor(local / 86400).astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
            return np.arange(n), days, list(WEEKDAYS)
        slots = (local % 86400 // 1800).astype(np.int64)
        return np.arange(n), slots, [f"{s // 2:02d}:{s % 2 * 30:02d}" for s in range(48)]
    if key == "tag":
        return _tag_codes(t)
    if key == "dte":
        expiry = t.column("expiry_day")
        dte = expiry - np.floor(t.column("open_local") / 86400).astype(np.int64)
        rows = np.flatnonzero((expiry >= 0) & (dte >= 0))
        codes = np.searchsorted([b[1] for b in DTE_BUCKETS], dte[rows])  # bucket = the first upper bound ≥ dte
        return rows, codes, [b[2] for b in DTE_BUCKETS]
    label = {"setup": lambda x: x.setup or "(no setup)", "symbol": lambda x: x.symbol,
             "instrument": lambda x: "stock" if x.instrument == "stock" else "options",
             "gex_regime": _regime_at_entry, "vwap_side": _vwap_side_at_entry}[key]
    codes, names = _factorize([label(x) for x in t.trades])  # None (no context at entry) → -1: left out
    rows = np.flatnonzero(codes >= 0)
    return rows, codes[rows].astype(np.int64), [str(x) for x in names]


def _factorize(values: list) -> tuple[np.ndarray, list]:
    """Each value's code in order of first appearance, and the distinct values; None → -1. (A dict,
    not pandas: the values are Python objects either way, and the dashboard is built on the GUI
    thread, where importing pandas took a second.)"""
    codes: dict = {}
    out = np.fromiter((-1 if v is None else codes.setdefault(v, len(codes)) for v in values),
                      dtype=np.int64, count=len(values))
    return out, list(codes)


def _regime_at_entry(trade: Trade) -> str | None:
    options = trade.context.options if trade.context is not None else None
    return options.regime if options is not None else None


def _vwap_side_at_entry(trade: Trade) -> str | None:
    levels = trade.context.levels if trade.context is not None else None
    if levels is None or levels.vwap_distance_pct is None:
        return None
    return "above VWAP" if levels.vwap_distance_pct >= 0 else "below VWAP"


def breakdown(trades: Iterable[Trade] | Table, key: str, basis: str = "net") -> list[Group]:
    """Win rate, P&L, profit factor and expectancy per value of ``key`` (one of BREAKDOWN_KEYS),
    with the definitions of ``stats``; groups in label order (weekdays Mon→Sun, DTE buckets
    ascending, time slots by the clock)."""
    if key not in BREAKDOWN_KEYS:
        raise ValueError(f"unknown breakdown {key!r}; one of {', '.join(BREAKDOWN_KEYS)}")
    t = trades if isinstance(trades, Table) else table(trades, basis)
    rows, inv, names = _labels(t, key)
    k = len(names)
    pnl, win, loss = t.pnl[rows], t.win[rows], t.loss[rows]
    count = np.bincount(inv, minlength=k)
    wins, losses = np.bincount(inv, weights=win, minlength=k), np.bincount(inv, weights=loss, minlength=k)
    gains = np.bincount(inv, weights=np.where(win, pnl, 0.0), minlength=k)
    drops = np.bincount(inv, weights=np.where(loss, pnl, 0.0), minlength=k)
    net = np.bincount(inv, weights=pnl, minlength=k)
    members = rows[np.lexsort((rows, inv))]  # by group, then in close order
    bounds = np.concatenate([[0], np.cumsum(count)])
    ids = t.column("ids")
    groups = [Group(names[g], int(count[g]), int(wins[g]), int(losses[g]),
                    wins[g] / (wins[g] + losses[g]) if wins[g] + losses[g] else math.nan, float(net[g]),
                    _pf(float(gains[g]), float(-drops[g])), float(gains[g] + drops[g]) / int(count[g]),
                    tuple(ids[members[bounds[g]:bounds[g + 1]]].tolist()))
              for g in range(k) if count[g]]
    order = {"weekday": list(WEEKDAYS), "dte": [b[2] for b in DTE_BUCKETS]}.get(key)
    groups.sort(key=(lambda g: order.index(g.label)) if order else (lambda g: g.label))
    return groups


def _pf(gains: float, losses: float) -> float:
    if losses > 0:
        return gains / losses
    return math.inf if gains > 0 else math.nan


def filter_trades(trades: Sequence[Trade], since: date | datetime | None = None,
                  until: date | datetime | None = None, symbols: Iterable[str] | None = None,
                  setups: Iterable[str] | None = None, tags: Iterable[str] | None = None,
                  instruments: Iterable[str] | None = None) -> list[Trade]:
    """The trades matching every given filter. ``since``/``until`` are inclusive: a date against the
    open's New York date, a datetime against the open itself; ``tags`` matches a trade holding any
    of them; ``instruments`` names stock / option / spread, and "options" means option or spread."""
    kinds = set(instruments) if instruments is not None else None
    if kinds is not None and "options" in kinds:
        kinds |= {"option", "spread"}
    lo, hi = _instant(since, 0), _instant(until, 1)
    out = list(trades)
    if lo is not None or hi is not None:
        lo, hi = lo or datetime.min.replace(tzinfo=UTC), hi or datetime.max.replace(tzinfo=UTC)
        out = [x for x in out if lo <= x.opened_at < hi]
    for wanted, attr in ((symbols, "symbol"), (setups, "setup"), (kinds, "instrument")):
        if wanted is not None:
            wanted = set(wanted)
            out = [x for x in out if getattr(x, attr) in wanted]
    if tags is not None:
        tags_ = set(tags)
        out = [x for x in out if not tags_.isdisjoint(x.tags)]
    return out


def _instant(bound: date | datetime | None, after: int) -> datetime | None:
    """A bound as an instant: a date's New York midnight (the next one for ``until``, exclusive);
    a datetime as it is (``until`` inclusive)."""
    if bound is None:
        return None
    if isinstance(bound, datetime):
        return (bound + timedelta(microseconds=after)).astimezone(UTC)
    day = bound + timedelta(days=after)
    return datetime(day.year, day.month, day.day, tzinfo=ET).astimezone(UTC)  # UTC: the fast comparison
