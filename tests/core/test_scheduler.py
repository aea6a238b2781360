"""The market-time scheduler: cron arithmetic in ET across DST, trading days, waiting on the
provider's clock (accelerated, jumping, paused, switched), failures and clean cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.bus import EventBus
from app.core.events import ErrorReported, ScheduledJobRan
from app.core.health import HealthRegistry, ServiceState
from app.core.scheduler import MarketScheduler, ScheduledJob
from app.core.supervisor import Supervisor
from data.market_calendar import ET

try:  # moving to the shared module; either place will do
    from data.providers.sim_clock import SimClock
except ImportError:
    from data.providers.demo.clock import SimClock

BRIEF = {"hour": 7, "minute": 0}
US = timedelta(microseconds=1)


def et(*args: int) -> datetime:
    return datetime(*args, tzinfo=ET).astimezone(UTC)


class FakeClock:
    """Market time that moves only when the test says so (a paused replay between moves)."""

    def __init__(self, now: datetime, speed: float = 1000.0) -> None:
        self.t = now
        self.speed = speed

    def now(self) -> datetime:
        return self.t


class FakeContext:
    def __init__(self) -> None:
        self.heartbeats = 0
        self.started = False

    def running(self) -> None:
        self.started = True

    def heartbeat(self) -> None:
        self.heartbeats += 1


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.dues: list[datetime] = []
        self.fail = fail

    async def __call__(self, due: datetime) -> None:
        self.dues.append(due)
        if self.fail:
            raise RuntimeError(f"brief failed for {due:%Y-%m-%d}")


def job(action: Recorder, name: str = "brief", cron: dict | None = None, **kw: object) -> ScheduledJob:
    return ScheduledJob(name, cron or BRIEF, action, trading_days_only=True, **kw)


async def wait_until(predicate, timeout: float = 2.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        await asyncio.sleep(0.005)


@contextlib.asynccontextmanager
async def running(scheduler: MarketScheduler) -> AsyncIterator[FakeContext]:
    """Run the service as a task; on exit cancel it and prove nothing is left behind."""
    ctx = FakeContext()
    task = asyncio.create_task(scheduler.run(ctx))
    try:
        yield ctx
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


def scheduler_on(clock, calendar, *jobs: ScheduledJob, bus: EventBus | None = None) -> MarketScheduler:
    bus = bus or EventBus()
    report = lambda source, message: bus.publish(ErrorReported(source, message))  # noqa: E731  (as the engine does)
    return MarketScheduler(bus, calendar, lambda: clock, jobs, max_wait=0.02, report_error=report)


# -- cron arithmetic ---------------------------------------------------------------------------
def test_07_00_et_stays_07_00_across_the_march_dst_change(calendar) -> None:
    daily = ScheduledJob("daily", BRIEF, Recorder())
    first = daily.next_due(et(2026, 3, 7, 7, 0) + US, calendar)  # Sunday 8 March: clocks go forward
    second = daily.next_due(first + US, calendar)
    assert first == datetime(2026, 3, 8, 11, 0, tzinfo=UTC) and second == datetime(2026, 3, 9, 11, 0, tzinfo=UTC)
    assert daily.next_due(et(2026, 3, 6, 7, 0) + US, calendar) == datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


def test_16_15_trading_day_job_across_the_november_dst_change(calendar) -> None:
    drafts = job(Recorder(), "journal", {"hour": 16, "minute": 15})
    # Friday 30 October (EDT) -> Monday 2 November (EST): the weekend and the change between
    assert drafts.next_due(et(2026, 10, 30, 16, 0), calendar) == datetime(2026, 10, 30, 20, 15, tzinfo=UTC)
    assert drafts.next_due(et(2026, 10, 30, 16, 16), calendar) == datetime(2026, 11, 2, 21, 15, tzinfo=UTC)


def test_trading_day_jobs_skip_holidays_and_weekends_but_not_half_days(calendar) -> None:
    brief = job(Recorder())
    after_wednesday = brief.next_due(et(2026, 11, 25, 7, 0) + US, calendar)
    assert after_wednesday == et(2026, 11, 27, 7, 0)  # Thanksgiving skipped, Friday's half day kept
    assert calendar.session(date(2026, 11, 27)).is_half_day
    assert brief.next_due(et(2026, 11, 27, 7, 1), calendar) == et(2026, 11, 30, 7, 0)  # weekend
    assert brief.next_due(et(2026, 12, 24, 7, 1), calendar) == et(2026, 12, 28, 7, 0)  # Christmas + weekend


def test_a_weekly_job_need_not_be_on_a_trading_day(calendar) -> None:
    insights = ScheduledJob("insights", {"day_of_week": "sun", "hour": 18, "minute": 0}, Recorder())
    assert insights.next_due(et(2026, 11, 25, 12, 0), calendar) == et(2026, 11, 29, 18, 0)


def test_latest_due_of_a_minute_job_after_a_long_jump_is_cheap(calendar) -> None:
    every_minute = job(Recorder(), "tick", {"minute": "*"})
    start = time.perf_counter()
    latest = every_minute.latest_due(et(2026, 1, 2, 0, 0), et(2026, 11, 28, 7, 0), calendar)
    assert latest == et(2026, 11, 27, 23, 59) and time.perf_counter() - start < 0.5


def test_jobs_are_checked_where_they_are_declared(calendar) -> None:
    with pytest.raises(ValueError, match="unknown cron fields"):
        ScheduledJob("bad", {"hours": 7}, Recorder())
    with pytest.raises(ValueError):
        ScheduledJob("bad", {"hour": 25}, Recorder())
    scheduler = scheduler_on(FakeClock(et(2026, 12, 1, 6, 0)), calendar, job(Recorder()))
    with pytest.raises(ValueError, match="already scheduled"):
        scheduler.add(job(Recorder()))


# -- waiting on the clock ----------------------------------------------------------------------
async def test_fires_on_a_sim_clock_at_1000x_after_the_clock_passes_07_00(calendar) -> None:
    clock = SimClock(et(2026, 12, 1, 6, 59, 0), speed=1000.0)  # a Tuesday: 60 market s = 60 ms wall
    bus, runs, brief = EventBus(), [], Recorder()
    bus.subscribe(ScheduledJobRan, runs.append)
    scheduler = MarketScheduler(bus, calendar, lambda: clock, [job(brief)])
    began = time.monotonic()
    async with running(scheduler) as ctx:
        await wait_until(lambda: runs)
        assert time.monotonic() - began < 2.0 and ctx.started and ctx.heartbeats > 0
    assert brief.dues == [et(2026, 12, 1, 7, 0)]
    (ran,) = runs
    assert ran.name == "brief" and ran.ok and ran.due_at == et(2026, 12, 1, 7, 0)
    assert et(2026, 12, 1, 7, 0) <= ran.ran_at < et(2026, 12, 1, 7, 2)  # measured on the clock (load-tolerant)
    assert scheduler.snapshot()[0].next_due == et(2026, 12, 2, 7, 0)


async def test_a_jump_across_three_fire_times_runs_once_for_the_latest(calendar) -> None:
    clock, brief = FakeClock(et(2026, 12, 1, 6, 0)), Recorder()
    scheduler = scheduler_on(clock, calendar, job(brief))
    async with running(scheduler):
        await wait_until(lambda: scheduler.snapshot()[0].next_due is not None)
        clock.t = et(2026, 12, 3, 8, 0)  # passes 1, 2 and 3 December at 07:00
        await wait_until(lambda: brief.dues)
        await asyncio.sleep(0.1)
    assert brief.dues == [et(2026, 12, 3, 7, 0)]
    status = scheduler.snapshot()[0]
    assert status.runs == 1 and status.last_due == et(2026, 12, 3, 7, 0) and status.next_due == et(2026, 12, 4, 7, 0)


async def test_a_paused_clock_does_not_fire_until_it_moves_on(calendar) -> None:
    clock, brief = FakeClock(et(2026, 12, 1, 6, 59, 59)), Recorder()
    scheduler = scheduler_on(clock, calendar, job(brief))
    async with running(scheduler) as ctx:
        await asyncio.sleep(0.3)
        assert brief.dues == [] and ctx.heartbeats > 1  # still heartbeating while it waits
        clock.t = et(2026, 12, 1, 7, 0, 1)
        await wait_until(lambda: brief.dues)
    assert brief.dues == [et(2026, 12, 1, 7, 0)]


async def test_a_start_long_after_the_fire_time_does_not_fire_but_within_grace_does(calendar) -> None:
    late, on_time = Recorder(), Recorder()
    scheduler = scheduler_on(FakeClock(et(2026, 12, 1, 7, 3)), calendar, job(on_time, "brief"),
                             job(late, "open", {"hour": 6, "minute": 0}))
    async with running(scheduler):
        await wait_until(lambda: on_time.dues)
        await asyncio.sleep(0.1)
    assert on_time.dues == [et(2026, 12, 1, 7, 0)]  # 3 minutes late: within the 5-minute grace
    assert late.dues == [] and scheduler.snapshot()[1].next_due == et(2026, 12, 2, 6, 0)


async def test_a_seek_back_runs_the_day_again_and_a_small_step_back_does_not(calendar) -> None:
    clock, brief = FakeClock(et(2026, 12, 2, 6, 59, 59)), Recorder()
    scheduler = scheduler_on(clock, calendar, job(brief))
    async with running(scheduler):
        await asyncio.sleep(0.05)
        clock.t = et(2026, 12, 2, 7, 0, 1)
        await wait_until(lambda: len(brief.dues) == 1)
        clock.t = et(2026, 12, 2, 7, 0, 0, 500_000)  # a step back after the run: no second run
        await asyncio.sleep(0.1)
        clock.t = et(2026, 12, 1, 6, 59)  # replay seeks back a day
        await asyncio.sleep(0.05)
        clock.t = et(2026, 12, 1, 7, 0, 1)
        await wait_until(lambda: len(brief.dues) == 2)
    assert brief.dues == [et(2026, 12, 2, 7, 0), et(2026, 12, 1, 7, 0)]


async def test_a_switched_clock_is_a_fresh_start_not_a_jump(calendar) -> None:
    demo, live, brief = FakeClock(et(2026, 12, 1, 6, 0)), FakeClock(et(2026, 12, 3, 9, 0)), Recorder()
    current = [demo]
    scheduler = MarketScheduler(EventBus(), calendar, lambda: current[0], [job(brief)], max_wait=0.02)
    async with running(scheduler):
        await asyncio.sleep(0.05)
        current[0] = live  # the provider was switched: 7:00 on 1–3 December is history, not due
        await asyncio.sleep(0.1)
        assert brief.dues == [] and scheduler.snapshot()[0].next_due == et(2026, 12, 4, 7, 0)


async def test_a_job_added_while_running_is_scheduled(calendar) -> None:
    clock, brief = FakeClock(et(2026, 12, 1, 6, 59, 59)), Recorder()
    scheduler = scheduler_on(clock, calendar)
    async with running(scheduler):
        await asyncio.sleep(0.05)
        scheduler.add(job(brief))
        await wait_until(lambda: scheduler.snapshot()[0].next_due == et(2026, 12, 1, 7, 0))
        clock.t = et(2026, 12, 1, 7, 0, 2)
        await wait_until(lambda: brief.dues)


# -- runs: failures, overlap, cancellation -----------------------------------------------------
async def test_a_failing_job_is_reported_and_the_next_run_still_happens(calendar) -> None:
    bus, errors, runs = EventBus(), [], []
    bus.subscribe(ErrorReported, errors.append)
    bus.subscribe(ScheduledJobRan, runs.append)
    clock, failing, other = FakeClock(et(2026, 12, 1, 6, 59)), Recorder(fail=True), Recorder()
    scheduler = scheduler_on(clock, calendar, job(failing), job(other, "drafts"), bus=bus)
    async with running(scheduler):
        await asyncio.sleep(0.05)
        clock.t = et(2026, 12, 1, 7, 1)
        await wait_until(lambda: len(runs) == 2)
        clock.t = et(2026, 12, 2, 7, 1)
        await wait_until(lambda: len(runs) == 4)
    assert len(failing.dues) == 2 and len(other.dues) == 2
    assert [e.source for e in errors] == ["scheduler:brief", "scheduler:brief"]
    assert "RuntimeError: brief failed for 2026-12-02" in errors[-1].message
    assert sorted((r.name, r.ok) for r in runs[:2]) == [("brief", False), ("drafts", True)]
    brief_status = scheduler.snapshot()[0]
    assert brief_status.failures == 2 and brief_status.runs == 2 and "2026-12-02" in brief_status.last_error


async def test_a_run_still_going_skips_the_next_fire_time_and_cancel_stops_it(calendar) -> None:
    clock, started, cancelled = FakeClock(et(2026, 12, 1, 6, 59)), [], []

    async def slow(due: datetime) -> None:
        started.append(due)
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(due)
            raise

    scheduler = scheduler_on(clock, calendar, job(slow))
    async with running(scheduler):
        await asyncio.sleep(0.05)
        clock.t = et(2026, 12, 1, 7, 1)
        await wait_until(lambda: started)
        clock.t = et(2026, 12, 2, 7, 1)
        await wait_until(lambda: scheduler.snapshot()[0].skipped == 1)
        assert scheduler.snapshot()[0].running
    # leaving ``running`` cancelled the service and asserted that no task is left
    assert started == [et(2026, 12, 1, 7, 0)] and cancelled == started


async def test_under_the_supervisor_it_runs_heartbeats_and_stops_cleanly(calendar) -> None:
    health = HealthRegistry()
    supervisor = Supervisor(health)
    clock = SimClock(et(2026, 12, 1, 6, 0), speed=1.0)
    supervisor.start(MarketScheduler(EventBus(), calendar, lambda: clock, [job(Recorder())]))
    await wait_until(lambda: health.get("scheduler").state is ServiceState.RUNNING)
    assert health.get("scheduler").last_heartbeat is not None
    assert await supervisor.stop(timeout=1) == []
    assert health.get("scheduler").state is ServiceState.STOPPED
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
