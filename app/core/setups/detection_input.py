"""From bars to detections the way every setups service does it: the same window, the same session
hours, the same detectors (``analytics.detectors.registry``), and the store's record of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from analytics.detections import Detection, HitRate
from analytics.detectors.registry import LIVE_SESSIONS, DetectorInputs, run_latest, sessions_to_read
from analytics.detectors.session_bars import SessionBars
from analytics.gex import GexProfile
from app.core.chart_data import session_hours
from data.bar_aggregation import et_day_and_minute
from data.market_calendar import REGULAR_OPEN_MINUTE, MarketCalendar
from data.models import Bars
from data.store.records import DetectionRecord


@dataclass(frozen=True, slots=True)
class DetectionJob:
    """One symbol's immutable input to the detector pool."""

    bars: SessionBars
    inputs: DetectorInputs


def session_window(bars: Bars, calendar: MarketCalendar | None, sessions: int = LIVE_SESSIONS) -> SessionBars:
    """The last ``sessions`` ET days of ``bars`` on the calendar's hours (half days close early)."""
    if len(bars):
        day, minute = et_day_and_minute(bars.ts)
        starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
        first = int(starts[-sessions]) if len(starts) >= sessions else 0
        bars, day, minute = bars.slice(first), day[first:], minute[first:]
        return SessionBars.from_bars(bars, session_hours(calendar, day), day_minute=(day, minute))
    return SessionBars.from_bars(bars)


@dataclass(frozen=True, slots=True)
class LiveInput:
    """What the live runner snapshots on the event loop for one symbol (copies: cheap); the
    windows and the detectors are worked out from it on the pool (``live_run``)."""

    bars: Bars  # the held bars up to the newest closed one
    proxy: Bars | None  # the volume proxy's (SPY for SPX)
    gex: GexProfile | None
    or_minutes: int
    seen: int | None  # the close (UTC seconds) of the last bar already looked at; None: a first look


@dataclass(frozen=True, slots=True)
class LiveResult:
    detections: list[Detection]
    news_after: int  # detections decided on bars closing after this are news
    last_close: int  # the close of the newest bar looked at


def live_run(item: LiveInput, calendar: MarketCalendar | None) -> LiveResult:
    """On the pool: the windows, the bars not looked at yet (at a first look, or after a replay
    sought back, only the newest closed one: what closed before is history), the detectors."""
    held = item.bars
    step = held.timeframe.minutes * 60
    last_close = int(held.ts[-1]) + step
    after = last_close - 1 if item.seen is None or last_close < item.seen else item.seen
    sessions = _sessions_for(held, after)
    bars = session_window(_recent(held, sessions), calendar, sessions)
    decide_from = int(np.searchsorted(bars.ts + bars.bar_seconds, after, side="right"))
    proxy = session_window(_recent(item.proxy, sessions), calendar, sessions) if item.proxy is not None else None
    inputs = DetectorInputs(or_minutes=item.or_minutes, gex=item.gex, proxy=proxy, decide_from=decide_from)
    return LiveResult(run_latest(bars, inputs), after, last_close)


def _sessions_for(held: Bars, after: int) -> int:
    """How many sessions the bars closing after ``after`` need read (``registry.sessions_to_read``)."""
    step = held.timeframe.minutes * 60
    first = int(np.searchsorted(held.ts + step, after, side="right"))
    _day, minute = et_day_and_minute(held.ts[first:] + step)
    return sessions_to_read(float(minute.min()) - REGULAR_OPEN_MINUTE if len(minute) else 1e9)


def _recent(held: Bars, sessions: int) -> Bars:
    """A cheap cut before the day-by-day one: ``sessions`` sessions fit in 1.5 × as many calendar
    days plus a long weekend (a holiday week still has four sessions in six days)."""
    since = int(held.ts[-1]) - (int(sessions * 1.5) + 4) * 86_400
    return held.slice(int(np.searchsorted(held.ts, since)))


def run_job(job: DetectionJob) -> list[Detection]:
    """The live path: each detector on the sessions it reads (the newest session's detections)."""
    return run_latest(job.bars, job.inputs)


def to_record(detection: Detection, recorded_at: datetime, hit_rate: HitRate | None = None) -> DetectionRecord:
    rate = hit_rate or detection.hit_rate
    return DetectionRecord(0, detection.symbol, detection.detector, detection.direction,
                           datetime.fromtimestamp(detection.time, UTC), float(detection.entry), float(detection.stop),
                           tuple(float(t) for t in detection.targets), float(detection.confidence),
                           tuple((p.name, float(p.value), float(p.weight)) for p in detection.parts),
                           detection.evidence, {k: float(v) for k, v in detection.levels.items()},
                           rate.cases if rate else None, rate.hits if rate else None, recorded_at)
