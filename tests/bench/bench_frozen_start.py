"""Start-up of the frozen app (PyInstaller one-folder) against the source app, in one run.

    uv run --extra test python packaging/build.py --no-archive   # once
    uv run python tests/bench/bench_frozen_start.py [--runs 3]

Alternating cold `--smoke` runs of each, fresh data folder every time; prints the medians of
wall time to exit, first painted window and "every panel painted" from the smoke line.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FROZEN = REPO / "dist" / "ai-coach" / ("ai-coach.exe" if sys.platform == "win32" else "ai-coach")


def run(cmd: list[str]) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        out = subprocess.run([*cmd, "--smoke", "--data-dir", tmp], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, cwd=REPO)
        wall = (time.perf_counter() - started) * 1000
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("SMOKE OK")), None)
    if out.returncode != 0 or line is None:
        raise SystemExit(f"{cmd[0]} failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    fields = dict(re.findall(r"(\w+)=(\S+)", line))
    return wall, int(fields["first_paint_ms"]), int(fields["painted_ms"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not FROZEN.exists():
        raise SystemExit("build the frozen app first: python packaging/build.py --no-archive")
    apps = {"frozen (dist/ai-coach)": [str(FROZEN)], "source (python -m app)": [sys.executable, "-m", "app"]}
    results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in apps}
    for _ in range(args.runs):
        for name, cmd in apps.items():
            results[name].append(run(cmd))
    print(f"median of {args.runs} cold --smoke runs   wall to exit   first paint   every panel painted (ms)")
    for name, rows in results.items():
        wall, paint, done = (statistics.median(r[i] for r in rows) for i in range(3))
        print(f"  {name:<28} {wall:>10.0f}   {paint:>10.0f}   {done:>14.0f}")


if __name__ == "__main__":
    main()
