"""The detectors' track record on every real recording in ../shared/data/bars_intraday/: the
README's "Track record on real data" table, regenerated.

    uv run python tests/bench/track_record.py            # Markdown: the files, then the table

Each file goes through ``evaluate_recording`` (the ``ai-coach detect`` command's path) with its
folder's labelling from ../shared/data/PROVENANCE.md; the records are summed per detector.
Left out, and said so: the SPX 5-minute sample (the same 12 sessions as the 1-minute one) and
the AAPL split-day file (unadjusted 7:1 split: the prior session's levels are 7x the price).
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics.detectors.registry import DETECTORS
from analytics.setup_outcomes import TrackRecord
from app.commands.detect import hit_rate_text
from app.core.setups.evaluation import Evaluation, combine, evaluate_recording
from data.market_calendar import default_calendar

INTRADAY = Path(__file__).resolve().parents[3] / "shared" / "data" / "bars_intraday"
LABELS = {"bar_end_labeled_1min_2019": "end"}  # PROVENANCE 1d; every other folder labels bar starts
PROXIES = {"GSPC_5m_20260521_20260814.csv": "SPY_5m_20260521_20260814.csv"}  # SPX with SPY's volume
LEFT_OUT = {"SPX_5min_20230316_20230331.csv": "same sessions as the SPX 1-minute file",
            "AAPL_minute_20140605_20140609_split_day.csv": "unadjusted 7:1 split inside the file"}


def evaluate_all() -> list[tuple[Path, Evaluation]]:
    calendar = default_calendar()
    out = []
    for folder in sorted(p for p in INTRADAY.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.csv")):
            if path.name in LEFT_OUT:
                continue
            proxy = path.with_name(PROXIES[path.name]) if path.name in PROXIES else None
            out.append((path, evaluate_recording(path, label=LABELS.get(folder.name, "start"), proxy_path=proxy,
                                                 calendar=calendar)))
    return out


def markdown(results: list[tuple[Path, Evaluation]]) -> list[str]:
    by_folder: dict[str, list[Evaluation]] = defaultdict(list)
    for path, evaluation in results:
        by_folder[path.parent.name].append(evaluation)
    lines = ["| folder | files (symbols) | bars | sessions (symbol-days) |", "|---|---|---|---|"]
    for folder, evaluations in by_folder.items():
        lines.append(f"| `{folder}` | {', '.join(e.symbol for e in evaluations)} | "
                     f"{sum(e.bars_count for e in evaluations):,} | {sum(e.sessions for e in evaluations):,} |")
    all_evaluations = [e for _p, e in results]
    lines.append(f"| **all** | {len(all_evaluations)} files | {sum(e.bars_count for e in all_evaluations):,} | "
                 f"{sum(e.sessions for e in all_evaluations):,} |")
    lines += ["", "| detector | fired | target first | stop first | neither by the close | hit rate (95 % CI) "
              "| average R |", "|---|---:|---:|---:|---:|---:|---:|"]
    totals: list[TrackRecord] = []
    for spec in DETECTORS:
        record = combine([e.records_by_detector[spec.name] for e in all_evaluations])
        fired = sum(1 for e in all_evaluations for d in e.detections if d.detector == spec.name)
        totals.append(record)
        lines.append(_row(spec.title, fired, record))
    lines.append(_row("**total**", sum(len(e.detections) for e in all_evaluations), combine(totals)))
    return lines


def _row(title: str, fired: int, record: TrackRecord) -> str:
    average = f"{record.average_r:+.2f}" if record.fired else "—"
    return (f"| {title} | {fired:,} | {record.targets:,} | {record.stops:,} | {record.open:,} | "
            f"{hit_rate_text(record)} | {average} |")


def main() -> int:
    if not INTRADAY.exists():
        print(f"no real recordings: {INTRADAY} is absent", file=sys.stderr)
        return 1
    started = time.perf_counter()
    results = evaluate_all()
    print("\n".join(markdown(results)))
    print(f"\n({len(results)} files in {time.perf_counter() - started:.1f} s; left out: "
          + "; ".join(f"{name} ({why})" for name, why in LEFT_OUT.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
