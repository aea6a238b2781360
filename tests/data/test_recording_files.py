"""Hostile recordings: every malformed CSV or Parquet file gives one ``RecordingError`` naming the
file, and a crafted Parquet footer (which crashes fastparquet's native decoder) does not take
the process down."""

from __future__ import annotations

import contextlib
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.providers.replay import parquet_reader
from data.providers.replay.recording import RecordingError, load_recording

GOOD = "datetime,open,high,low,close,volume\n2026-01-02 09:30,1,2,0.5,1.5,10\n2026-01-02 09:31,1.5,2,1,1.2,5\n"
# A binary field whose length runs far past the footer: SIGSEGV in fastparquet 2026.9 (issue 12).
CRAFTED_FOOTER = b"\x18\xff\xff\xff\xff\x07\x00"
CRAFTED = b"PAR1" + CRAFTED_FOOTER + struct.pack("<i", len(CRAFTED_FOOTER)) + b"PAR1"


def _write(tmp_path: Path, data: bytes | str, name: str = "SPY_1min.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_a_crafted_19_byte_parquet_file_is_refused_without_crashing(tmp_path: Path) -> None:
    assert len(CRAFTED) == 19
    with pytest.raises(RecordingError, match=r"SPY_1min\.parquet is not a readable Parquet file \(its footer is dam"):
        load_recording(_write(tmp_path, CRAFTED, "SPY_1min.parquet"))


def test_a_decoder_crash_in_the_child_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_reader, "check_footer", lambda data: None)  # the crafted footer reaches fastparquet
    with pytest.raises(RecordingError, match=r"SPY_1min\.parquet is not a readable Parquet file \(the Parquet "
                                             r"decoder crashed on it, exit code -?\d+\)"):
        load_recording(_write(tmp_path, CRAFTED, "SPY_1min.parquet"))


def test_a_list_footer_that_made_the_decoder_loop_is_refused_first(tmp_path: Path) -> None:
    footer = b"\x19\xfc\xff\xff\xff\x0f\x00"  # a list of 2**28 elements: fastparquet loops, printing, then crashes
    with pytest.raises(RecordingError, match="a list at byte 6 claims"):
        load_recording(_write(tmp_path, b"PAR1" + footer + struct.pack("<i", 7) + b"PAR1", "SPY_1min.parquet"))


def test_a_decoder_that_runs_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_reader, "TIMEOUT_S", 0.05)  # the child cannot even start in that time
    with pytest.raises(RecordingError, match=r"took longer than 0\.05 s"):
        load_recording(_write(tmp_path, b"PAR1" + b"\x00" + struct.pack("<i", 1) + b"PAR1", "SPY_1min.parquet"))


@pytest.mark.filterwarnings("ignore:Series.values returning an ndarray that drops timezone")
def test_real_footers_pass_the_framing_check(tmp_path: Path) -> None:
    import fastparquet
    import pandas as pd

    from data.providers.replay.parquet_footer import check_footer

    frame = pd.DataFrame({"datetime": pd.date_range("2026-01-02 09:30", periods=300, freq="min", tz="UTC"),
                          "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": range(300),
                          "note": pd.Categorical(["a", "b", None] * 100), "flag": [True, False, None] * 100})
    for options in ({}, {"compression": "GZIP", "row_group_offsets": 50}, {"stats": True, "write_index": True}):
        path = tmp_path / "SPY_1min.parquet"
        fastparquet.write(str(path), frame, **options)
        data = path.read_bytes()
        check_footer(data[-8 - struct.unpack("<i", data[-8:-4])[0]:-8])
        assert len(load_recording(path).bars) == 300


@pytest.mark.parametrize("data, problem", [
    (b"", "no data rows"),
    (b"PAR1", "Parquet marker"),
    (b"PAR1" + b"\x00" * 8 + b"PAR1", "footer length"),
    (b"PAR1" + b"\x00" * 4 + struct.pack("<i", 1000) + b"PAR1", "footer length"),
])
def test_parquet_framing_is_checked_before_any_decoder(tmp_path: Path, data: bytes, problem: str) -> None:
    with pytest.raises(RecordingError, match=problem if data else "Parquet marker"):
        load_recording(_write(tmp_path, data, "SPY_1min.parquet"))


@pytest.mark.parametrize("text, problem", [
    ("datetime,open,high,low,close,\n2026-01-02 09:30,1,2,0.5,1.5,\n2026-01-02 09:31,1.5,2,1,1.2,\n", None),
    ("datetime,open,high,low,close\n2026-01-02 09:30,1,2,0.5,1.5,,,\n2026-01-02 09:31,1.5,2,1,1.2\n", None),
    ("datetime,open,high,low,close,volume\n2026-01-02 09:30,1,2,0.5,1.5\n2026-01-02 09:31,1.5,2,1,1.2,5\n", None),
    ("datetime,open,high,low\n2026-01-02 09:30,1,2,0.5\n", "lacks the column"),
    ("", "no data rows"),
    ("datetime,open,high,low,close\n", "no data rows"),
    ("datetime,open,high,low,close\nsoon,1,2,0.5,1.5\n", "no row has a readable timestamp"),
    ("datetime,open,high,low,close\n2026-01-02 09:30,one,two,half,1.5\n", "no valid bars"),
    ("datetime,open,high,low,close\n2026-01-02 09:30,1\n", "no row has a readable timestamp"),
])
def test_malformed_csv_is_read_or_refused_clearly(tmp_path: Path, text: str, problem: str | None) -> None:
    path = _write(tmp_path, text)
    if problem is None:  # trailing commas, extra fields: the rows are still good
        assert len(load_recording(path).bars) == 2
    else:
        with pytest.raises(RecordingError, match=problem) as err:
            load_recording(path)
        assert "SPY_1min.csv" in str(err.value)


def test_binary_garbage_wrong_encoding_bad_zone_and_symbol_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="not UTF-8"):
        load_recording(_write(tmp_path, GOOD.encode("utf-16")))
    with pytest.raises(RecordingError, match="binary data"):
        load_recording(_write(tmp_path, GOOD + "\x00\x01"))
    path = _write(tmp_path, GOOD)
    with pytest.raises(RecordingError, match="Unknown time zone 'Foo/Bar'"):
        load_recording(path, tz="Foo/Bar")
    with pytest.raises(RecordingError, match="Unknown time zone"):
        load_recording(path, tz="../../etc/passwd")
    with pytest.raises(RecordingError, match="symbol 'S P Y' is not valid"):
        load_recording(path, symbol="S P Y")
    assert len(load_recording(path, tz="UTC").bars) == 2


def _declared(call) -> str:
    """'ok' or 'declared' — anything else escapes and fails the test."""
    try:
        call()
    except RecordingError as exc:
        assert str(exc)
        return "declared"
    return "ok"


_cells = st.one_of(st.sampled_from(["", "1", "2.5", "nan", "inf", "-1", "1e999", "2026-01-02 09:30", "x", " ",
                                    "2026-13-40", "0001-01-01", "9999-12-31T23:59:59+14:00", '"', "1,5"]),
                   st.text(max_size=8))
_rows = st.lists(st.lists(_cells, max_size=8), max_size=12)
_header = st.lists(st.sampled_from(["datetime", "open", "high", "low", "close", "volume", "", "Date", " OPEN "]),
                   max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=_header, rows=_rows, tz=st.sampled_from(["America/New_York", "UTC", "Foo/Bar", ""]))
def test_fuzzed_csv_tables_raise_only_recording_errors(tmp_path: Path, header: list[str], rows: list[list[str]],
                                                       tz: str) -> None:
    text = "\n".join(",".join(r) for r in [header, *rows])
    path = _write(tmp_path, text)
    _declared(lambda: load_recording(path, tz=tz))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_fuzzed_csv_bytes_raise_only_recording_errors(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, GOOD.encode()[: len(data) % 120] + data)
    _declared(lambda: load_recording(path))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(footer=st.binary(min_size=1, max_size=40))
def test_fuzzed_parquet_footers_raise_only_recording_errors(tmp_path: Path, footer: bytes,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_reader, "TIMEOUT_S", 5.0)  # a footer that makes the decoder loop costs 5 s
    path = _write(tmp_path, b"PAR1" + footer + struct.pack("<i", len(footer)) + b"PAR1", "SPY_1min.parquet")
    assert _declared(lambda: load_recording(path)) == "declared"


@settings(max_examples=2000, deadline=None)
@given(footer=st.binary(max_size=200))
def test_the_footer_walker_raises_only_footer_errors(footer: bytes) -> None:
    from data.providers.replay.parquet_footer import FooterError, check_footer

    with contextlib.suppress(FooterError):  # anything else fails the test
        check_footer(footer)


@pytest.mark.filterwarnings("ignore:Series.values returning an ndarray that drops timezone")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), min_size=1, max_size=4))
def test_damaged_real_parquet_files_raise_only_recording_errors(tmp_path: Path, flips: list[tuple[int, int]]) -> None:
    import fastparquet
    import pandas as pd

    frame = pd.DataFrame({"datetime": pd.date_range("2026-01-02 09:30", periods=50, freq="min").astype(str),
                          "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5})
    path = tmp_path / "SPY_1min.parquet"
    fastparquet.write(str(path), frame)
    data = bytearray(path.read_bytes())
    for at, xor in flips:  # anywhere: data pages (decoded in the child) or the footer (walked first)
        data[at % len(data)] ^= xor
    path.write_bytes(bytes(data))
    _declared(lambda: load_recording(path))


def test_a_file_too_big_for_a_recording_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from data.providers.replay import recording

    monkeypatch.setattr(recording, "MAX_FILE_BYTES", 50)
    with pytest.raises(RecordingError, match="too big for a recording"):
        load_recording(_write(tmp_path, GOOD))


def test_rows_dated_where_no_market_was_are_left_out(tmp_path: Path) -> None:
    """Year 1 (found by the fuzzer): New York time of it overflows; such a row is dropped, not a crash."""
    only = tmp_path / "SPY_old.csv"
    only.write_text("datetime,open,high,low,close\n0001-01-01,1,2,0.5,1.5\n")
    with pytest.raises(RecordingError, match="no row has a readable timestamp"):
        load_recording(only)
    mixed = tmp_path / "SPY_mixed.csv"
    mixed.write_text("datetime,open,high,low,close\n0001-01-01,1,2,0.5,1.5\n2025-03-03 09:30,1,2,0.5,1.5\n")
    assert len(load_recording(mixed).bars) == 1
