"""The engine's services, declared in one list: adding a service is one line here and its module.

Each ``ServiceSpec`` names the class the UI asks for (``engine.service(OptionChainService)``),
how to build it from the ``EngineContext``, whether the supervisor runs it (``run(ctx)`` with
restarts and health) and whether it is rebuilt on a provider switch. Services are built, then
prepared (an optional ``async prepare()``), then started, in list order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from analytics.strategies import classify
from app.core.alerts import AlertMonitorService, AlertsService
from app.core.brief.service import BriefSources, MorningBriefService
from app.core.chart_data import ChartDataService
from app.core.coach.service import CoachService, coach_service
from app.core.coach.settings import client_factory, llm_settings
from app.core.context import EngineContext
from app.core.drawings import DrawingsService
from app.core.earnings.analysis import EarningsAnalysisService
from app.core.earnings.calendar import EarningsCalendarService
from app.core.health_watch import HealthWatchService
from app.core.heatmap import HeatmapService
from app.core.iv_history import IvHistoryService
from app.core.iv_rank import IvRankService
from app.core.journal.attachments import TradeAttachmentsService
from app.core.journal.coaching import JournalCoaching
from app.core.journal.context import TradeContextService
from app.core.journal.drafts import JournalDrafts
from app.core.journal.imports import JournalService
from app.core.layouts import LayoutStore
from app.core.macro.calendar import MacroCalendarService
from app.core.market_data import MarketDataService
from app.core.market_state import DEFAULT_TIMEFRAMES, MarketStateService
from app.core.option_chains import OptionChainService
from app.core.positions.chains import PositionChains
from app.core.positions.closing import ClosingMarks
from app.core.positions.service import PositionsService
from app.core.positions.tracker import PositionTrackerService
from app.core.rates import RatesService
from app.core.scheduler import MarketScheduler
from app.core.secrets import lookup_key
from app.core.setups.detector_runner import DetectorRunnerService
from app.core.setups.hit_rates import HitRateBook
from app.core.setups.scanner import ScannerService
from app.core.setups.tracker import SetupTrackerService
from app.core.snapshots import OptionsSnapshot
from app.core.symbol_search import SymbolSearch
from app.core.symbols_needed import SymbolsNeeded
from app.core.sync.device import device_name
from app.core.sync.reload import SyncReloader
from app.core.sync.service import SyncService
from app.core.zero_dte import ZeroDteService
from data.models import Timeframe
from data.store.preference_specs import risk_per_trade


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str  # the health registry's name for a supervised service (its ``name`` attribute)
    kind: type  # what ``engine.service(kind)`` returns
    build: Callable[[EngineContext], Any]
    supervised: bool = True
    follows_provider: bool = False  # rebuilt from the new provider (and restarted) on a switch


def latest_options(ctx: EngineContext) -> Callable[[], OptionsSnapshot | None]:
    """The newest options snapshot, from whichever option-chain service runs now."""
    return lambda: ctx.service(OptionChainService).latest


def active_watchlist(ctx: EngineContext) -> Callable[[], tuple[str, list[str]]]:
    """The active watchlist's name and symbols (the brief's default)."""
    def read() -> tuple[str, list[str]]:
        watchlist = ctx.workspace.active_watchlist
        return watchlist.name, list(watchlist.symbols)
    return read


def brief_sources(ctx: EngineContext) -> BriefSources:
    return BriefSources(provider=lambda: ctx.current().provider,
                        rank=lambda snap: ctx.service(IvRankService).rank(snap),
                        positions=lambda: ctx.service(PositionTrackerService).views,
                        setups=lambda: ctx.service(SetupTrackerService).setups,
                        earnings=lambda symbols, days: ctx.service(EarningsCalendarService).events(symbols, days),
                        macro=lambda day: ctx.service(MacroCalendarService).events(day, day),
                        impact=lambda symbol: ctx.service(MacroCalendarService).impact(symbol),
                        rates=lambda: ctx.service(RatesService).curve())


def options_alert_values(ctx: EngineContext):
    """An options refresh's expected move used (%) and IV rank, from the 0DTE and IV panels' services."""
    async def values(snapshot: OptionsSnapshot) -> dict[str, float]:
        out: dict[str, float] = {}
        zero = await ctx.service(ZeroDteService).summary(snapshot)
        if zero is not None and zero.summary is not None and zero.summary.day is not None:
            out["EM_USED"] = zero.summary.day.used_fraction * 100.0
        rank = await ctx.service(IvRankService).rank(snapshot)
        if rank is not None and rank.rank is not None:
            out["IV_RANK"] = rank.rank.rank
        return out
    return values


def sync_reloader(ctx: EngineContext) -> SyncReloader:
    """Which service re-reads which synced table after another device's changes arrive."""
    by_service = {
        ctx.workspace.reload_synced: ("preferences", "watchlists", "watchlist_items"),
        ctx.service(AlertsService).refresh: ("alerts", "alert_triggers"),
        ctx.service(DrawingsService).reload_synced: ("chart_drawings",),
        ctx.service(SetupTrackerService).refresh: ("tracked_setups", "setup_events"),
        ctx.service(PositionsService).refresh: ("positions", "position_events"),
        ctx.service(JournalService).reload_synced: ("executions", "trade_notes", "journal_drafts",
                                                    "trade_attachments", "blobs"),
    }  # the coach's conversations and the briefs are read from the store each time they are shown
    return SyncReloader(ctx.bus, {table: fn for fn, tables in by_service.items() for table in tables})


def detector_timeframe(ctx: EngineContext) -> Timeframe:
    """The bars the detectors read: the stream's finest, when the market state folds them (1m, 5m)."""
    finest = ctx.provider.finest_timeframe
    return finest if finest in DEFAULT_TIMEFRAMES else Timeframe.M1


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("alerts", AlertsService,  # created_at on the market clock of the provider of the moment
                lambda c: AlertsService(c.store, c.bus, lambda: c.current().clock.now()), supervised=False),
    ServiceSpec("setup-tracker", SetupTrackerService, lambda c: SetupTrackerService(
        c.store, c.bus, c.calendar, c.notifications, lambda: c.current().clock.now())),
    ServiceSpec("positions", PositionsService, lambda c: PositionsService(
        c.store, c.bus, c.service(AlertsService), lambda: c.current().clock.now(),
        mid_of=lambda symbol: c.service(PositionTrackerService).mid_of(symbol), classify=classify),
        supervised=False),
    ServiceSpec("symbols-needed", SymbolsNeeded, lambda c: SymbolsNeeded(
        c.bus, c.workspace, c.service(AlertsService), c.service(SetupTrackerService), c.service(PositionsService)),
        supervised=False),
    ServiceSpec("market-data", MarketDataService,
                lambda c: MarketDataService(c.provider, c.bus, c.service(SymbolsNeeded)), follows_provider=True),
    ServiceSpec("market-state", MarketStateService, lambda c: MarketStateService(
        c.bus, c.calendar, c.provider, c.service(SymbolsNeeded)), follows_provider=True),
    ServiceSpec("chart-data", ChartDataService, lambda c: ChartDataService(c.provider, c.calendar), supervised=False,
                follows_provider=True),
    ServiceSpec("rates", RatesService, lambda c: RatesService(c.store, lambda: c.current().provider,
                                                              lambda: c.current().clock.now()), supervised=False),
    ServiceSpec("option-chains", OptionChainService,
                lambda c: OptionChainService(c.provider, c.bus, c.calendar, lambda: c.workspace.active_symbol,
                                             rates=c.service(RatesService).curve,
                                             followed=c.workspace.options_symbols),
                follows_provider=True),
    # views of the options snapshot that panels render and coach tools return: computed off the loop, cached
    ServiceSpec("iv-rank", IvRankService, lambda c: IvRankService(c.store, c.bus, lambda: c.current().provider,
                                                                  latest_options(c)), supervised=False),
    ServiceSpec("zero-dte", ZeroDteService, lambda c: ZeroDteService(c.calendar, latest_options(c)), supervised=False),
    ServiceSpec("heatmap", HeatmapService, lambda c: HeatmapService(c.bus, latest_options(c)), supervised=False),
    ServiceSpec("earnings-calendar", EarningsCalendarService, lambda c: EarningsCalendarService(
        c.store, lambda: c.current().provider, lookup_key, lambda: c.current().clock.now()), supervised=False),
    ServiceSpec("earnings-analysis", EarningsAnalysisService, lambda c: EarningsAnalysisService(
        lambda: c.current().provider, c.store, c.calendar,
        lambda s: c.service(EarningsCalendarService).next_event(s),
        lambda s: c.service(EarningsCalendarService).past_events(s),
        lambda: c.current().clock.now()), supervised=False),
    ServiceSpec("macro-calendar", MacroCalendarService, lambda c: MacroCalendarService(
        c.store, lambda: c.current().provider, c.calendar, now=lambda: c.current().clock.now(),
        data_dir=c.config.data_dir), supervised=False),
    ServiceSpec("layouts", LayoutStore, lambda c: LayoutStore(c.store), supervised=False),
    ServiceSpec("drawings", DrawingsService, lambda c: DrawingsService(c.store, c.bus, lambda: c.current().clock.now()),
                supervised=False),
    ServiceSpec("symbol-search", SymbolSearch, lambda c: SymbolSearch(
        c.store, c.workspace, lambda: c.current().provider, lambda: c.current().clock.now()), supervised=False),
    ServiceSpec("iv-history", IvHistoryService,
                lambda c: IvHistoryService(c.provider, c.store, c.bus, c.calendar, c.service(SymbolsNeeded)),
                follows_provider=True),
    ServiceSpec("hit-rates", HitRateBook, lambda c: HitRateBook(lambda: c.current().provider, c.calendar,
                                                                c.service(SymbolsNeeded)), follows_provider=True),
    ServiceSpec("detectors", DetectorRunnerService, lambda c: DetectorRunnerService(
        c.bus, c.store, c.calendar, c.service(MarketStateService), c.service(SetupTrackerService),
        c.service(HitRateBook), c.notifications,
        symbols=c.workspace.symbols_needed, preferences=lambda: c.workspace.preferences,
        latest_options=latest_options(c), now=lambda: c.current().clock.now(),
        timeframe=detector_timeframe(c)), follows_provider=True),
    ServiceSpec("scanner", ScannerService, lambda c: ScannerService(
        c.provider, c.store, c.calendar, c.service(MarketStateService), c.service(HitRateBook),
        preferences=lambda: c.workspace.preferences, latest_options=latest_options(c)),
        supervised=False, follows_provider=True),
    ServiceSpec("position-tracker", PositionTrackerService, lambda c: PositionTrackerService(
        c.bus, c.calendar, c.service(PositionsService),
        PositionChains(lambda: c.current().provider, c.calendar, latest_options(c), c.service(RatesService).curve),
        c.notifications,
        quotes=lambda: c.service(MarketDataService).last_quotes, preferences=lambda: c.workspace.preferences,
        now=lambda: c.current().clock.now(), closes=ClosingMarks(c.store, c.calendar))),
    ServiceSpec("alert-monitor", AlertMonitorService,
                lambda c: AlertMonitorService(c.service(AlertsService), c.store, c.bus, c.notifications,
                                              bars=lambda s: c.service(MarketStateService).bars(s, Timeframe.M1),
                                              or_minutes=lambda: c.workspace.preferences["opening_range_minutes"],
                                              options_values=options_alert_values(c))),
    ServiceSpec("health-watch", HealthWatchService,
                lambda c: HealthWatchService(c.health, c.notifications, c.bus)),
    # jobs on market time (07:00 brief, 16:15 drafts …) are added by the services that own them;
    # it keeps its jobs across a provider switch and reads the clock of the provider of the moment
    ServiceSpec("scheduler", MarketScheduler,
                lambda c: MarketScheduler(c.bus, c.calendar, lambda: c.current().clock, report_error=c.report_error)),
    ServiceSpec("journal", JournalService, lambda c: JournalService(
        c.store, c.bus, positions=lambda: c.service(PositionsService).positions, now=lambda: c.current().clock.now(),
        risk_per_trade=lambda: risk_per_trade(c.workspace.preferences)), supervised=False),
    ServiceSpec("trade-attachments", TradeAttachmentsService, lambda c: TradeAttachmentsService(
        c.store, c.bus, lambda: c.current().clock.now()), supervised=False),
    ServiceSpec("coach", CoachService, lambda c: coach_service(c, client_factory(
        lambda: llm_settings(c.workspace.preferences, lookup_key))), supervised=False),
    ServiceSpec("journal-drafts", JournalDrafts, lambda c: JournalDrafts(
        c.service(MarketScheduler), c.service(JournalService), c.store, c.calendar, c.service(SetupTrackerService),
        c.service(AlertsService), c.service(PositionsService), lambda: c.current().clock.now(),
        discussed=lambda day: c.service(CoachService).discussed(day)), supervised=False),
    ServiceSpec("journal-coaching", JournalCoaching, lambda c: JournalCoaching(
        c.service(MarketScheduler), c.service(JournalService), c.bus, c.notifications,
        lambda: c.current().clock.now())),
    ServiceSpec("journal-context", TradeContextService, lambda c: TradeContextService(
        c.store, c.bus, c.service(JournalService), lambda: c.current().provider,
        rank=lambda snap: c.service(IvRankService).rank(snap),
        zero_dte=lambda snap: c.service(ZeroDteService).summary(snap))),
    # the account backend: sign-in, device list, background rounds; then what re-reads what arrives
    ServiceSpec("sync", SyncService, lambda c: SyncService(c.store, c.bus, device_name=device_name())),
    ServiceSpec("sync-reload", SyncReloader, sync_reloader, supervised=False),
    ServiceSpec("morning-brief", MorningBriefService, lambda c: MorningBriefService(
        c.service(MarketScheduler), c.store, c.bus, c.calendar, c.notifications, active_watchlist(c),
        brief_sources(c), lambda: c.current().clock.now())),
)
