"""What the trader reads in the tray for a setup, and where a click on it leads.

A setup notification's key is ``setup:<symbol>:<id>:<status>`` and an auto-tracked detection's
``detected:<symbol>:<setup id>`` — one per step of one setup, so the notification cooldown never
merges two different setups or steps (auto-track itself posts at most one per symbol every 5
minutes, the runner's rule).
"""

from __future__ import annotations

from analytics.setup_lifecycle import STATUS_TITLES, Transition
from data.store.records import DetectionRecord, NotificationRecord, TrackedSetup


def _plan(entry: float, stop: float, targets: tuple[float, ...]) -> str:
    shown = " / ".join(f"{t:,.2f}" for t in targets)
    return f"entry {entry:,.2f} · stop {stop:,.2f} · target {shown}"


def setup_notice(setup: TrackedSetup, step: Transition) -> tuple[str, str, str]:
    """(title, message, key) for a lifecycle step."""
    from analytics.detectors.registry import title_of  # numpy: not for the shell, which reads notice_symbol

    title = f"{setup.symbol} {title_of(setup.detector)} {setup.direction}: {STATUS_TITLES[step.status].lower()}"
    message = f"{step.reason[0].upper()}{step.reason[1:]} — {_plan(setup.entry, setup.stop, setup.targets)}"
    return title, message, f"setup:{setup.symbol}:{setup.id}:{step.status}"


def detection_notice(detection: DetectionRecord, setup_id: int) -> tuple[str, str, str]:
    """(title, message, key) for a detection auto-tracked as setup ``setup_id``."""
    from analytics.detectors.registry import title_of

    title = (f"{detection.symbol} {title_of(detection.detector)} {detection.direction} "
             f"· score {round(detection.confidence * 100)} — tracking")
    message = f"{detection.evidence} {_plan(detection.entry, detection.stop, detection.targets).capitalize()}."
    if detection.hit_cases and detection.hit_cases >= 30 and detection.hit_hits is not None:
        message += f" Hit rate here {detection.hit_hits / detection.hit_cases:.0%} of {detection.hit_cases}."
    return title, message, f"detected:{detection.symbol}:{setup_id}"


def notice_symbol(record: NotificationRecord) -> str | None:
    """The symbol a setup or detection notification is about (None for other kinds)."""
    key = record.dedupe_key or ""
    kind, _, rest = key.partition(":")
    if record.kind != "setup" or kind not in ("setup", "detected") or not rest:
        return None
    return rest.split(":", 1)[0]
