"""Whether a notification pops up and makes a sound: muted kinds, quiet hours, a snooze (pure, Qt-free).

Every notification is recorded and listed in the Notifications panel whatever is decided here; this
only decides whether the desktop is interrupted. Time is the notification's own stamp — the market
clock of the provider of the moment (``NotificationService.market_time``) — never the wall clock, so
a replay at 23:00 in a recording is quiet exactly when a live 23:00 would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from data.market_calendar import ET
from data.store.preference_specs import parse_quiet_hours
from data.store.records import ALERT_TYPES, alert_type

if TYPE_CHECKING:
    from data.market_calendar import MarketCalendar
    from data.store.records import Alert

SNOOZES = ("15m", "1h", "open", "off")  # 15 minutes, an hour, until the next regular open, resume now


@dataclass(frozen=True, slots=True)
class Delivery:
    popup: bool  # tray balloon, desktop notification or toast
    sound: bool
    reason: str = ""  # why not: "muted", "quiet hours", "snoozed" ("" = shown)


def in_quiet_hours(quiet_hours: str, at: datetime) -> bool:
    """Whether ``at`` (tz-aware) falls in "HH:MM-HH:MM" New York time (start included, end excluded;
    a range whose end is earlier than its start wraps midnight). An invalid text is no quiet hours."""
    try:
        window = parse_quiet_hours(quiet_hours)
    except ValueError:
        return False
    if window is None:
        return False
    local = at.astimezone(ET)
    minute = local.hour * 60 + local.minute
    start, end = window
    return start <= minute < end if start < end else minute >= start or minute < end


def snoozed(until: str, at: datetime) -> bool:
    """Whether a snooze ("" or an ISO time with its offset) still runs at ``at``."""
    if not until:
        return False
    try:
        end = datetime.fromisoformat(until)
    except ValueError:
        return False
    return end.tzinfo is not None and at < end


def alert_notification_key(alert: Alert, trigger_id: int) -> str:
    """A trigger's notification key: "alert:<id>:<trigger id>:<alert type>" (the type picks its sound)."""
    return f"alert:{alert.id}:{trigger_id}:{alert_type(alert.condition, alert.params)}"


def alert_type_of(key: str | None) -> str | None:
    """The alert type named in an alert notification's key (None: none, e.g. a key from before types)."""
    parts = (key or "").split(":")
    return parts[3] if len(parts) == 4 and parts[0] == "alert" and parts[3] in ALERT_TYPES else None


def delivery(kind: str, at: datetime, prefs: dict[str, Any], key: str | None = None) -> Delivery:
    """How a notification of ``kind`` stamped ``at`` (``key``: its dedupe key) reaches the trader under
    ``prefs``; an alert's sound also depends on its type (``alert_sound_types``)."""
    if kind in (prefs.get("notification_kinds_off") or ()):
        return Delivery(False, False, "muted")
    if snoozed(str(prefs.get("notifications_snoozed_until") or ""), at):
        return Delivery(False, False, "snoozed")
    if in_quiet_hours(str(prefs.get("quiet_hours") or ""), at):
        return Delivery(False, False, "quiet hours")
    sound = kind in (prefs.get("alert_sounds") or ())
    if sound and kind == "alert":
        of_type = alert_type_of(key)
        sound = of_type is None or of_type in prefs.get("alert_sound_types", ALERT_TYPES)
    return Delivery(True, sound)


def snooze_until(choice: str, now: datetime, calendar: MarketCalendar) -> str:
    """The ``notifications_snoozed_until`` value for a snooze ``choice`` (``SNOOZES``) from ``now``:
    an ISO UTC time, or "" to resume. "open" is the next regular session's open after ``now``."""
    if choice == "off":
        return ""
    if choice in ("15m", "1h"):
        end = now + timedelta(minutes=15 if choice == "15m" else 60)
    elif choice == "open":
        today = now.astimezone(ET).date()
        session = calendar.session(today) if calendar.is_session(today) else None
        end = session.open if session is not None and now < session.open else calendar.next_session(today).open
    else:
        raise ValueError(f"'{choice}' is not a snooze ({', '.join(SNOOZES)})")
    return end.astimezone(UTC).isoformat(timespec="seconds")


def describe(prefs: dict[str, Any], at: datetime) -> str:
    """One line for the Preferences: whether notifications are snoozed or quiet right now."""
    until = str(prefs.get("notifications_snoozed_until") or "")
    if snoozed(until, at):
        return f"Snoozed until {datetime.fromisoformat(until).astimezone(ET):%a %H:%M} New York time."
    if in_quiet_hours(str(prefs.get("quiet_hours") or ""), at):
        return "Quiet hours now: notifications are logged without a sound or a pop-up."
    return "Notifications pop up as they come."
