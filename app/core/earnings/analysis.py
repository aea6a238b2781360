"""A symbol's earnings analysis: the next report, its implied move, the event's variance, past
reactions, trade ideas and the IV-crush grid of each idea — one record for the panel and the coach.

Not supervised: it only answers. The chain comes from the provider's ``get_option_chain`` (a
provider without options, or a symbol without a chain, leaves the option parts out and says
why), the past reactions from its daily bars around the calendar's past reports. The numbers are
``analytics.event_vol`` / ``earnings_moves`` / ``earnings_strategies`` / ``iv_crush``, computed
off the event loop. Every time is the provider's market time.

Cached 4 h of market time per (provider, symbol): the whole record in memory, the historical
rows in the store (``provider_cache``, JSON) so a restart does not fetch the bars again. The
implied move of an upcoming report is kept in the store by report date, so once the report is
past its history row shows the move it was priced for ("implied then").
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from app.core.logging_setup import redact
from data.market_calendar import ET, MarketCalendar, market_date
from data.models import Timeframe
from data.providers.base import MarketDataProvider, OptionsProvider
from data.providers.errors import ProviderError
from data.rates import RISK_FREE_RATE, dividend_yield
from data.store.records import EarningsEvent
from data.validation import valid_quote

if TYPE_CHECKING:  # analytics loads SciPy where the kernels are not built: imported in the worker thread
    from analytics.earnings_moves import EarningsMove, MoveSummary
    from analytics.earnings_strategies import StrategyIdea
    from analytics.event_vol import EventVol, ImpliedMove
    from analytics.iv_crush import CrushGrid
    from data.option_chain import OptionChain
    from data.store.database import Store

log = logging.getLogger(__name__)
MAX_AGE = timedelta(hours=4)
IMPLIED_KEEP = timedelta(days=3 * 366)
HISTORY_LAST = 8  # the summary's reports (OptionSlam reads 10, Market Chameleon a few years)
BAR_MARGIN = timedelta(days=10)
CRUSH_POINTS = (10.0, 20.0)  # vol points off every IV
CRUSH_FRACTION = 0.5


@dataclass(frozen=True, eq=False)
class EarningsAnalysis:
    symbol: str
    asof: datetime  # market time of the analysis
    spot: float  # NaN when the provider has no price
    event: EarningsEvent | None  # the next report (None: none in the calendar)
    reaction: date | None  # the session the report moves the stock in
    implied: ImpliedMove | None = None
    event_vol: EventVol | None = None
    post_ivs: Mapping[date, float] = field(default_factory=dict)  # ATM IV per expiry once the event is past
    history: tuple[EarningsMove, ...] = ()  # newest first
    summary: MoveSummary | None = None
    ideas: tuple[StrategyIdea, ...] = ()
    crush: Mapping[str, CrushGrid] = field(default_factory=dict)  # per idea name
    notes: tuple[str, ...] = ()  # what was assumed or could not be built, in words
    reason: str = ""  # what is missing, in words ("" when every part is there)
    chain_asof: datetime | None = None  # when the chain the ideas were priced on was quoted


class EarningsAnalysisService:
    def __init__(self, provider: Callable[[], MarketDataProvider], store: Store, calendar: MarketCalendar,
                 next_event: Callable[[str], Awaitable[EarningsEvent | None]],
                 past_events: Callable[[str], Awaitable[list[EarningsEvent]]],
                 now: Callable[[], datetime] | None = None) -> None:
        self._provider = provider  # the provider of the moment (it changes on a switch)
        self._store = store
        self._calendar = calendar
        self._next_event = next_event
        self._past_events = past_events
        self._now = now or (lambda: self._provider().clock.now())  # market time
        self._cache: dict[str, EarningsAnalysis] = {}  # by symbol, for ``_cache_of``
        self._cache_of: object | None = None

    async def analysis(self, symbol: str, *, force: bool = False) -> EarningsAnalysis:
        """The analysis of ``symbol`` (cached 4 h of market time unless ``force``); never raises
        for missing data: the record's ``reason`` says what is missing."""
        provider, now = self._provider(), self._now()
        if provider is not self._cache_of:  # another provider's prices: forget the old answers
            self._cache.clear()
            self._cache_of = provider
        known = self._cache.get(symbol)
        if known is not None and not force and timedelta(0) <= now - known.asof <= MAX_AGE:
            return known
        result = await self._build(provider, symbol, now)
        if provider is self._cache_of:
            self._cache[symbol] = result
        return result

    async def _build(self, provider: MarketDataProvider, symbol: str, now: datetime) -> EarningsAnalysis:
        missing: list[str] = []
        event = await self._ask(self._next_event, symbol, missing, "the next report")
        if event is None and not missing:
            missing.append(f"No upcoming report for {symbol} in the earnings calendar.")
        reaction = self._reaction(event) if event is not None else None
        spot, chain = await self._market(provider, symbol, missing)
        history = await self._history(provider, symbol, now, missing)
        options: dict = {}
        if chain is not None and reaction is not None and math.isfinite(spot):
            options = await asyncio.to_thread(_options, chain, spot, event, reaction, self._calendar, now)
            missing += options.pop("missing")
            await self._remember_implied(symbol, event, options.get("implied"), now)
        implied = options.get("implied")
        summary, timing = await asyncio.to_thread(_summary, history, implied, event)
        notes = ([timing] if timing else []) + list(options.pop("notes", ()))
        return EarningsAnalysis(symbol, now, spot, event, reaction, history=tuple(history), summary=summary,
                                notes=tuple(notes), reason=" ".join(missing), **options)

    async def crush(self, analysis: EarningsAnalysis, name: str, *, points: float | None = None,
                    fraction: float | None = None) -> CrushGrid:
        """Idea ``name``'s crush grid with one more scenario: every IV ``points`` vol points lower,
        or × ``fraction`` (the trader's own crush)."""
        idea = next((i for i in analysis.ideas if i.name == name), None)
        grid = analysis.crush.get(name)
        if idea is None or grid is None or analysis.chain_asof is None:
            raise ValueError(f"No {name} to simulate for {analysis.symbol}.")
        value = points if fraction is None else fraction
        if (points is None) == (fraction is None) or not (math.isfinite(value) and value >= 0) or fraction == 0:
            raise ValueError("Give the IV drop as vol points (0 or more) or as a fraction of today's IV (above 0).")
        return await asyncio.to_thread(_with_scenario, idea, grid, analysis, points, fraction, self._calendar)

    def _reaction(self, event: EarningsEvent) -> date | None:
        from analytics.event_vol import reaction_day

        try:
            return reaction_day(event.report_date, event.timing, lambda d: self._calendar.next_session(d).day)
        except ValueError:  # past the calendar's end
            return None

    async def _ask(self, fn, symbol: str, missing: list[str], what: str):
        try:
            return await fn(symbol)
        except Exception as exc:  # a calendar source failing must not take the analysis down
            log.info("earnings %s of %s failed: %s", what, symbol, exc)
            missing.append(f"Could not read {what} of {symbol}: {redact(str(exc))}")
            return None

    async def _market(self, provider: MarketDataProvider, symbol: str, missing: list[str]
                      ) -> tuple[float, OptionChain | None]:
        try:
            quote = await provider.get_quote(symbol)
        except ProviderError as exc:
            missing.append(f"No price for {symbol}: {redact(str(exc))}")
            return math.nan, None
        if not valid_quote(quote):
            missing.append(f"No valid price for {symbol} right now.")
            return math.nan, None
        if not isinstance(provider, OptionsProvider):
            missing.append(f"No options data from the {provider.name} provider: no implied move or ideas.")
            return quote.last, None
        try:
            chain = await provider.get_option_chain(symbol)
        except ProviderError as exc:
            missing.append(f"No option chain for {symbol}: {redact(str(exc))}")
            return quote.last, None
        if len(chain) == 0:
            missing.append(f"No listed options for {symbol}: no implied move or ideas.")
            return quote.last, None
        return quote.last, chain

    # -- history -------------------------------------------------------------------------------
    async def _history(self, provider: MarketDataProvider, symbol: str, now: datetime, missing: list[str]
                       ) -> list[EarningsMove]:
        from data.store import provider_cache

        key = f"earnings:analysis:moves:{provider.name}:{symbol}"
        rows = await self._store.run(lambda s: provider_cache.get(s, key, now, MAX_AGE))
        if rows is None:
            rows = await self._load_history(provider, symbol, now, missing)
            if rows is None:
                return []
            await self._store.run(lambda s: provider_cache.put(s, key, rows, now))
        implied = await self._implied_then(symbol, now)
        return await asyncio.to_thread(_moves_from_json, rows, implied)

    async def _load_history(self, provider: MarketDataProvider, symbol: str, now: datetime, missing: list[str]
                            ) -> list[dict] | None:
        past = await self._ask(self._past_events, symbol, missing, "the past reports")
        if past is None:
            return None
        if not past:
            missing.append(f"No past reports for {symbol} in the earnings calendar: no historical moves.")
            return []
        start = datetime.combine(min(e.report_date for e in past), datetime.min.time(), now.tzinfo) - BAR_MARGIN
        try:
            bars = await provider.get_bars(symbol, Timeframe.D1, start, now)
        except ProviderError as exc:
            missing.append(f"No daily bars for {symbol}: {redact(str(exc))}")
            return None
        if len(bars) == 0:
            missing.append(f"No daily bars for {symbol} around its past reports.")
            return None
        events = [(e.report_date, e.timing) for e in past]
        moves = await asyncio.to_thread(_moves, bars, events, self._last_complete(now))
        return [_move_to_json(m) for m in moves]

    def _last_complete(self, now: datetime) -> date:
        """The newest session whose daily bar is final (today's only after its close)."""
        day = market_date(now)
        if self._calendar.is_session(day) and now >= self._calendar.session(day).close:
            return day
        return self._calendar.previous_session(day).day

    def _priced_until(self, event: EarningsEvent) -> datetime:
        day = event.report_date
        if not self._calendar.is_session(day):
            return datetime.combine(day, time(0, 0), ET)  # a report on a closed day: its session is the next
        session = self._calendar.session(day)
        return session.open if event.timing == "bmo" else session.close

    async def _implied_then(self, symbol: str, now: datetime) -> dict[str, float]:
        from data.store import provider_cache

        return await self._store.run(lambda s: provider_cache.get(s, f"earnings:implied:{symbol}", now,
                                                                  IMPLIED_KEEP)) or {}

    async def _remember_implied(self, symbol: str, event: EarningsEvent, implied: ImpliedMove | None,
                                now: datetime) -> None:
        """Keep the straddle's % for a report still ahead (the latest reading before it wins): until the
        open of the report day for a report before the open, until its close for one after it (or
        unknown) — later the straddle is already crushed and would spoil "implied then"."""
        if implied is None or now >= self._priced_until(event):
            return
        from data.store import provider_cache

        known = await self._implied_then(symbol, now)
        known[event.report_date.isoformat()] = round(implied.straddle_pct, 4)
        await self._store.run(lambda s: provider_cache.put(s, f"earnings:implied:{symbol}", known, now))


# -- worker-thread computations ------------------------------------------------------------------
def _moves(bars, events, last_complete: date) -> list[EarningsMove]:
    from analytics.earnings_moves import historical_moves

    return historical_moves(bars, events, last_complete=last_complete)


def _move_to_json(m: EarningsMove) -> dict:
    return {"report_date": m.report_date.isoformat(), "timing": m.timing, "assumed": m.assumed,
            "before_date": m.before_date.isoformat(), "reaction_date": m.reaction_date.isoformat(),
            "close_before": m.close_before, "open_after": m.open_after, "close_after": m.close_after}


def _moves_from_json(rows: list[dict], implied: Mapping[str, float]) -> list[EarningsMove]:
    from analytics.earnings_moves import EarningsMove

    return [EarningsMove(date.fromisoformat(r["report_date"]), r["timing"], bool(r["assumed"]),
                         date.fromisoformat(r["before_date"]), date.fromisoformat(r["reaction_date"]),
                         float(r["close_before"]), float(r["open_after"]), float(r["close_after"]),
                         implied.get(r["report_date"])) for r in rows]


def _summary(history: list[EarningsMove], implied: ImpliedMove | None, event: EarningsEvent | None
             ) -> tuple[MoveSummary | None, str]:
    """The history's summary (exceedance against today's straddle when no report has its own) and
    the timing note of an unknown report time."""
    from analytics.earnings_moves import summarize
    from analytics.event_vol import timing_note

    summary = summarize(history, HISTORY_LAST, implied.straddle_pct if implied else None) if history else None
    note = timing_note(event.timing) if event is not None else ""
    return summary, (note[0].upper() + note[1:] + ".") if note else ""


def _options(chain: OptionChain, spot: float, event: EarningsEvent, reaction: date, calendar: MarketCalendar,
             now: datetime) -> dict:
    """Implied move, event vol, post-event IVs, ideas and their crush grids (EarningsAnalysis fields)
    plus ``missing`` (what could not be read) and ``notes``."""
    from analytics.earnings_strategies import earnings_ideas, expiries_after
    from analytics.event_vol import implied_move, post_event_ivs, term_event_vol
    from analytics.iv_summary import iv_summary
    from analytics.option_time import chain_expiry_times

    r, q = RISK_FREE_RATE, dividend_yield(chain.underlying)
    years = chain_expiry_times(chain, calendar.close_at)
    points = iv_summary(chain, spot, years, r).term.points
    implied = implied_move(chain, spot, years, {p.expiry: p.atm_iv for p in points}, reaction)
    if implied is None:
        return {"missing": [f"No listed expiry on or after {reaction:%b %d} has a quoted ATM straddle: "
                            "no implied move or ideas."]}
    vol = term_event_vol(points, reaction, implied.straddle_pct)
    post = post_event_ivs({p.expiry: (p.T, p.atm_iv) for p in points}, vol.event_variance, reaction) \
        if math.isfinite(vol.event_variance) else {}
    later = expiries_after(chain, implied.expiry + timedelta(days=1))
    back = later[0] if later else None
    ideas, problems = earnings_ideas(chain, spot, implied.expiry, back, implied.straddle,
                                     post.get(back, math.nan) if back else math.nan, today=market_date(now), r=r, q=q)
    after = max(calendar.session(reaction).open, chain.asof)  # a report already reacted to: from now
    crush = _crush(chain, spot, ideas, post, vol, implied, after, calendar, years, r, q)
    notes = ([vol.reason] if vol.reason else []) + [f"Not built: {p}" for p in problems]
    return {"implied": implied, "event_vol": vol, "post_ivs": post, "ideas": tuple(ideas), "crush": crush,
            "notes": notes, "missing": [], "chain_asof": chain.asof}


def _crush(chain, spot, ideas, post, vol, implied, after: datetime, calendar, years, r, q) -> dict[str, CrushGrid]:
    """Each idea valued at the reaction session's open: IV unchanged, the implied post-event IV
    (when the term structure gave one), −10 and −20 vol points, IV halved."""
    from analytics import iv_crush as ic
    from analytics.chain_greeks import chain_greeks

    greeks = chain_greeks(chain, spot, r, q, calendar.close_at, T=years)
    iv_of = dict(zip(chain.symbol.tolist(), greeks.iv.tolist(), strict=True))
    move = vol.move_pct if math.isfinite(vol.move_pct) else implied.straddle_pct
    out = {}
    for idea in ideas:
        now_ivs = [iv_of.get(leg.symbol, math.nan) for leg in idea.legs]
        scenarios = [ic.points_scenario(now_ivs, 0)]
        if post:
            scenarios.append(ic.implied_scenario(idea.legs, post, now_ivs))
        scenarios += [ic.points_scenario(now_ivs, p) for p in CRUSH_POINTS]
        scenarios.append(ic.fraction_scenario(now_ivs, CRUSH_FRACTION))
        out[idea.name] = ic.crush_grid(idea.legs, spot, chain.asof, after, now_ivs, scenarios, ic.move_grid(move),
                                       r, q, calendar.close_at)
    return out


def _with_scenario(idea, grid: CrushGrid, analysis: EarningsAnalysis, points: float | None, fraction: float | None,
                   calendar: MarketCalendar) -> CrushGrid:
    from analytics import iv_crush as ic

    now_ivs = grid.scenarios[0].ivs  # the first scenario is "IV unchanged"
    extra = ic.points_scenario(now_ivs, points) if points is not None else ic.fraction_scenario(now_ivs, fraction)
    scenarios = [s for s in grid.scenarios if s.label != extra.label] + [extra]
    return ic.crush_grid(idea.legs, analysis.spot, analysis.chain_asof, grid.valued_at, now_ivs, scenarios,
                         grid.moves_pct, RISK_FREE_RATE, dividend_yield(analysis.symbol), calendar.close_at)
