"""Chart speed on 1,000,000 one-minute candles (+ volume, EMA line): ours against finplot.

    uv run python tests/bench/bench_chart.py [--bars 1000000]

finplot needs PyQt6, which must not share a process with our PySide6, so it runs in its own
virtual environment (created once under .bench-env/finplot with `uv`, from PyPI) and its own
process; ours runs in another process. Both render the same data offscreen in a 1280×800
window; a "frame" is a full synchronous render of the window (``grab()``), the same call for
both: our chart's plot area (``panel.layout_widget``, a GraphicsLayoutWidget) against finplot's
window (also a GraphicsLayoutWidget), so toolbars and labels around ours are not counted.
Figures (ms): load + first paint, median pan frame, zoomed-out frame (whole history),
one live last-bar update; plus our RSS growth over 10,000 live updates.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
FINPLOT_ENV = REPO / ".bench-env" / "finplot"
NUMPY_SETTING = "NUMPY_MADVISE_HUGEPAGE"  # app/memory_pages.py (not imported: finplot's process lacks the app)
VISIBLE = 150
PAN_FRAMES = 30


def make_data(n: int, path: Path) -> None:
    rng = np.random.default_rng(42)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.0008))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.random(n) * 0.0006)
    low = np.minimum(open_, close) * (1 - rng.random(n) * 0.0006)
    ts = 1_500_000_000 + 60 * np.arange(n, dtype=np.int64)
    volume = rng.integers(100, 10_000, n).astype(np.float64)
    np.savez(path, ts=ts, open=open_, high=high, low=low, close=close, volume=volume)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_ours(path: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import scipy.signal  # noqa: F401 - imports happen before the clock starts, as for finplot's pandas

    from analytics.chart_overlays import ChartOverlays
    from analytics.indicators import ema
    from data.models import Bar, Bars, Timeframe
    from widgets.chart.chart_panel import ChartPanel

    d = np.load(path)
    panel = ChartPanel()
    panel.resize(1280, 800)
    panel.show()
    app.processEvents()
    t0 = time.perf_counter()
    bars = Bars("X", Timeframe.M1, d["ts"], d["open"], d["high"], d["low"], d["close"], d["volume"])
    line = ema(bars.close, 21)
    nan = np.full(len(bars), np.nan)
    overlays = ChartOverlays(nan, line, nan, nan, nan, nan, nan, nan, nan)
    panel.set_bars("X", bars, overlays)
    view = panel.layout_widget  # the plot area: what finplot's window is
    view.grab()
    load = time.perf_counter() - t0
    n = len(bars)
    vb = panel.price_plot.vb
    pans = []
    for k in range(PAN_FRAMES):
        x1 = n - k * VISIBLE * 0.2
        vb.setXRange(x1 - VISIBLE, x1, padding=0)
        panel.navigation.fit_y()
        t = time.perf_counter()
        view.grab()
        pans.append(time.perf_counter() - t)
    vb.setXRange(0, n, padding=0)
    panel.navigation.fit_y()
    zoomed = []
    for _ in range(5):
        t = time.perf_counter()
        view.grab()
        zoomed.append(time.perf_counter() - t)
    panel.reset_view()
    view.grab()
    last = int(d["ts"][-1])
    lives = []
    for k in range(20):
        price = float(d["close"][-1]) * (1 + 0.0001 * k)
        t = time.perf_counter()
        panel.apply_bar(Bar("X", Timeframe.M1, last, float(d["open"][-1]), price + 0.05, price - 0.05, price, 1.0 + k,
                            False))
        panel.flush_live()
        view.grab()
        lives.append(time.perf_counter() - t)
    rss0 = _rss_mb()
    for k in range(10_000):
        price = float(d["close"][-1]) * (1 + 1e-6 * (k % 100))
        panel.apply_bar(Bar("X", Timeframe.M1, last + 60 * (k // 60), price, price + 0.02, price - 0.02, price, 5.0,
                            False))
        panel.flush_live()
        if k % 50 == 0:
            app.processEvents()
    app.processEvents()
    return {"load": load, "pan": statistics.median(pans), "zoomed": statistics.median(zoomed),
            "live": statistics.median(lives), "rss_growth_mb": _rss_mb() - rss0}


def run_finplot(path: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import finplot as fplt
    import pandas as pd
    from PyQt6.QtWidgets import QApplication

    d = np.load(path)
    app = QApplication.instance() or QApplication([])
    t0 = time.perf_counter()
    df = pd.DataFrame({"time": pd.to_datetime(d["ts"], unit="s"), "open": d["open"], "close": d["close"],
                       "high": d["high"], "low": d["low"], "volume": d["volume"]})
    ax, ax2 = fplt.create_plot("bench", rows=2, init_zoom_periods=VISIBLE, maximize=False)
    candles = fplt.candlestick_ochl(df[["time", "open", "close", "high", "low"]], ax=ax)
    fplt.volume_ocv(df[["time", "open", "close", "volume"]], ax=ax2)
    fplt.plot(df["time"], df["close"].ewm(span=21, adjust=False).mean(), ax=ax)
    fplt.show(qt_exec=False)
    win = fplt.windows[0]
    win.resize(1280, 800)
    app.processEvents()
    win.grab()
    load = time.perf_counter() - t0
    n = len(df)
    pans = []
    for k in range(PAN_FRAMES):
        x1 = n - k * VISIBLE * 0.2
        ax.vb.update_y_zoom(x1 - VISIBLE, x1)
        fplt._repaint_candles()
        t = time.perf_counter()
        win.grab()
        pans.append(time.perf_counter() - t)
    ax.vb.update_y_zoom(0, n)
    fplt._repaint_candles()
    zoomed = []
    for _ in range(5):
        t = time.perf_counter()
        win.grab()
        zoomed.append(time.perf_counter() - t)
    ax.vb.update_y_zoom(n - VISIBLE, n)
    fplt._repaint_candles()
    win.grab()
    lives = []
    ohlc = df[["time", "open", "close", "high", "low"]].copy()
    for k in range(20):
        price = float(d["close"][-1]) * (1 + 0.0001 * k)
        t = time.perf_counter()
        ohlc.iloc[-1, ohlc.columns.get_loc("close")] = price
        ohlc.iloc[-1, ohlc.columns.get_loc("high")] = max(float(ohlc["high"].iloc[-1]), price + 0.05)
        candles.update_data(ohlc)
        win.grab()
        lives.append(time.perf_counter() - t)
    return {"load": load, "pan": statistics.median(pans), "zoomed": statistics.median(zoomed),
            "live": statistics.median(lives)}


def _ensure_finplot_env() -> Path | None:
    python = FINPLOT_ENV / "bin" / "python"
    if python.exists():
        return python
    try:
        subprocess.run(["uv", "venv", "-q", str(FINPLOT_ENV), "-p", sys.executable], check=True)
        subprocess.run(["uv", "pip", "install", "-q", "--python", str(python), "finplot", "pyqt6", "numpy",
                        "pandas"], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"finplot environment could not be created ({exc}); finplot column skipped")
        return None
    return python


def _child(python: str, role: str, data: Path) -> dict:
    # numpy's huge-page advice as the app sets it (app/memory_pages.py), for both processes alike
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", NUMPY_SETTING: os.environ.get(NUMPY_SETTING, "0")}
    out = subprocess.run([python, __file__, "--role", role, "--data", str(data)], capture_output=True, text=True,
                         env=env, timeout=900, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[7:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--role", choices=("ours", "finplot"))
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.role:
        result = run_ours(args.data) if args.role == "ours" else run_finplot(args.data)
        print("RESULT " + json.dumps(result), flush=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "bars.npz"
        make_data(args.bars, data)
        ours = _child(sys.executable, "ours", data)
        fp_python = _ensure_finplot_env()
        theirs = _child(str(fp_python), "finplot", data) if fp_python else None
    print(f"chart with {args.bars:,} one-minute candles + volume + EMA, 1280×800 offscreen (ms)")
    print(f"  {'':28}{'ours':>10}{'finplot':>10}{'ratio':>8}")
    for key, label in (("load", "load + first paint"), ("pan", "pan frame (median)"),
                       ("zoomed", "zoomed-out frame"), ("live", "live last-bar update")):
        a = ours[key] * 1e3
        if theirs:
            b = theirs[key] * 1e3
            print(f"  {label:28}{a:10.1f}{b:10.1f}{a / b:8.2f}")
        else:
            print(f"  {label:28}{a:10.1f}{'—':>10}")
    print(f"  RSS growth over 10,000 live updates (ours): {ours['rss_growth_mb']:.1f} MB")


if __name__ == "__main__":
    main()
