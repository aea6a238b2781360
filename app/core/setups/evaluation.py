"""Every detector over a recorded bar file, as if live: the ``ai-coach detect`` command's engine.

The path is the live one: ``load_recording`` (the replay provider's reader, its labels and time
zones), ``session_window`` on the market calendar's hours (half days close at 13:00), the
registry's ``run_all`` and ``analytics.setup_outcomes`` for how each detection played out. The
window holds the whole file, as the hit-rate book does for a symbol's history. One pass equals
running after every closed bar on the bars so far, because no detector looks ahead (cutting the
future off never changes a past detection: ``tests/analytics`` and
``tests/core/test_detect_evaluation.py`` check it).

Qt-free and store-free: only ``data.providers.replay.recording`` and the analytics are read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from analytics.detections import Detection
from analytics.detectors.opening_drive import VOLUME_PROXY
from analytics.detectors.registry import DETECTORS, DetectorInputs, run_all
from analytics.detectors.session_bars import SessionBars
from analytics.setup_outcomes import OPEN, STOP, TARGET, Outcome, TrackRecord, outcome
from app.core.setups.detection_input import session_window
from data.market_calendar import MarketCalendar
from data.models import Bars
from data.providers.replay.recording import load_recording

ALL_SESSIONS = 1_000_000  # session_window's count: every session of the file


@dataclass(frozen=True, slots=True)
class Evaluation:
    symbol: str
    detections: list[Detection]  # in time order
    outcomes: list[Outcome | None]  # one per detection; None on a session's last bar (nothing after it)
    records_by_detector: dict[str, TrackRecord]  # every registered detector, in the registry's order
    bars_count: int
    sessions: int
    bar_seconds: int
    first_ts: int  # UTC epoch seconds of the first and last bar starts (0 without bars)
    last_ts: int
    notes: tuple[str, ...] = ()  # what the reader should know (an index's missing volume …)


def evaluate_recording(path: Path | str, symbol: str | None = None, tz: str = "America/New_York",
                       label: str = "auto", or_minutes: int = 15, *, proxy_path: Path | str | None = None,
                       calendar: MarketCalendar | None = None) -> Evaluation:
    """Every detector over the recording at ``path``; ``RecordingError`` (one plain message) for a
    file that cannot be read, an unknown ``tz`` or a bad ``symbol``. ``proxy_path``: the ETF whose
    volume stands in for an index's (SPY's bars for SPX), read with the same ``tz`` and ``label``."""
    recording = load_recording(Path(path), symbol=symbol, tz=tz, label=label)
    proxy = load_recording(Path(proxy_path), tz=tz, label=label).bars if proxy_path else None
    evaluation = evaluate_bars(recording.bars, calendar, or_minutes=or_minutes, proxy=proxy)
    return replace(evaluation, notes=_file_notes(recording, symbol) + evaluation.notes)


def _file_notes(recording, symbol: str | None) -> tuple[str, ...]:
    """What the reader did to the file: rows it dropped, and where the symbol came from."""
    report, notes = recording.report, []
    if report.invalid:
        notes.append(f"{report.invalid} of {report.received} rows were dropped: unreadable, non-finite or "
                     "inconsistent prices (high below low, a price of 0 or less).")
    if report.duplicates:
        notes.append(f"{report.duplicates} rows repeated a timestamp: the last one was kept.")
    if symbol is None:
        notes.append(f"Symbol {recording.bars.symbol} taken from the file name {recording.path.name} "
                     "(--replay-symbol to set it).")
    return tuple(notes)


def evaluate_bars(bars: Bars, calendar: MarketCalendar | None = None, *, or_minutes: int = 15,
                  proxy: Bars | None = None) -> Evaluation:
    """``evaluate_recording`` on bars already read (the default calendar when none is given)."""
    if calendar is None:
        from data.market_calendar import default_calendar

        calendar = default_calendar()
    window = session_window(bars, calendar, ALL_SESSIONS)
    proxy_window = session_window(proxy, calendar, ALL_SESSIONS) if proxy is not None else None
    detections = detect(window, DetectorInputs(or_minutes=or_minutes, proxy=proxy_window))
    outcomes = outcomes_of(detections, window)
    return Evaluation(bars.symbol, detections, outcomes, records(detections, outcomes), len(window),
                      len(window.session_starts()), window.bar_seconds,
                      int(window.ts[0]) if len(window) else 0, int(window.ts[-1]) if len(window) else 0,
                      _notes(window, proxy_window))


def detect(window: SessionBars, inputs: DetectorInputs = DetectorInputs()) -> list[Detection]:
    """The detections of one pass of every detector over ``window`` (no options snapshot: a
    recording has none, so the gamma squeeze finds nothing)."""
    return run_all(window, inputs)


def outcomes_of(detections: list[Detection], window: SessionBars) -> list[Outcome | None]:
    """``outcome`` of each detection, read on its own session's bars only (what ``outcome`` reads
    of the window anyway; the whole window for each would cost a pass over it per detection)."""
    starts = window.session_starts()
    ends = np.r_[starts[1:], len(window)]
    sessions: dict[int, SessionBars] = {}
    found: list[Outcome | None] = []
    for d in detections:
        if not 0 <= d.bar_index < len(window):
            found.append(None)
            continue
        k = int(np.searchsorted(starts, d.bar_index, side="right")) - 1
        s = int(starts[k])
        if k not in sessions:
            sessions[k] = _rows(window, s, int(ends[k]))
        local = outcome(replace(d, bar_index=d.bar_index - s), sessions[k])
        found.append(None if local is None else replace(local, exit_index=local.exit_index + s))
    return found


def _rows(bars: SessionBars, start: int, stop: int) -> SessionBars:
    cut = slice(start, stop)
    return SessionBars(bars.symbol, *(a[cut] for a in (bars.ts, bars.open, bars.high, bars.low, bars.close,
                                                      bars.volume)), bars.bar_seconds,
                       *(a[cut] for a in (bars.day, bars.minute, bars.open_minute, bars.close_minute)))


def records(detections: list[Detection], outcomes: list[Outcome | None]) -> dict[str, TrackRecord]:
    """Per registered detector (none left out): how its detections with an outcome ended, as
    ``analytics.setup_outcomes.track_records`` counts them."""
    out: dict[str, TrackRecord] = {}
    for spec in DETECTORS:
        ended = [o for d, o in zip(detections, outcomes, strict=True) if d.detector == spec.name and o is not None]
        out[spec.name] = track_record(ended)
    return out


def track_record(ended: list[Outcome]) -> TrackRecord:
    count = {r: sum(1 for o in ended if o.result == r) for r in (TARGET, STOP, OPEN)}
    average = sum(o.r for o in ended) / len(ended) if ended else math.nan
    return TrackRecord(len(ended), count[TARGET], count[STOP], count[OPEN], average)


def combine(parts: list[TrackRecord]) -> TrackRecord:
    """Several track records as one (the average R weighted by each one's count)."""
    fired = sum(p.fired for p in parts)
    total_r = sum(p.average_r * p.fired for p in parts if p.fired)
    return TrackRecord(fired, sum(p.targets for p in parts), sum(p.stops for p in parts),
                       sum(p.open for p in parts), total_r / fired if fired else math.nan)


def _notes(window: SessionBars, proxy: SessionBars | None) -> tuple[str, ...]:
    notes = ["Gamma squeeze needs an options snapshot (GEX), which a recording does not have: it never fires here."]
    no_volume = not (np.nan_to_num(np.asarray(window.volume, float)) > 0).any()
    if window.symbol in VOLUME_PROXY or no_volume:
        what = "is an index without volume of its own" if window.symbol in VOLUME_PROXY else "carries no volume"
        if proxy is not None:
            notes.append(f"{window.symbol} {what}: {proxy.symbol}'s volume stands in (opening drive, gamma squeeze).")
        else:
            etf = VOLUME_PROXY.get(window.symbol)
            hint = f" (pass --proxy-file with {etf}'s bars for the opening drive's)" if etf else ""
            notes.append(f"{window.symbol} {what}: volume parts of the confidence are neutral, "
                         f"volume-based detectors stay silent{hint}.")
    return tuple(notes)
