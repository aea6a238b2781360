from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.symbols import SymbolError, SymbolKind, normalize_symbol, parse_option_symbol, symbol_kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [("spy", "SPY"), ("  aapl ", "AAPL"), ("brk.b", "BRK.B"), ("BRK/B", "BRK.B"), ("brk-b", "BRK.B"),
     ("I:SPX", "SPX"), ("$ndx", "NDX"), ("vix", "VIX"), ("GOOGL", "GOOGL")],
)
def test_normalizes_valid_symbols(text: str, expected: str) -> None:
    assert normalize_symbol(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "Enter a symbol"), ("   ", "Enter a symbol"), ("AB12", "characters a ticker cannot have"),
     ("TOOLONG", "not a valid ticker"), ("I:FOO", "not a supported index"), ("A" * 40, "too long"),
     ("SPY;DROP", "characters")],
)
def test_rejects_bad_input_with_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(SymbolError, match=fragment):
        normalize_symbol(text)


def test_occ_symbols_parse_from_the_right() -> None:
    opt = parse_option_symbol("SPXW  250117C05900000")
    assert (opt.root, opt.underlying, opt.expiry) == ("SPXW", "SPX", date(2025, 1, 17))
    assert (opt.is_call, opt.strike) == (True, 5900.0)
    assert opt.occ == "SPXW  250117C05900000"
    assert opt.compact == "O:SPXW250117C05900000"
    put = parse_option_symbol("O:AAPL250620P00187500")
    assert (put.underlying, put.is_call, put.strike) == ("AAPL", False, 187.5)
    assert normalize_symbol("o:aapl250620p00187500") == "AAPL250620P00187500"


@pytest.mark.parametrize(
    "bad", ["SPXW 251317C05900000", "AAPL250620X00187500", "250620C00187500", "AAPL250620C00000000"])
def test_bad_occ_symbols_are_refused(bad: str) -> None:
    with pytest.raises(SymbolError):
        parse_option_symbol(bad)


def test_kinds() -> None:
    assert symbol_kind("SPX") is SymbolKind.INDEX
    assert symbol_kind("SPY") is SymbolKind.ETF
    assert symbol_kind("AAPL") is SymbolKind.STOCK
    assert symbol_kind("AAPL250620P00187500") is SymbolKind.OPTION


@given(st.text(max_size=50))
def test_any_text_either_normalizes_idempotently_or_raises_symbol_error(text: str) -> None:
    try:
        sym = normalize_symbol(text)
    except SymbolError as exc:
        assert str(exc)
    else:
        assert normalize_symbol(sym) == sym


@pytest.mark.parametrize(
    "text",
    ["SPY\u0661", "ＳＰＹ", "\u0405PY", "АAPL", "ﬀ", "ıbm", "ſpy", "AAPL２５０６２０C00187500",
     "O:AAPL٢٥٠٦٢٠C٠٠١٨٧٥٠٠", "AAPL250620C00187500\u200b", "S\u00a0PY"])
def test_unicode_look_alikes_are_not_symbols(text: str) -> None:
    """Arabic-Indic/fullwidth digits, fullwidth letters, Cyrillic Ѕ/А and letters that ``upper()``
    folds into Latin ones (ﬀ → FF, ı → I, ſ → S) would otherwise pass as tickers or OCC digits."""
    with pytest.raises(SymbolError, match="only look like letters or digits"):
        normalize_symbol(text)


@pytest.mark.parametrize("text", ["AAPL٢٥٠٦٢٠C00187500", "O:SPXW２５0117C05900000", "ＡAPL250620P00187500"])
def test_occ_parser_takes_ascii_digits_only(text: str) -> None:
    with pytest.raises(SymbolError, match="U\\+"):
        parse_option_symbol(text)


def test_a_non_text_option_symbol_is_a_symbol_error() -> None:
    with pytest.raises(SymbolError):
        parse_option_symbol(None)  # type: ignore[arg-type]


@given(st.text(alphabet=st.characters(min_codepoint=0x80), min_size=1, max_size=8),
       st.text(alphabet="ABC", max_size=3))
def test_any_non_ascii_character_is_refused(odd: str, letters: str) -> None:
    with pytest.raises(SymbolError):  # inside the symbol (surrounding whitespace, even U+00A0, is trimmed)
        normalize_symbol("A" + letters + odd + "B")


@given(st.text(max_size=30) | st.from_regex(r"(O:)?[A-Z]{1,6}[0-9]{6}[CP][0-9]{8}", fullmatch=True))
def test_any_text_is_an_option_symbol_or_a_symbol_error(text: str) -> None:
    try:
        opt = parse_option_symbol(text)
    except SymbolError as exc:
        assert str(exc)
    else:
        assert opt.occ.isascii() and parse_option_symbol(opt.occ) == opt and opt.strike > 0
