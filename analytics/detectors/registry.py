"""Every setup detector, in one list: its name (the module's ``NAME``), a title for people, and
how to run it over one symbol's closed bars with what the caller knows (``DetectorInputs``).

The detector service, the ``ai-coach detect`` command and the benchmarks all run this list, so a
new detector is one module plus one line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from analytics.detections import Detection
from analytics.detectors.break_and_retest import break_and_retest
from analytics.detectors.gamma_squeeze import gamma_squeeze
from analytics.detectors.gap_fill import gap_fill
from analytics.detectors.level_test import level_test
from analytics.detectors.opening_drive import opening_drive
from analytics.detectors.opening_range_breakout import opening_range_breakout
from analytics.detectors.session_bars import SessionBars
from analytics.detectors.volume_climax import volume_climax
from analytics.detectors.vwap_reclaim import vwap_reclaim
from analytics.gex import GexProfile


@dataclass(frozen=True, slots=True)
class DetectorInputs:
    """What a detector may read beside the symbol's own bars."""

    or_minutes: int = 15  # the opening_range_minutes preference
    gex: GexProfile | None = None  # the symbol's options snapshot GEX profile, when there is one
    proxy: SessionBars | None = None  # the ETF whose volume stands in for an index's (SPY for SPX)
    # decide only bars from this index on (the earlier ones are still read): the detections of
    # bars[decide_from:], exactly those the whole run finds there; the live runner's unseen bars
    decide_from: int = 0


@dataclass(frozen=True, slots=True)
class DetectorSpec:
    name: str
    title: str
    run: Callable[[SessionBars, DetectorInputs], list[Detection]]
    sessions: int = 2  # sessions of bars its newest session's detections read (today and the day before)
    decides_until: int | None = None  # minutes after the open by which its last decision closes (None: all day)


DETECTORS: tuple[DetectorSpec, ...] = (
    DetectorSpec("opening_range_breakout", "Opening-range breakout",
                 lambda b, i: opening_range_breakout(b, minutes=i.or_minutes, decide_from=i.decide_from)),
    DetectorSpec("break_and_retest", "Break and retest",
                 lambda b, i: break_and_retest(b, or_minutes=i.or_minutes, decide_from=i.decide_from)),
    DetectorSpec("vwap_reclaim", "VWAP reclaim / reject", lambda b, i: vwap_reclaim(b, decide_from=i.decide_from)),
    DetectorSpec("gap_fill", "Gap fill", lambda b, i: gap_fill(b, decide_from=i.decide_from)),
    DetectorSpec("volume_climax", "Volume climax", lambda b, i: volume_climax(b, decide_from=i.decide_from)),
    DetectorSpec("level_test", "Level test",
                 lambda b, i: level_test(b, or_minutes=i.or_minutes, decide_from=i.decide_from)),
    # the GEX profile is as of now: the squeeze decides only the newest bar, nothing without a snapshot
    DetectorSpec("gamma_squeeze", "Gamma squeeze",
                 lambda b, i: gamma_squeeze(b, i.gex, proxy=i.proxy, decide_from=i.decide_from)),
    # the drive is measured against the prior 10 sessions' opening ranges (at least 5)
    DetectorSpec("opening_drive", "Opening drive",
                 lambda b, i: opening_drive(b, proxy=i.proxy, decide_from=i.decide_from), sessions=11,
                 decides_until=30),
)
BY_NAME = {spec.name: spec for spec in DETECTORS}
LIVE_SESSIONS = max(spec.sessions for spec in DETECTORS)  # what a live run must hold


def sessions_to_read(first_minute_after_open: float) -> int:
    """The sessions a live run must read when the first bar it decides closes this many minutes
    after the open: a detector that decides only early in the session (``decides_until``) needs
    its long history only then (the opening drive's ten prior sessions, in the first 30 minutes)."""
    return max(spec.sessions for spec in DETECTORS
               if spec.decides_until is None or first_minute_after_open <= spec.decides_until)


def title_of(name: str) -> str:
    spec = BY_NAME.get(name)
    return spec.title if spec is not None else name.replace("_", " ").capitalize()


def run_all(bars: SessionBars, inputs: DetectorInputs = DetectorInputs()) -> list[Detection]:
    """Every detector over ``bars``, in time order, its plans on the tick."""
    found = [d for spec in DETECTORS for d in spec.run(bars, inputs)]
    return _on_tick(found)


def run_latest(bars: SessionBars, inputs: DetectorInputs = DetectorInputs()) -> list[Detection]:
    """Every detector on only the sessions it reads (``DetectorSpec.sessions``) of ``bars``: the
    live path. The newest session's detections are those of ``run_all`` (no detector reads
    further back); older sessions' may be missing. ``bar_index`` counts in ``bars``."""
    found = []
    starts = bars.session_starts()  # once, not once per detector
    windows: dict[int, tuple[SessionBars, DetectorInputs]] = {0: (bars, inputs)}
    for spec in DETECTORS:
        start = int(starts[-spec.sessions]) if len(starts) > spec.sessions else 0
        if start not in windows:
            windows[start] = bars.tail(start), replace(inputs, decide_from=max(0, inputs.decide_from - start))
        window, shifted = windows[start]
        found.extend(replace(d, bar_index=d.bar_index + start) if start else d for d in spec.run(window, shifted))
    return _on_tick(found)


def tick_of(price: float) -> float:
    """The price increment of US stocks and options on stocks: a cent, a hundredth of one under $1."""
    return 0.01 if abs(price) >= 1.0 else 0.0001


def _on_tick(found: list[Detection]) -> list[Detection]:
    """Plans in tradeable prices (entry, stop and targets rounded to the tick), in time order; a
    plan whose risk rounds to nothing is no plan."""
    out = []
    for d in found:
        digits = 2 if tick_of(d.entry) == 0.01 else 4
        entry, stop = round(d.entry, digits), round(d.stop, digits)
        targets = tuple(round(t, digits) for t in d.targets)
        if entry != stop and all(t != entry for t in targets):
            out.append(replace(d, entry=entry, stop=stop, targets=targets))
    return sorted(out, key=lambda d: (d.time, d.detector, d.direction))
