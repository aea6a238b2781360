"""Malformed Cboe quotedata exports: a bad preamble or index is one ``QuoteDataError`` naming the
file; a bad row is dropped and counted, never the whole file; fuzzed text raises nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.files.cboe import QuoteDataError, load_quotedata_with_report

PREAMBLE = ('\nSPDR S&P 500 ETF Trust,Last: 450.81,Change: 3.85\n'
            '"Date: September 14, 2023 at 4:31 PM EDT",Bid: 450.81,Ask: 450.83\n')
HEADER = ("Expiration Date,Calls,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest,Strike,Puts,"
          "Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest\n")
ROW = ("Fri Sep 15 2023,SPY230915C00450000,1.2,0.1,1.1,1.3,100,0.12,0.55,0.05,1000,450.00,"
       "SPY230915P00450000,0.9,-0.1,0.8,1.0,90,0.13,-0.45,0.05,900\n")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "SPY_quotedata.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_export_loads(tmp_path: Path) -> None:
    chain, spot, asof, report = load_quotedata_with_report(_write(tmp_path, PREAMBLE + HEADER + ROW))
    assert (len(chain), spot, asof.hour, report.bad_rows) == (2, 450.81, 16, 0)


@pytest.mark.parametrize("row", [
    "Fri Sep 15 2023,SPY230915C00450000\n",  # short
    "Feb 30 2023" + ROW[15:],  # no such date
    ROW.replace("450.00", "abc"),  # strike not a number
    ROW.replace("450.00", "-5"),
    ROW.replace("SPY230915C00450000", "NOT A SYMBOL").replace("SPY230915P00450000", "\u0661\u0662"),
])
def test_a_bad_row_is_dropped_and_counted_not_the_file(tmp_path: Path, row: str) -> None:
    chain, _spot, _asof, report = load_quotedata_with_report(_write(tmp_path, PREAMBLE + HEADER + ROW + row))
    assert len(chain) == 2 and report.bad_rows >= 1


@pytest.mark.parametrize("preamble, problem", [
    (PREAMBLE.replace("450.81,Change", "-.-,Change"), "preamble"),
    (PREAMBLE.replace("450.81,Change", "0,Change"), "preamble"),
    (PREAMBLE.replace("September 14", "September 31"), "preamble"),
    (PREAMBLE.replace("4:31 PM", "13:31 PM"), "preamble"),
    ("\n", "spot price and quote time are not in the file"),
    (PREAMBLE.replace("450.81,Change", "\u0664\u0665\u0660.81,Change"), "spot price"),  # Arabic-Indic digits
])
def test_a_bad_preamble_is_a_clear_error(tmp_path: Path, preamble: str, problem: str) -> None:
    with pytest.raises(QuoteDataError, match=problem) as err:
        load_quotedata_with_report(_write(tmp_path, preamble + HEADER + ROW))
    assert "SPY_quotedata.csv" in str(err.value)


def test_a_bad_snapshot_index_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "\n" + HEADER + ROW)
    tmp_path.joinpath("snapshots_index.csv").write_text("file,underlying_last,quote_time_et\n"
                                                        "SPY_quotedata.csv,abc,2023-09-14T16:31-04:00\n")
    with pytest.raises(QuoteDataError, match=r"snapshots_index\.csv beside SPY_quotedata\.csv"):
        load_quotedata_with_report(path)


def test_binary_and_rowless_files_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "SPY_quotedata.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(QuoteDataError, match="Cannot read"):
        load_quotedata_with_report(path)
    with pytest.raises(QuoteDataError, match="no option rows"):
        load_quotedata_with_report(_write(tmp_path, PREAMBLE + HEADER + "\x00,\n"))


_pieces = st.sampled_from([PREAMBLE, HEADER, ROW, ROW[:40], "Last: ", "Last: 1e999", "Last: 1,2.3",
                           '"Date: September 14, 2023 at 4:31 PM"', ",", "\n", "\x00", '"', "Fri Sep 15 2023,"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(_pieces, st.text(max_size=30)), max_size=14))
def test_fuzzed_exports_raise_only_quote_data_errors(tmp_path: Path, parts: list[str]) -> None:
    path = tmp_path / "SPY_quotedata.csv"
    path.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
    try:
        chain, spot, _asof, report = load_quotedata_with_report(path)
    except QuoteDataError as exc:
        assert "SPY_quotedata.csv" in str(exc)
        return
    assert spot > 0 and len(chain) == report.contracts
