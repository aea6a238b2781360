"""From bars to detections the way every setups service does it: the same window, the same session
hours, the same detectors (``analytics.detectors.registry``), and the store's record of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from analytics.detections import Detection, HitRate
from analytics.detectors.registry import LIVE_SESSIONS, DetectorInputs, run_latest
from analytics.detectors.session_bars import SessionBars
from app.core.chart_data import session_hours
from data.bar_aggregation import et_day_and_minute
from data.market_calendar import MarketCalendar
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
        day, _minute = et_day_and_minute(bars.ts)
        starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
        bars = bars.slice(int(starts[-sessions]) if len(starts) >= sessions else 0)
        day = day[-len(bars):]
        return SessionBars.from_bars(bars, session_hours(calendar, day))
    return SessionBars.from_bars(bars)


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
