"""What the trader reads in the tray for a setup, and where a click on it leads.

A setup notification's key is ``setup:<symbol>:<id>:<status>`` (one per transition, so the
notification cooldown never merges two different steps); a detection's is
``detected:<symbol>`` (the cooldown keeps a choppy symbol from posting one a minute).
"""

from __future__ import annotations

from analytics.detectors.registry import title_of
from analytics.setup_lifecycle import STATUS_TITLES, Transition
from data.store.records import DetectionRecord, NotificationRecord, TrackedSetup


def _plan(entry: float, stop: float, targets: tuple[float, ...]) -> str:
    shown = " / ".join(f"{t:,.2f}" for t in targets)
    return f"entry {entry:,.2f} · stop {stop:,.2f} · target {shown}"


def setup_notice(setup: TrackedSetup, step: Transition) -> tuple[str, str, str]:
    """(title, message, key) for a lifecycle step."""
    title = f"{setup.symbol} {title_of(setup.detector)} {setup.direction}: {STATUS_TITLES[step.status].lower()}"
    message = f"{step.reason[0].upper()}{step.reason[1:]} — {_plan(setup.entry, setup.stop, setup.targets)}"
    return title, message, f"setup:{setup.symbol}:{setup.id}:{step.status}"


def detection_notice(detection: DetectionRecord) -> tuple[str, str, str]:
    """(title, message, key) for an auto-tracked detection."""
    title = (f"{detection.symbol} {title_of(detection.detector)} {detection.direction} "
             f"({detection.confidence:.0%}) — tracking")
    message = f"{detection.evidence} {_plan(detection.entry, detection.stop, detection.targets).capitalize()}."
    return title, message, f"detected:{detection.symbol}"


def notice_symbol(record: NotificationRecord) -> str | None:
    """The symbol a setup or detection notification is about (None for other kinds)."""
    key = record.dedupe_key or ""
    kind, _, rest = key.partition(":")
    if record.kind != "setup" or kind not in ("setup", "detected") or not rest:
        return None
    return rest.split(":", 1)[0]
