"""The symbol search's ranking: favourites, recents, exact, prefix, company names; one row per symbol."""

from __future__ import annotations

from data.models import SymbolInfo
from data.symbol_catalog import BY_SYMBOL, CATEGORIES, POPULAR, Suggestion, name_words, rank, sections
from data.symbols import SymbolKind, normalize_symbol


def symbols(rows: list[Suggestion]) -> list[str]:
    return [r.symbol for r in rows]


def test_the_built_in_list_is_real_valid_tickers_with_names_and_categories() -> None:
    assert len(POPULAR) >= 80 and len(BY_SYMBOL) == len(POPULAR)
    assert all(normalize_symbol(s.symbol) == s.symbol and s.name and s.category in CATEGORIES for s in POPULAR)
    categories = {s.symbol: s.category for s in POPULAR}
    assert all(categories[s] == "index" for s in ("SPX", "NDX", "RUT", "DJI", "VIX"))
    assert all(categories[s] == "etf" for s in ("SPY", "QQQ", "IWM", "DIA", "TLT", "GLD", "XLF", "XLE", "XLK",
                                                 "SMH", "ARKK"))
    assert all(categories[s] == "stock" for s in ("AAPL", "NVDA", "MSFT", "TSLA", "BRK.B"))


def test_company_names_find_their_tickers() -> None:
    assert symbols(rank("nvidia"))[0] == "NVDA"
    assert symbols(rank("apple"))[0] == "AAPL"
    assert symbols(rank("Berkshire"))[0] == "BRK.B"
    assert symbols(rank("mcdonalds")) == ["MCD"]  # the apostrophe is not needed
    assert "BAC" in symbols(rank("bank of"))  # every word a prefix of a word of the name
    assert all(s.startswith("A") for s in symbols(rank("a"))) and "ARM" in symbols(rank("a"))  # tickers only
    assert name_words("McDonald's Corp.") == ["mcdonalds", "corp"]


def test_exact_then_prefix_then_name_matches() -> None:
    # Morgan Stanley (the exact ticker), tickers starting MS, then a name word (iShares MSCI …)
    assert symbols(rank("ms")) == ["MS", "MSFT", "MSTR", "EEM"]
    assert symbols(rank("brk/b")) == ["BRK.B"]  # typed the other ways, normalized


def test_favourites_then_recents_come_first_and_each_symbol_once() -> None:
    rows = rank("", favourites=["TSLA", "XLE"], recents=["NVDA", "TSLA", "SPY"])
    assert symbols(rows)[:4] == ["TSLA", "XLE", "NVDA", "SPY"]
    assert rows[0].starred and rows[1].starred and not rows[2].starred and rows[2].recent
    assert len(symbols(rows)) == len(set(symbols(rows)))
    typed = rank("t", favourites=["TSLA"], recents=["TLT", "AAPL"])  # only the matching ones of each
    assert symbols(typed)[:3] == ["TSLA", "TLT", "T"]
    assert "AAPL" not in symbols(typed)
    assert rank("nvda", favourites=["NVDA"])[0] == Suggestion("NVDA", "NVIDIA Corp.", "stock", starred=True)


def test_provider_results_add_what_the_list_lacks_and_are_deduplicated() -> None:
    results = [SymbolInfo("ZM", "Zoom Communications Inc.", SymbolKind.STOCK),
               SymbolInfo("NVDA", "NVIDIA CORP", SymbolKind.STOCK),
               SymbolInfo("NVDL", "GraniteShares 2x Long NVDA Daily ETF", SymbolKind.ETF),
               SymbolInfo("O:NVDA250117C00100000", "an option", SymbolKind.OPTION)]
    rows = rank("nvd", results=results)
    assert symbols(rows) == ["NVDA", "NVDL", "ZM"]  # ZM: only the provider knows why; it goes last
    assert rows[0].name == "NVIDIA Corp." and rows[1].category == "etf"
    assert rank("zoom", favourites=["ZM"], results=results)[0] == Suggestion(
        "ZM", "Zoom Communications Inc.", "stock", starred=True)


def test_limit_and_the_running_providers_universe() -> None:
    assert len(rank("", limit=5)) == 5 and rank("x", limit=0) == []
    assert len(rank("")) == 20
    demo = {"SPY", "AAPL"}
    rows = rank("", favourites=["XLE"], allowed=lambda s: s in demo)
    assert symbols(rows) == ["XLE", "SPY", "AAPL"]  # the trader's own stay; the list is what opens


def test_sections_group_the_ranked_rows_under_headers() -> None:
    rows = rank("s", favourites=["SPY"], recents=["SPX"])
    groups = sections(rows)
    assert [title for title, _ in groups][:2] == ["Favourites", "Recent"]
    assert {title for title, _ in groups} <= {"Favourites", "Recent", "Indices", "ETFs", "Stocks"}
    assert sorted(s.symbol for _, g in groups for s in g) == sorted(symbols(rows))  # every row once
    assert all([rows.index(s) for s in g] == sorted(rows.index(s) for s in g) for _, g in groups)  # rank order
    assert all(s.category == "etf" for title, g in groups if title == "ETFs" for s in g)
