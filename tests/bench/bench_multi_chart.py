"""Four charts of 1-minute bars streaming live at once (issue #20's speed budget): the longest
event-loop stall stays under one 60 Hz frame (16 ms) and each chart's live update under 10 ms.

    uv run python tests/bench/bench_multi_chart.py [--bars 20000] [--seconds 10]

Four real ``ChartPanel``s (EMA line, RSI and MACD panes) in a 2 × 2 grid of a 1920 × 1080 window
(offscreen), each with its own symbol's history. (1) A chart's live update, measured alone: a
forming bar applied, flushed and the chart rendered synchronously (``grab()``), per chart.
(2) Streaming: every 25 ms each chart gets a new forming-bar update (40 updates/s each, faster
than a live feed's per-symbol bars), the charts flush and repaint on their own timers as in the
app, and a 1 ms watchdog timer on the same loop (the application's ``exec()`` loop) records the
longest gap between its runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
STALL_BUDGET_MS, UPDATE_BUDGET_MS = 16.0, 10.0
SYMBOLS = ("SPY", "QQQ", "IWM", "AAPL")


def _bars(symbol: str, n: int, seed: int):
    from data.models import Bars, Timeframe

    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.0008))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.random(n) * 0.0006)
    low = np.minimum(open_, close) * (1 - rng.random(n) * 0.0006)
    ts = 1_764_000_000 + 60 * np.arange(n, dtype=np.int64)
    return Bars(symbol, Timeframe.M1, ts, open_, high, low, close, rng.integers(100, 10_000, n).astype(np.float64))


def _charts(n: int):
    from PySide6.QtWidgets import QGridLayout, QWidget

    from analytics.chart_overlays import ChartOverlays
    from analytics.indicators import ema
    from widgets.chart.chart_panel import ChartPanel

    window = QWidget()
    window.resize(1920, 1080)
    grid = QGridLayout(window)
    panels = []
    for i, symbol in enumerate(SYMBOLS):
        panel = ChartPanel()
        bars = _bars(symbol, n, i)
        nan = np.full(len(bars), np.nan)
        panel.set_bars(symbol, bars, ChartOverlays(nan, ema(bars.close, 21), nan, nan, nan, nan, nan, nan, nan))
        grid.addWidget(panel, i // 2, i % 2)
        panels.append((panel, bars))
    window.show()
    return window, panels


def _update(panel, bars, k: int):
    from data.models import Bar, Timeframe

    last = int(bars.ts[-1])
    price = float(bars.close[-1]) * (1 + 0.0001 * ((k % 40) - 20))
    return Bar(panel.symbol, Timeframe.M1, last + 60 * (k // 240), price, price * 1.0005, price * 0.9995, price,
               10.0 + k, False)


def measure_updates(app, panels, rounds: int = 30) -> list[float]:
    times = []
    for k in range(rounds):
        for panel, bars in panels:
            t = time.perf_counter()
            panel.apply_bar(_update(panel, bars, k))
            panel.flush_live()
            panel.layout_widget.grab()
            times.append((time.perf_counter() - t) * 1000)
        app.processEvents()
    return times


def measure_stream(app, panels, seconds: float) -> tuple[float, int]:
    from PySide6.QtCore import Qt, QTimer

    gaps, last, count = [0.0], [time.perf_counter()], [0]

    def watchdog() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    def feed() -> None:
        count[0] += 1
        for panel, bars in panels:
            panel.apply_bar(_update(panel, bars, 1000 + count[0]))

    timers = [QTimer(interval=1), QTimer(interval=25)]
    timers[0].setTimerType(Qt.TimerType.PreciseTimer)
    timers[0].timeout.connect(watchdog)
    timers[1].timeout.connect(feed)
    for timer in timers:
        timer.start()
    QTimer.singleShot(round(seconds * 1000), app.quit)  # bounded: the loop ends after `seconds`
    app.exec()  # the application's own event loop, as the app runs it (qasync drives this loop)
    for timer in timers:
        timer.stop()
    return max(gaps) - 1.0, count[0] * len(panels)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=20_000, help="1-minute bars of history per chart")
    parser.add_argument("--seconds", type=float, default=10.0, help="streaming time")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    window, panels = _charts(args.bars)
    for _ in range(5):
        app.processEvents()
    updates = measure_updates(app, panels)
    stall, sent = measure_stream(app, panels, args.seconds)
    p50, p99 = statistics.median(updates), float(np.percentile(updates, 99))
    print(f"4 charts × {args.bars:,} one-minute bars, 1920×1080 (offscreen)")
    print(f"  a chart's live update (apply + flush + full render): p50 {p50:.2f} ms, p99 {p99:.2f} ms "
          f"(budget < {UPDATE_BUDGET_MS:.0f} ms): {'within' if p99 < UPDATE_BUDGET_MS else 'OVER'}")
    print(f"  streaming {sent:,} updates in {args.seconds:.0f} s (40/s per chart): longest loop stall {stall:.1f} ms "
          f"(budget < {STALL_BUDGET_MS:.0f} ms): {'within' if stall < STALL_BUDGET_MS else 'OVER'}")
    window.close()
    return 0 if p99 < UPDATE_BUDGET_MS and stall < STALL_BUDGET_MS else 2


if __name__ == "__main__":
    sys.exit(main())
