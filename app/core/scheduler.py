"""Jobs on market time: "07:00 ET on trading days" fires on the provider's clock, not the wall's.

A job is data (``ScheduledJob``): APScheduler 3 cron fields, a time zone, whether only trading
sessions count, and an action. APScheduler does the cron arithmetic (time zones, DST); the wait
is ours, on the provider's ``Clock``, because the demo runs at up to 1000x and replay pauses
and seeks. The wall-clock sleep is ``(due - clock.now()) / speed``, capped at ``max_wait`` and
re-read every time, so a jump, a speed change, a pause or a provider switch is seen promptly.

Semantics:

* Coalesce: a clock that passed several fire times of a job runs it once, for the latest one.
* Grace: at start (and after a backward seek or a provider switch) a fire time up to
  ``job.grace`` (default 5 market minutes) in the past still runs; older ones do not, so an app
  started at 09:00 does not send the 07:00 brief. Five minutes covers starting a moment late
  without replaying a brief hours stale; a job that wants catch-up sets a longer grace.
* A fire time that already ran is never run again, even if the clock steps back a little; a
  seek back before it (replay) runs it again.
* Trading days are US/Eastern market dates that are sessions (a half day is a session).
* A run is a task, so a slow job does not hold up the others or the heartbeat; a fire time that
  comes due while the previous run of the same job is still going is skipped (and counted).
* A failing job is logged, counted and reported (``report_error``: the engine publishes it as
  ``ErrorReported``, the event's one publisher); the scheduler goes on.
  Every run publishes ``ScheduledJobRan``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from app.core.bus import EventBus
from app.core.events import ScheduledJobRan
from app.core.logging_setup import redact
from app.core.supervisor import ServiceContext
from app.core.waiting import woken
from data.market_calendar import ET, market_date

if TYPE_CHECKING:
    from data.market_calendar import MarketCalendar
    from data.providers.base import Clock

log = logging.getLogger(__name__)
JobAction = Callable[[datetime], Awaitable[object] | object]  # receives the due time (aware UTC)
CRON_FIELDS = frozenset(CronTrigger.FIELD_NAMES)  # year … second; no start/end dates, no jitter
DEFAULT_GRACE = timedelta(minutes=5)
TICK = timedelta(microseconds=1)  # "strictly after": APScheduler returns fire times >= its start
MIN_WAIT = 0.005  # wall seconds; at 1000x that overshoots a due time by at most ~5 market seconds
PAUSED_POLL = 0.1  # wall seconds between looks at a clock that has stopped (a paused replay)


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """``cron`` holds CronTrigger fields, e.g. ``{"hour": 7, "minute": 0}``; APScheduler 3
    numbers weekdays from Monday = 0, so prefer names: ``{"day_of_week": "sun", "hour": 18}``."""

    name: str
    cron: Mapping[str, int | str]
    action: JobAction
    timezone: str = "America/New_York"
    trading_days_only: bool = False
    grace: timedelta = DEFAULT_GRACE
    _trigger: CronTrigger = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.cron) - CRON_FIELDS
        if unknown:
            raise ValueError(f"job {self.name}: unknown cron fields {sorted(unknown)}")
        # Built here so that a bad expression fails where the job is declared.
        object.__setattr__(self, "_trigger", CronTrigger(**self.cron, timezone=ZoneInfo(self.timezone)))

    def next_due(self, start: datetime, calendar: MarketCalendar) -> datetime | None:
        """The first fire time at or after ``start`` (aware UTC), or None when there is none
        (past the calendar's last session for a trading-day job)."""
        due = self._trigger.get_next_fire_time(None, start)
        while due is not None and self.trading_days_only and not calendar.is_session(market_date(due)):
            try:  # every date before the next session is closed: search from that session's midnight
                day = calendar.next_session(market_date(due)).day
            except ValueError:
                return None
            due = self._trigger.get_next_fire_time(None, datetime.combine(day, time(0), ET))
        return None if due is None else due.astimezone(UTC)

    def latest_due(self, earliest: datetime, now: datetime, calendar: MarketCalendar) -> datetime:
        """The latest fire time in [earliest, now]; ``earliest`` must itself be a fire time.

        Searches back from ``now`` in doubling windows, so a jump over a year of a minute job
        costs a few dozen trigger calls, not half a million."""
        window = timedelta(minutes=1)
        while True:
            found = self.next_due(max(earliest, now - window), calendar)
            if found is not None and found <= now:
                break
            window *= 2
        while (later := self.next_due(found + TICK, calendar)) is not None and later <= now:
            found = later
        return found


@dataclass(frozen=True, slots=True)
class JobStatus:
    """One job as a health panel shows it; times are market-clock times (aware UTC)."""

    name: str
    next_due: datetime | None
    last_due: datetime | None  # the fire time of the latest run
    last_ran_at: datetime | None  # when that run started, on the clock
    running: bool
    runs: int
    failures: int
    skipped: int  # fire times dropped because the previous run was still going
    last_error: str | None


@dataclass(slots=True)
class _JobState:
    job: ScheduledJob
    anchored: bool = False
    next_due: datetime | None = None
    last_due: datetime | None = None
    last_ran_at: datetime | None = None
    runs: int = 0
    failures: int = 0
    skipped: int = 0
    last_error: str | None = None
    task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def status(self) -> JobStatus:
        return JobStatus(self.job.name, self.next_due, self.last_due, self.last_ran_at, self.running,
                         self.runs, self.failures, self.skipped, self.last_error)


class MarketScheduler:
    """The one scheduler service: runs every ``ScheduledJob`` on the current provider's clock."""

    name = "scheduler"
    stale_after = 30.0

    def __init__(self, bus: EventBus, calendar: MarketCalendar, clock: Callable[[], Clock],
                 jobs: Iterable[ScheduledJob] = (), *, max_wait: float = 1.0,
                 report_error: Callable[[str, str], None] | None = None) -> None:
        self._bus = bus
        self._report_error = report_error or (lambda _source, _message: None)
        self._calendar = calendar
        self._clock = clock  # called on every look: the provider can be switched at run time
        self._max_wait = max_wait
        self._states: dict[str, _JobState] = {}
        self._wake = asyncio.Event()
        self._seen_clock: Clock | None = None
        self._seen_now: datetime | None = None
        self._paused = False
        for job in jobs:
            self.add(job)

    def add(self, job: ScheduledJob) -> None:
        """Add a job, before start or while running (it is scheduled at the next look)."""
        if job.name in self._states:
            raise ValueError(f"a job named {job.name} is already scheduled")
        self._states[job.name] = _JobState(job)
        self._wake.set()

    def snapshot(self) -> tuple[JobStatus, ...]:
        return tuple(state.status() for state in self._states.values())

    async def run(self, ctx: ServiceContext) -> None:
        ctx.running()
        try:
            while True:
                clock = self._clock()
                self._tick(clock)
                ctx.heartbeat()
                await self._sleep(self._wall_wait(clock))
        finally:
            await self._cancel_runs()

    # -- one look at the clock ------------------------------------------------------------
    def _tick(self, clock: Clock) -> None:
        now = clock.now()
        rebase = clock is not self._seen_clock or (self._seen_now is not None and now < self._seen_now)
        self._paused = not rebase and now == self._seen_now
        self._seen_clock, self._seen_now = clock, now
        for state in self._states.values():
            if rebase or not state.anchored:
                self._anchor(state, now)
            if state.next_due is not None and state.next_due <= now:
                self._fire(state, now)

    def _anchor(self, state: _JobState, now: datetime) -> None:
        """Schedule from ``now - grace`` (a fresh start, a new clock, a seek back), never again
        for a fire time that already ran."""
        start = now - state.job.grace
        if state.last_due is not None and state.last_due <= now:
            start = max(start, state.last_due + TICK)
        state.next_due = state.job.next_due(start, self._calendar)
        state.anchored = True

    def _fire(self, state: _JobState, now: datetime) -> None:
        assert state.next_due is not None
        due = state.job.latest_due(state.next_due, now, self._calendar)
        state.next_due = state.job.next_due(due + TICK, self._calendar)
        if state.running:
            state.skipped += 1
            log.warning("scheduled job %s is still running; its run due %s is skipped", state.job.name, due)
            return
        state.last_due, state.last_ran_at = due, now
        state.task = asyncio.create_task(self._execute(state, due, now), name=f"scheduler:{state.job.name}")

    async def _execute(self, state: _JobState, due: datetime, ran_at: datetime) -> None:
        name = state.job.name
        ok = True
        try:
            result = state.job.action(due)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            ok = False
            state.failures += 1
            state.last_error = redact(f"{type(exc).__name__}: {exc}")  # kept and shown: as the log
            log.error("scheduled job %s (due %s) failed", name, due.isoformat(), exc_info=exc)
            self._report_error(f"scheduler:{name}", state.last_error)
        else:
            state.last_error = None
        state.runs += 1
        self._bus.publish(ScheduledJobRan(name, due, ran_at, ok))

    # -- waiting ----------------------------------------------------------------------------
    def _wall_wait(self, clock: Clock) -> float:
        """Wall seconds until the earliest due time on this clock, within [MIN_WAIT, max_wait]."""
        if self._paused:
            return min(self._max_wait, PAUSED_POLL)
        dues = [s.next_due for s in self._states.values() if s.next_due is not None]
        speed = clock.speed
        if not dues or speed <= 0 or self._seen_now is None:
            return self._max_wait
        ahead = (min(dues) - self._seen_now).total_seconds() / speed
        return min(self._max_wait, max(MIN_WAIT, ahead))

    async def _sleep(self, seconds: float) -> None:
        """Sleep, or less when a job is added. ``asyncio.timeout``, not ``wait_for`` (README)."""
        self._wake.clear()
        await woken(self._wake, seconds)

    async def _cancel_runs(self) -> None:
        tasks = [s.task for s in self._states.values() if s.task is not None and not s.task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
