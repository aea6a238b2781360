"""``ai-coach detect FILE``: every detector over a recorded bar file as if live, each detection and
then a track record per detector (``app.core.setups.evaluation``). ``--json``: one object a line,
the stable format documented in the README ("Command line")."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from analytics.detections import Detection
from analytics.setup_outcomes import Outcome, TrackRecord
from data.store.preference_specs import OPENING_RANGE_CHOICES

ET = ZoneInfo("America/New_York")
HELP = "run every detector over a recorded bar file as if live; print each detection and a track record"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE",
                        help="recorded bars (CSV or Parquet: datetime, open, high, low, close[, volume]), "
                             "as for --replay-file")
    parser.add_argument("--replay-label", choices=("auto", "start", "end"), default="auto",
                        help="whether timestamps label the bar start or the bar end (auto: told from the sessions' "
                             "first bars)")
    parser.add_argument("--replay-tz", default="America/New_York", help="timezone of naive timestamps in the file")
    parser.add_argument("--replay-symbol", default=None, help="symbol of the recording (default: from the file name)")
    parser.add_argument("--proxy-file", type=Path, default=None,
                        help="for an index (SPX, NDX): the ETF's bars whose volume stands in (SPY's, QQQ's)")
    parser.add_argument("--or-minutes", type=int, choices=OPENING_RANGE_CHOICES, default=15,
                        help="opening range in minutes (the opening_range_minutes preference)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object a line: each detection, then a summary per detector")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the evaluation of ``args.file``; 1 with one line on stderr when it cannot be read."""
    from app.core.setups.evaluation import evaluate_recording
    from data.providers.replay.recording import RecordingError

    out = out or sys.stdout
    try:
        evaluation = evaluate_recording(args.file, symbol=args.replay_symbol, tz=args.replay_tz,
                                        label=args.replay_label, or_minutes=args.or_minutes,
                                        proxy_path=args.proxy_file)
    except RecordingError as exc:
        print(f"ai-coach detect: {exc}", file=sys.stderr)
        return 1
    lines = json_lines(evaluation) if args.json else text_lines(evaluation)
    if args.json:  # stdout carries the JSON lines only: what the reader should know goes to stderr
        for note in evaluation.notes:
            print(f"ai-coach detect: note: {note}", file=sys.stderr)
    try:
        out.writelines(line + "\n" for line in lines)
        out.flush()
    except BrokenPipeError:  # `ai-coach detect F | head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())  # no second error when stdout is flushed at exit
    return 0


# -- JSON ------------------------------------------------------------------------------------
def json_lines(evaluation) -> list[str]:
    from analytics.detectors.registry import DETECTORS

    lines = [json.dumps(detection_object(d, o)) for d, o in zip(evaluation.detections, evaluation.outcomes,
                                                                strict=True)]
    fired = _fired(evaluation)
    lines += [json.dumps(summary_object(spec.name, fired[spec.name], evaluation.records_by_detector[spec.name]))
              for spec in DETECTORS]
    return lines


def detection_object(d: Detection, o: Outcome | None) -> dict:
    return {"type": "detection", "symbol": d.symbol, "detector": d.detector, "direction": d.direction,
            "time": iso_time(d.time), "entry": _number(d.entry), "stop": _number(d.stop),
            "targets": [_number(t) for t in d.targets], "confidence": round(float(d.confidence), 4),
            "risk_reward": _number(d.risk_reward, 3), "evidence": d.evidence,
            "outcome": o.result if o is not None else None, "r": _number(o.r, 3) if o is not None else None}


def summary_object(name: str, fired: int, record: TrackRecord) -> dict:
    low, high = record.hit_rate.interval
    return {"type": "summary", "detector": name, "fired": fired, "targets": record.targets, "stops": record.stops,
            "open": record.open, "hit_rate": _number(record.hit_rate.rate, 4), "hit_rate_low": _number(low, 4),
            "hit_rate_high": _number(high, 4), "average_r": _number(record.average_r, 3)}


def iso_time(epoch: int) -> str:
    """ISO 8601 in US/Eastern with its offset, e.g. 2026-01-22T09:45:00-05:00."""
    return datetime.fromtimestamp(epoch, ET).isoformat()


def _number(value: float, digits: int = 6) -> float | None:
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None  # JSON has no NaN


def _fired(evaluation) -> dict[str, int]:
    fired = dict.fromkeys(evaluation.records_by_detector, 0)
    for d in evaluation.detections:
        fired[d.detector] = fired.get(d.detector, 0) + 1
    return fired


# -- text ------------------------------------------------------------------------------------
def text_lines(evaluation) -> list[str]:
    from analytics.detectors.registry import title_of

    lines = [_heading(evaluation)]
    lines += [f"  note: {note}" for note in evaluation.notes]
    lines.append("")
    for d, o in zip(evaluation.detections, evaluation.outcomes, strict=True):
        lines.append(detection_text(d, o, title_of(d.detector)))
    if not evaluation.detections:
        lines.append("No detections.")
    lines.append("")
    lines += table_lines({title_of(name): (fired, evaluation.records_by_detector[name])
                          for name, fired in _fired(evaluation).items()})
    return lines


def _heading(evaluation) -> str:
    if not evaluation.bars_count:
        return f"{evaluation.symbol}: no bars"
    first, last = (datetime.fromtimestamp(t, ET).date() for t in (evaluation.first_ts, evaluation.last_ts))
    return (f"{evaluation.symbol}, {evaluation.bar_seconds // 60}-minute bars {first} to {last}: "
            f"{evaluation.bars_count:,} bars, {evaluation.sessions} sessions (times in US/Eastern)")


def detection_text(d: Detection, o: Outcome | None, title: str) -> str:
    targets = " / ".join(f"{t:.2f}" for t in d.targets)
    result = f"{o.result} {o.r:+.2f}R" if o is not None else "no bars after it"
    return (f"{iso_time(d.time)}  {d.symbol}  {title}  {d.direction}  entry {d.entry:.2f}  stop {d.stop:.2f}  "
            f"targets {targets}  R:R {d.risk_reward:.2f}  confidence {d.confidence:.0%}  -> {result}  "
            f"| {d.evidence}")


TABLE_HEAD = ("detector", "fired", "target first", "stop first", "neither by the close", "hit rate (95 % CI)",
              "average R")


def table_lines(rows: dict[str, tuple[int, TrackRecord]]) -> list[str]:
    """The per-detector track record and a total row, as aligned text columns."""
    from app.core.setups.evaluation import combine

    total = combine([record for _fired_count, record in rows.values()])
    cells = [TABLE_HEAD] + [table_row(title, fired, record) for title, (fired, record) in rows.items()]
    cells.append(table_row("total", sum(f for f, _r in rows.values()), total))
    widths = [max(len(row[i]) for row in cells) for i in range(len(TABLE_HEAD))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            for row in cells]


def table_row(title: str, fired: int, record: TrackRecord) -> tuple[str, ...]:
    return (title, str(fired), str(record.targets), str(record.stops), str(record.open), hit_rate_text(record),
            f"{record.average_r:+.2f}" if record.fired else "—")


def hit_rate_text(record: TrackRecord) -> str:
    if not record.fired:
        return "—"
    low, high = record.hit_rate.interval
    return f"{record.hit_rate.rate:.0%} ({low:.0%}–{high:.0%})"
