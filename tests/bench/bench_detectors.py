"""Every detector on a live watchlist's closed minute, against the issue-14 budget: 100 symbols →
every detector done in < 50 ms of worker time, the event loop never stalled ≥ 16 ms.

    uv run python tests/bench/bench_detectors.py [--runs 7] [--at 15:00] [--symbols 100]

The bars are real: the SPY, QQQ, NVDA and META 1-minute sessions of
../shared/data/bars_intraday/consolidated_rth_1min_2026. A symbol's bars are what the market
state holds (``LIVE_SESSIONS`` + 1 sessions), cut at the closed minute ``--at`` ET;
``session_window`` (the runner's) keeps the last ``LIVE_SESSIONS``, and ``run_job``
(``registry.run_latest``) gives each detector the sessions it reads: two (~``--at`` − 09:30 + 390
bars) for all but the opening drive. Each figure twice: every bar decided (``decide_from`` 0,
what a first look does) and the newest bar only (``DetectorInputs.decide_from`` = the first bar
closing after the runner's ``_seen_until``: on every closed minute after the first).

* **one symbol**: each detector alone on its own sessions and ``run_latest`` (best of
  ``--runs``, ms) per file, beside the per-symbol share of the budget (50 ms / 100); plus the
  runner's fixed cost per symbol on the loop (``session_window``).
* **100 symbols**: each a real file on another day (symbol k: file k mod 4, session k div 4 + 11),
  its prices scaled by 1 + k / 1000 so no two are alike, through ``run_job`` in one batch as the
  runner's pool does it (``{s: run_job(j) for s, j in jobs.items()}``); best of and median of
  ``--runs`` against 50 ms. The jobs are built beforehand (the runner builds them on the loop:
  that cost is shown too, as a stall of its own).
* **stall**: an asyncio loop with a 1 ms ticker (the largest gap between ticks), while the batch
  runs in a one-thread pool through ``loop.run_in_executor`` — the GIL stalls the loop during
  long pure-Python stretches — against 16 ms; the idle loop's largest gap beside it, and the
  longest garbage collection during the batches (a full one holds the GIL: the batch's own
  allocations can set it off, so fewer objects made is fewer stalls).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics.detectors.registry import DETECTORS, LIVE_SESSIONS, DetectorInputs, run_latest
from app.core.setups.detection_input import DetectionJob, LiveInput, live_run, run_job, session_window
from data.bar_aggregation import et_day_and_minute
from data.market_calendar import MarketCalendar, default_calendar
from data.models import Bars
from data.providers.replay.recording import load_recording

SOURCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "bars_intraday" / "consolidated_rth_1min_2026"
SYMBOLS = ("SPY", "QQQ", "NVDA", "META")
LATEST = 30  # the files' last session
BATCH_BUDGET_MS = 50.0
STALL_BUDGET_MS = 16.0
HELD_SESSIONS = LIVE_SESSIONS + 1  # about the market state's DEFAULT_HISTORY (16 days)


def load() -> dict[str, Bars]:
    return {s: load_recording(next(SOURCE.glob(f"{s}_1min_*.csv"))).bars for s in SYMBOLS}


def held(bars: Bars, session: int, at_minute: int, symbol: str, scale: float = 1.0) -> Bars:
    """What the market state holds when ``session``'s bar starting at ``at_minute`` − 1 has closed:
    that session so far and the ``HELD_SESSIONS`` − 1 before it."""
    day, minute = et_day_and_minute(bars.ts)
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    s = int(starts[max(0, session - HELD_SESSIONS + 1)])
    e = int(starts[session]) + int(np.searchsorted(minute[starts[session]:], at_minute))
    cut = bars.slice(s, e)
    return Bars(symbol, cut.timeframe, cut.ts, *(getattr(cut, c) * scale for c in ("open", "high", "low", "close")),
                cut.volume)


def best_and_median(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times) * 1e3, statistics.median(times) * 1e3


def one_symbol(files: dict[str, Bars], calendar: MarketCalendar, at_minute: int, runs: int, n: int) -> None:
    share = BATCH_BUDGET_MS / n
    windows = {s: session_window(held(b, LATEST, at_minute, s), calendar) for s, b in files.items()}
    print(f"one symbol at {at_minute // 60:02d}:{at_minute % 60:02d} ET (ms, best of {runs}; budget per symbol "
          f"{share:.2f} ms = {BATCH_BUDGET_MS:.0f} ms / {n})")
    print(f"  {'bars: window, 2 sessions':24}" + "".join(f"{len(w):>5}{len(w.last_sessions(2)[0]):>4}"
                                                     for w in windows.values()))
    for title, newest in (("every bar decided", False), ("the newest bar decided (decide_from)", True)):
        print(f"  {title:24}" + "".join(f"{s:>9}" for s in windows))
        inputs = {s: DetectorInputs(decide_from=len(w) - 1 if newest else 0) for s, w in windows.items()}
        for spec in DETECTORS:
            row = []
            for s, w in windows.items():
                own, start = w.last_sessions(spec.sessions)
                shifted = replace(inputs[s], decide_from=max(0, inputs[s].decide_from - start))
                row.append(best_and_median(lambda own=own, spec=spec, i=shifted: spec.run(own, i), runs)[0])
            print(f"    {spec.name:22}" + "".join(f"{t:9.3f}" for t in row))
        total = [best_and_median(lambda w=w, i=inputs[s]: run_latest(w, i), runs)[0] for s, w in windows.items()]
        print(f"    {'run_latest':22}" + "".join(f"{t:9.3f}" for t in total) + f"   budget {share:.2f}: "
              + ("within" if max(total) < share else "OVER"))
    build = [best_and_median(lambda b=held(b, LATEST, at_minute, s): session_window(b, calendar), runs)[0]
             for s, b in files.items()]
    print(f"  {'session_window (loop)':24}" + "".join(f"{t:9.3f}" for t in build))


def batch(files: dict[str, Bars], calendar: MarketCalendar, at_minute: int, n: int) -> tuple[dict[str, DetectionJob],
                                                                                              list[Bars]]:
    held_bars = [held(files[SYMBOLS[k % 4]], k // 4 % 20 + HELD_SESSIONS - 1, at_minute, f"{SYMBOLS[k % 4]}{k}",
                      1 + k / 1000)
                 for k in range(n)]
    jobs = {b.symbol: DetectionJob(session_window(b, calendar), DetectorInputs()) for b in held_bars}
    return jobs, held_bars


def run_batch(jobs: dict[str, DetectionJob]) -> dict:
    return {s: run_job(j) for s, j in jobs.items()}


def live_items(held_bars: list[Bars]) -> dict[str, LiveInput]:
    """What the runner snapshots on the loop on a closed minute after the first: the held bars and
    the close of the bar before (``_seen_until``), so the newest bar is the news."""
    return {b.symbol: LiveInput(b, None, None, 15, int(b.ts[-1])) for b in held_bars}


def run_live(items: dict[str, LiveInput], calendar: MarketCalendar) -> dict:
    """The runner's pool work: ``live_run`` builds the windows and runs the detectors."""
    return {s: live_run(i, calendar) for s, i in items.items()}


def unseen_only(jobs: dict[str, DetectionJob]) -> dict[str, DetectionJob]:
    """The same jobs deciding only the newest bar (``DetectorInputs.decide_from``: the bars closing
    after the runner's ``_seen_until``), as on every closed minute after the first."""
    return {s: DetectionJob(j.bars, replace(j.inputs, decide_from=len(j.bars) - 1)) for s, j in jobs.items()}


async def _stall(work, runs: int) -> tuple[float, float]:
    """The largest gap (ms) between 1 ms ticks while ``work`` runs ``runs`` times in a one-thread
    pool, and the longest garbage collection meanwhile (ms; it holds the GIL throughout)."""
    gaps: list[float] = []
    collections: list[float] = []
    done = False
    started = [0.0]

    def timed(phase: str, _info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            collections.append(time.perf_counter() - started[0])

    async def ticker() -> None:
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    loop = asyncio.get_running_loop()
    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    gaps.clear()
    gc.callbacks.append(timed)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="detectors") as pool:
        for _ in range(runs):
            if work is None:
                await asyncio.sleep(0.05)
            else:
                await loop.run_in_executor(pool, work)
            await asyncio.sleep(0.005)
    gc.callbacks.remove(timed)
    done = True
    await tick
    return max(gaps) * 1e3, max(collections, default=0.0) * 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--at", default="15:00", help="the closed minute, ET (HH:MM)")
    parser.add_argument("--symbols", type=int, default=100)
    args = parser.parse_args()
    if not SOURCE.exists():
        print(f"needs {SOURCE} (../shared absent)", file=sys.stderr)
        return 1
    hh, mm = (int(x) for x in args.at.split(":"))
    at_minute, n, runs = hh * 60 + mm, args.symbols, args.runs
    calendar, files = default_calendar(), load()
    one_symbol(files, calendar, at_minute, runs, n)

    jobs, held_bars = batch(files, calendar, at_minute, n)
    newest = unseen_only(jobs)
    sizes = [len(j.bars) for j in jobs.values()]
    found, fresh = run_batch(jobs), run_batch(newest)
    build_best, _ = best_and_median(lambda: [session_window(b, calendar) for b in held_bars], runs)
    print(f"\n{n} symbols at {args.at} ET ({min(sizes)}–{max(sizes)} bars held each; {sum(map(len, found.values()))} "
          f"detections, {sum(map(len, fresh.values()))} on the newest bar) through run_job, one worker thread (ms)")
    print(f"  {'':36}{'best':>9}{'median':>9}{'budget':>9}")
    verdicts = []
    for title, batch_jobs in (("every bar decided", jobs), ("the newest bar decided", newest)):
        best, median = best_and_median(lambda j=batch_jobs: run_batch(j), runs)
        verdicts.append(best < BATCH_BUDGET_MS)
        print(f"  {title:36}{best:9.1f}{median:9.1f}{BATCH_BUDGET_MS:9.0f}   " + ("within" if verdicts[-1] else "OVER"))
    print(f"  {'building the jobs (on the loop)':36}{build_best:9.1f}")
    items = live_items(held_bars)
    live_best, live_median = best_and_median(lambda: run_live(items, calendar), runs)
    verdicts.append(live_best < BATCH_BUDGET_MS)
    print(f"  {'the runner: windows + detectors':36}{live_best:9.1f}{live_median:9.1f}{BATCH_BUDGET_MS:9.0f}   "
          + ("within" if verdicts[-1] else "OVER") + "  (live_run in the pool; the loop only copies bars)")

    print(f"\nlongest event-loop stall, 1 ms ticker (ms; {runs} batches)")
    print(f"  {'':36}{'max gap':>9}{'budget':>9}{'':10}{'longest gc':>10}")
    print(f"  {'idle loop':36}{asyncio.run(_stall(None, runs))[0]:9.1f}")
    for title, batch_jobs in (("every bar decided, in the pool", jobs), ("the newest bar, in the pool", newest)):
        stall, collection = asyncio.run(_stall(lambda j=batch_jobs: run_batch(j), runs))
        verdicts.append(stall < STALL_BUDGET_MS)
        print(f"  {title:36}{stall:9.1f}{STALL_BUDGET_MS:9.0f}   " + ("within" if verdicts[-1] else "OVER  ")
              + f"{collection:11.1f}")
    stall, collection = asyncio.run(_stall(lambda: run_live(items, calendar), runs))
    verdicts.append(stall < STALL_BUDGET_MS)
    print(f"  {'the runner (live_run), in the pool':36}{stall:9.1f}{STALL_BUDGET_MS:9.0f}   "
          + ("within" if verdicts[-1] else "OVER  ") + f"{collection:11.1f}")
    return 0 if verdicts[2] and verdicts[5] else 2


if __name__ == "__main__":
    sys.exit(main())
