"""The UI's task runner: nothing starts once the app is quitting."""

from __future__ import annotations

import asyncio

from app.ui.tasks import TaskRunner


def test_no_task_starts_after_cancel_all() -> None:
    ran: list[str] = []

    async def work(name: str) -> None:
        ran.append(name)

    async def scenario() -> None:
        runner = TaskRunner()
        first = runner.spawn(work("before"))
        await asyncio.sleep(0)
        await runner.cancel_all()
        late = work("after")
        assert runner.spawn(late) is None
        assert late.cr_frame is None  # closed, so no "never awaited" warning
        await asyncio.sleep(0)
        assert first is not None and first.done()

    asyncio.run(scenario())
    assert ran == ["before"]
