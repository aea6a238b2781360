import asyncio
import logging
import threading
from pathlib import Path

from app.core import error_hooks
from app.core.logging_setup import RedactingFilter, open_log_file, remove_handlers, setup_logging

SECRET = "sk_live_9f8e7d6c5b4a"


def test_secrets_are_redacted_from_messages_and_tracebacks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MASSIVE_API_KEY", SECRET)
    path = setup_logging(tmp_path)
    log = logging.getLogger("test.redaction")
    log.warning("GET https://api.example/v2/aggs?apiKey=%s&limit=5", "abc123secretvalue")
    log.info("Authorization: Bearer %s", SECRET)
    try:
        raise RuntimeError(f"request failed for key {SECRET}")
    except RuntimeError:
        log.exception("provider error")
    remove_handlers()
    text = path.read_text()
    assert SECRET not in text and "abc123secretvalue" not in text
    assert "apiKey=***" in text and "provider error" in text and "RuntimeError" in text


def test_records_held_until_the_file_opens_are_written_to_it_first_and_redacted(tmp_path: Path, monkeypatch) -> None:
    """The GUI opens its log file after the first paint: what was logged before is not lost."""
    monkeypatch.setenv("MASSIVE_API_KEY", SECRET)
    path = setup_logging(tmp_path, open_file_later=True)
    log = logging.getLogger("test.held")
    try:
        log.info("before the first paint, key %s", SECRET)
        assert not path.exists()
        open_log_file()
        log.info("after it")
        open_log_file()  # (a second call: nothing more)
    finally:
        remove_handlers()
    lines = path.read_text().splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["before the first paint, key ***", "after it"]
    assert not [h for h in logging.getLogger().handlers if getattr(h, "_ai_coach", False)]


def test_filter_redacts_json_style_tokens() -> None:
    f = RedactingFilter()
    assert f.redact('{"token": "abcdef123456", "x": 1}') == '{"token": "***", "x": 1}'


async def test_hooks_log_and_report_loop_thread_and_sys_errors(caplog) -> None:
    reports: list[tuple[str, str]] = []
    loop = asyncio.get_running_loop()
    restore = error_hooks.install(loop, lambda src, msg: reports.append((src, msg)))
    try:
        with caplog.at_level(logging.ERROR):
            loop.call_exception_handler({"message": "boom", "exception": ValueError("loop failure")})

            def crash() -> None:
                raise KeyError("thread failure")

            t = threading.Thread(target=crash, name="worker-1")
            t.start()
            t.join()
            await asyncio.sleep(0.05)  # the thread's report is delivered via the loop
            import sys

            try:
                raise OSError("sys failure")
            except OSError:
                sys.last_type, sys.last_value, sys.last_traceback = sys.exc_info()  # as Qt does for a slot
                sys.excepthook(*sys.exc_info())
            assert sys.last_traceback is None  # the failed frames (and the widgets they hold) are let go
    finally:
        restore()
    sources = [s for s, _ in reports]
    assert sources == ["loop", "thread worker-1", "sys"]
    assert "loop failure" in reports[0][1] and "thread failure" in reports[1][1]
    assert "sys failure" in caplog.text
