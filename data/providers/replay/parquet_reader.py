"""Decode a Parquet recording where a hostile file cannot take the app down.

fastparquet's native footer decoder trusts the file: a crafted 19-byte footer crashes the
process (SIGSEGV). So the footer's framing is checked here first (magic, metadata length), and
the decoding itself runs in a spawned child process with a time bound; the child hands back
the table as CSV text, which the caller parses like any CSV recording. A child that crashes,
hangs or runs out of memory becomes a ``RecordingError`` saying the file is not readable.
"""

from __future__ import annotations

import multiprocessing
import os
import struct
from multiprocessing.connection import Connection
from pathlib import Path

from data.providers.replay.parquet_footer import FooterError, check_footer
from data.providers.replay.recording import RecordingError

MAGIC = b"PAR1"
MAX_ROWS = 5_000_000  # decades of minute bars; more would mean gigabytes in both processes
TIMEOUT_S = 30.0  # a child starts in ~1 s (interpreter + pandas) and decodes a real recording in less


def check_framing(path: Path) -> None:
    """``RecordingError`` unless ``path`` starts and ends with PAR1 around a plausible footer."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
            size = fh.seek(0, 2)
            fh.seek(max(size - 8, 0))
            tail = fh.read(8)
    except OSError as exc:
        raise RecordingError(f"Cannot read {path.name}: {exc.strerror or exc}") from None
    if size < 12 or head != MAGIC or tail[4:] != MAGIC:
        raise _unreadable(path, "it does not start and end with the Parquet marker PAR1")
    (meta_len,) = struct.unpack("<i", tail[:4])
    if not 0 < meta_len <= size - 12:
        raise _unreadable(path, f"its footer length ({meta_len} bytes) does not fit in the file")
    try:
        with path.open("rb") as fh:
            fh.seek(size - 8 - meta_len)
            check_footer(fh.read(meta_len))
    except OSError as exc:
        raise RecordingError(f"Cannot read {path.name}: {exc.strerror or exc}") from None
    except FooterError as exc:
        raise _unreadable(path, f"its footer is damaged: {exc}") from None


def parquet_as_csv(path: Path, timeout: float | None = None) -> str:
    """The table in ``path`` as CSV text (index as a column when it is named), decoded off-process."""
    check_framing(path)
    timeout = TIMEOUT_S if timeout is None else timeout
    receive, send = multiprocessing.get_context("spawn").Pipe(duplex=False)
    child = multiprocessing.get_context("spawn").Process(target=_decode, args=(str(path), send), daemon=True,
                                                         name="parquet-reader")
    child.start()
    send.close()  # the child holds the only write end: EOF when it dies
    try:
        reply = receive.recv() if receive.poll(timeout) else ("timeout", "")
    except EOFError:
        reply = ("crashed", "")
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    kind, text = reply
    if kind == "ok":
        return text
    if kind == "error":
        raise _unreadable(path, text)
    if kind == "timeout":
        raise _unreadable(path, f"decoding it took longer than {timeout:g} s")
    raise _unreadable(path, f"the Parquet decoder crashed on it, exit code {child.exitcode}")


def _unreadable(path: Path, why: str) -> RecordingError:
    return RecordingError(f"Cannot read {path.name} as Parquet: {path.name} is not a readable Parquet file ({why}).")


def _decode(path: str, send: Connection) -> None:
    """In the child: decode with fastparquet and send ("ok", csv) or ("error", why)."""
    _silence()
    try:
        import fastparquet  # directly: pandas 3 deprecates its fastparquet engine

        parquet = fastparquet.ParquetFile(path)
        if parquet.count() > MAX_ROWS:
            raise ValueError(f"{parquet.count():,} rows is more than a recording holds")
        frame = parquet.to_pandas()
        frame = frame.reset_index() if frame.index.name else frame
        reply = ("ok", frame.astype(str).to_csv(index=False))
    except BaseException as exc:  # fastparquet raises many types for a damaged file (MemoryError too)
        reply = ("error", f"{type(exc).__name__}: {exc}"[:300])
    send.send(reply)
    send.close()


def _silence() -> None:
    """The native decoder prints a line per corrupt field (millions for a crafted file): not to the app's console."""
    null = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(null, fd)
