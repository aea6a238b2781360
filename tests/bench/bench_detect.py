"""One year of 1-minute bars of one symbol through every detector, the ``ai-coach detect`` path,
against the issue-14 budget (< 3 s).

    uv run python tests/bench/bench_detect.py [--runs 3]

The year is real: the 31 SPY sessions of ../shared/data/bars_intraday/consolidated_rth_1min_2026
laid in turn on every NYSE session of 2025 (half days cut at 13:00), each session's prices
scaled so the series runs on from the previous close with the session's own real gap. Timed,
best of ``--runs``: ``evaluate_bars`` (calendar window, every detector, every outcome, the track
records; the calendar is built beforehand), each detector alone, and the whole command from a
CSV file (``evaluate_recording``: reading and checking the file too).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics.detectors.registry import DETECTORS, DetectorInputs
from app.core.setups.detection_input import session_window
from app.core.setups.evaluation import ALL_SESSIONS, evaluate_bars, evaluate_recording
from data.bar_aggregation import et_day_and_minute
from data.market_calendar import ET, MarketCalendar, default_calendar
from data.models import Bars
from data.providers.replay.recording import load_recording

SOURCE = (Path(__file__).resolve().parents[3] / "shared" / "data" / "bars_intraday" / "consolidated_rth_1min_2026"
          / "SPY_1min_20260122_20260306.csv")
BUDGET_S = 3.0


def one_year(calendar: MarketCalendar) -> Bars:
    src = load_recording(SOURCE).bars
    day, _minute = et_day_and_minute(src.ts)
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], len(src)]
    parts, last_close = [], float(src.open[0])
    for j, session in enumerate(calendar.sessions_between(date(2025, 1, 1), date(2025, 12, 31))):
        k = j % len(starts)
        s, e = int(starts[k]), int(ends[k])
        before = float(src.close[s - 1]) if k else float(src.open[s])  # the real gap into this session
        scale = last_close / before
        shifted = src.ts[s:e] - src.ts[s] + int(session.open.timestamp())
        keep = shifted < int(session.close.timestamp())  # a half day closes at 13:00
        parts.append((shifted[keep], *(getattr(src, c)[s:e][keep] * scale for c in ("open", "high", "low", "close")),
                      src.volume[s:e][keep]))
        last_close = float(parts[-1][4][-1])
    columns = [np.concatenate(c) for c in zip(*parts, strict=True)]
    return Bars("SPY", src.timeframe, *columns)


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    if not SOURCE.exists():
        print(f"needs {SOURCE} (../shared absent)", file=sys.stderr)
        return 1
    calendar = default_calendar()
    bars = one_year(calendar)
    first, last = (datetime.fromtimestamp(int(t), ET).date() for t in (bars.ts[0], bars.ts[-1]))
    evaluation = evaluate_bars(bars, calendar)
    print(f"{len(bars):,} one-minute bars of SPY, {evaluation.sessions} sessions ({first} to {last}): "
          f"{len(evaluation.detections):,} detections")
    total = best(lambda: evaluate_bars(bars, calendar), runs)
    verdict = "within" if total < BUDGET_S else "OVER"
    print(f"detect path (window + every detector + outcomes), best of {runs}: {total:.2f} s "
          f"— budget {BUDGET_S:.0f} s: {verdict}")
    window = session_window(bars, calendar, ALL_SESSIONS)
    print(f"  calendar window: {best(lambda: session_window(bars, calendar, ALL_SESSIONS), runs) * 1000:.0f} ms")
    for spec in DETECTORS:
        print(f"  {spec.title}: {best(lambda spec=spec: spec.run(window, DetectorInputs()), runs) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "SPY_1min_2025.csv"
        stamps = [datetime.fromtimestamp(int(t), ET).strftime("%Y-%m-%d %H:%M:%S") for t in bars.ts]
        rows = zip(stamps, bars.open, bars.high, bars.low, bars.close, bars.volume, strict=True)
        path.write_text("datetime,open,high,low,close,volume\n"
                        + "".join(f"{t},{o:.4f},{h:.4f},{lo:.4f},{c:.4f},{v:.0f}\n" for t, o, h, lo, c, v in rows))
        whole = best(lambda: evaluate_recording(path, label="start", calendar=calendar), runs)
        print(f"whole command from a {path.stat().st_size / 2**20:.1f} MB CSV (read + check + detect): {whole:.2f} s")
    return 0 if total < BUDGET_S else 2


if __name__ == "__main__":
    sys.exit(main())
