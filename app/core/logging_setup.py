"""Logging to a rotating file in the log folder, with secrets redacted from every record.

One redactor serves the log handlers and ``redact``, which everything that stores or shows error
text (notifications, worker health, error reports) calls, so a secret hidden from the log is
hidden everywhere.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

LOG_FILENAME = "ai-coach.log"
SECRET_ENV_VARS = ("MASSIVE_API_KEY", "POLYGON_API_KEY", "ALPHA_VANTAGE_API_KEY", "OPENAI_API_KEY")
_SECRET_PATTERNS = [
    re.compile(r"(?i)(api[_-]?key|apikey|token|secret|authorization)(\"?\s*[:=]\s*\"?)(bearer\s+)?[^\s&\"',}]+"),
]


class RedactingFilter(logging.Filter):
    """Replace known secret values and key=value secrets in the final message text."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self._secrets = [s for s in (secrets or []) if len(s) >= 6]

    def add_secret(self, secret: str) -> None:
        if len(secret) >= 6 and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or ''}***", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.redact(message), None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        return True


_REDACTOR = RedactingFilter([os.environ[v] for v in SECRET_ENV_VARS if os.environ.get(v)])


def redact(text: str) -> str:
    """``text`` with every registered secret and key=value secret masked, as in the log."""
    return _REDACTOR.redact(text)


def register_secret(value: str) -> None:
    """Redact ``value`` from every log record and ``redact`` call from now on (keys loaded after
    start-up)."""
    _REDACTOR.add_secret(value)
    for handler in logging.getLogger().handlers:
        for f in handler.filters:
            if isinstance(f, RedactingFilter) and f is not _REDACTOR:
                f.add_secret(value)


_LEVEL_BEFORE: int | None = None  # the root logger's level before setup_logging changed it


class _HeldUntilTheFileOpens(logging.Handler):
    """Keeps the records logged before ``open_log_file``: the GUI opens its log file after the
    first paint, since ``logging.handlers`` (the rotating file handler) imports socket, pickle
    and queue: ~7 ms of it."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def setup_logging(log_dir: Path, level: int = logging.INFO, *, open_file_later: bool = False) -> Path:
    """Log to ``log_dir/ai-coach.log`` (5 × 2 MB) and stderr for warnings; returns the file.
    ``open_file_later``: records are held until ``open_log_file`` (the GUI's first paint)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILENAME
    for var in SECRET_ENV_VARS:
        if os.environ.get(var):
            _REDACTOR.add_secret(os.environ[var])
    stream_handler = logging.StreamHandler()
    stream_handler.setLevel(logging.WARNING)
    remove_handlers()
    root = logging.getLogger()
    global _LEVEL_BEFORE
    _LEVEL_BEFORE = root.level
    for handler in (_HeldUntilTheFileOpens(path) if open_file_later else _file_handler(path), stream_handler):
        _add(root, handler)
    root.setLevel(level)
    return path


def open_log_file() -> None:
    """Open the log file that ``setup_logging(open_file_later=True)`` held back, and write to it
    the records held until now (nothing when it is open already)."""
    root = logging.getLogger()
    for held in [h for h in root.handlers if isinstance(h, _HeldUntilTheFileOpens)]:
        file_handler = _file_handler(held.path)
        with held.lock:  # (a record logged meanwhile waits, then goes to the file)
            for record in held.records:
                file_handler.handle(record)  # (redacted already: the held handler's filter did it)
            _add(root, file_handler)
            root.removeHandler(held)


def _file_handler(path: Path) -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    handler.addFilter(_REDACTOR)
    handler._ai_coach = True  # type: ignore[attr-defined]
    root.addHandler(handler)


def remove_handlers() -> None:
    """Detach and close the handlers ``setup_logging`` added and give the root logger back the level
    it had (tests; a second setup): a level left at INFO made every later INFO record be kept."""
    global _LEVEL_BEFORE
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_ai_coach", False):
            root.removeHandler(handler)
            handler.close()
    if _LEVEL_BEFORE is not None:
        root.setLevel(_LEVEL_BEFORE)
        _LEVEL_BEFORE = None
