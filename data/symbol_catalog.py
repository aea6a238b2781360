"""Symbol search without I/O: a built-in list of popular tickers and the ranking of suggestions.

``POPULAR`` (indices, the big ETFs, the most traded stocks, with names and categories) is what
the Ctrl+K box offers offline. ``rank`` merges it with the trader's favourites and recents and
the provider's reference search: favourites first, then recents, then an exact symbol match,
symbol prefixes, company-name words ("nvidia" finds NVDA), then what only the provider matched;
one row per symbol. ``sections`` groups the ranked rows under headers for the list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from data.symbols import SymbolError, normalize_symbol, symbol_kind

if TYPE_CHECKING:  # data.models imports numpy: the box is built before the first paint
    from data.models import SymbolInfo

CATEGORIES = ("index", "etf", "stock")
CATEGORY_TITLES = {"index": "Indices", "etf": "ETFs", "stock": "Stocks"}
DEFAULT_LIMIT = 20
_MIN_NAME_QUERY = 2  # one letter matches half the names: symbols only


@dataclass(frozen=True, slots=True)
class Suggestion:
    symbol: str
    name: str
    category: str  # "index", "etf" or "stock"
    starred: bool = False
    recent: bool = False


def _entries(category: str, rows: str) -> tuple[Suggestion, ...]:
    return tuple(Suggestion(s.strip(), n.strip(), category)
                 for s, n in (line.split("|") for line in rows.strip().splitlines()))


POPULAR: tuple[Suggestion, ...] = _entries("index", """
SPX|S&P 500 Index
NDX|Nasdaq-100 Index
RUT|Russell 2000 Index
DJI|Dow Jones Industrial Average
VIX|Cboe Volatility Index
""") + _entries("etf", """
SPY|SPDR S&P 500 ETF Trust
QQQ|Invesco QQQ Trust
IWM|iShares Russell 2000 ETF
DIA|SPDR Dow Jones Industrial Average ETF
TLT|iShares 20+ Year Treasury Bond ETF
GLD|SPDR Gold Shares
SLV|iShares Silver Trust
XLF|Financial Select Sector SPDR Fund
XLE|Energy Select Sector SPDR Fund
XLK|Technology Select Sector SPDR Fund
XLV|Health Care Select Sector SPDR Fund
XLY|Consumer Discretionary Select Sector SPDR Fund
XLI|Industrial Select Sector SPDR Fund
SMH|VanEck Semiconductor ETF
SOXX|iShares Semiconductor ETF
ARKK|ARK Innovation ETF
HYG|iShares iBoxx High Yield Corporate Bond ETF
EEM|iShares MSCI Emerging Markets ETF
FXI|iShares China Large-Cap ETF
USO|United States Oil Fund
UVXY|ProShares Ultra VIX Short-Term Futures ETF
VXX|iPath Series B S&P 500 VIX Short-Term Futures ETN
TQQQ|ProShares UltraPro QQQ
SQQQ|ProShares UltraPro Short QQQ
KRE|SPDR S&P Regional Banking ETF
XBI|SPDR S&P Biotech ETF
VOO|Vanguard S&P 500 ETF
GDX|VanEck Gold Miners ETF
IBIT|iShares Bitcoin Trust ETF
""") + _entries("stock", """
AAPL|Apple Inc.
MSFT|Microsoft Corp.
NVDA|NVIDIA Corp.
AMZN|Amazon.com Inc.
META|Meta Platforms Inc.
TSLA|Tesla Inc.
GOOGL|Alphabet Inc. Class A
GOOG|Alphabet Inc. Class C
AVGO|Broadcom Inc.
AMD|Advanced Micro Devices Inc.
NFLX|Netflix Inc.
PLTR|Palantir Technologies Inc.
BRK.B|Berkshire Hathaway Inc. Class B
JPM|JPMorgan Chase & Co.
V|Visa Inc.
MA|Mastercard Inc.
UNH|UnitedHealth Group Inc.
LLY|Eli Lilly and Co.
XOM|Exxon Mobil Corp.
CVX|Chevron Corp.
WMT|Walmart Inc.
COST|Costco Wholesale Corp.
HD|Home Depot Inc.
PG|Procter & Gamble Co.
JNJ|Johnson & Johnson
KO|Coca-Cola Co.
PEP|PepsiCo Inc.
MCD|McDonald's Corp.
DIS|Walt Disney Co.
NKE|Nike Inc.
BA|Boeing Co.
CAT|Caterpillar Inc.
GE|GE Aerospace
F|Ford Motor Co.
GM|General Motors Co.
T|AT&T Inc.
VZ|Verizon Communications Inc.
PFE|Pfizer Inc.
MRK|Merck & Co. Inc.
ABBV|AbbVie Inc.
BAC|Bank of America Corp.
WFC|Wells Fargo & Co.
C|Citigroup Inc.
GS|Goldman Sachs Group Inc.
MS|Morgan Stanley
INTC|Intel Corp.
MU|Micron Technology Inc.
QCOM|Qualcomm Inc.
TSM|Taiwan Semiconductor Manufacturing Co.
ARM|Arm Holdings plc
SMCI|Super Micro Computer Inc.
ORCL|Oracle Corp.
CRM|Salesforce Inc.
ADBE|Adobe Inc.
CSCO|Cisco Systems Inc.
IBM|International Business Machines Corp.
UBER|Uber Technologies Inc.
SHOP|Shopify Inc.
PYPL|PayPal Holdings Inc.
COIN|Coinbase Global Inc.
MSTR|Strategy Inc. (MicroStrategy)
HOOD|Robinhood Markets Inc.
SOFI|SoFi Technologies Inc.
BABA|Alibaba Group Holding Ltd.
""")
BY_SYMBOL: dict[str, Suggestion] = {s.symbol: s for s in POPULAR}

_EXACT, _PREFIX, _NAME, _PROVIDER = range(4)  # how a candidate matched the query, best first


def name_words(text: str) -> list[str]:
    """Lower-case words of a name or a query ("McDonald's Corp." -> ["mcdonalds", "corp"])."""
    return re.findall(r"[a-z0-9&]+", text.lower().replace("'", "").replace(".", ""))


def _match(query: str, exact: str | None, words: list[str], item: Suggestion) -> int | None:
    """How ``item`` matches the query (None: not at all)."""
    if item.symbol == exact:
        return _EXACT
    if item.symbol.startswith(query):
        return _PREFIX
    if len(query) >= _MIN_NAME_QUERY and words:
        mine = name_words(item.name)
        if all(any(w.startswith(q) for w in mine) for q in words):
            return _NAME
    return None


def _tier(text: str, exact: str | None, words: list[str], item: Suggestion,
          provider: dict[str, Suggestion]) -> int | None:
    """``_match``, or last when only the provider matched it; everything matches an empty query."""
    tier = _match(text, exact, words, item) if text else _PROVIDER
    return _PROVIDER if tier is None and item.symbol in provider else tier


def _known(symbol: str, results: dict[str, Suggestion]) -> Suggestion:
    """``symbol`` with its name and category from the built-in list, the provider, or its form."""
    found = BY_SYMBOL.get(symbol) or results.get(symbol)
    if found is not None:
        return found
    kind = symbol_kind(symbol).value
    return Suggestion(symbol, "", kind if kind in CATEGORIES else "stock")


def _from_provider(results: Iterable[SymbolInfo]) -> dict[str, Suggestion]:
    """The provider's answers as suggestions (options and unusable tickers left out)."""
    out: dict[str, Suggestion] = {}
    for info in results:
        category = getattr(info.kind, "value", info.kind)
        if category in CATEGORIES and info.symbol not in out:
            out[info.symbol] = Suggestion(info.symbol, info.name or "", category)
    return out


def _exact(query: str) -> str | None:
    try:
        return normalize_symbol(query)
    except SymbolError:
        return None


def rank(query: str, favourites: Sequence[str] = (), recents: Sequence[str] = (),
         results: Iterable[SymbolInfo] = (), limit: int = DEFAULT_LIMIT,
         allowed: Callable[[str], bool] | None = None) -> list[Suggestion]:
    """Suggestions for ``query``: favourites, recents, then the best matches; one per symbol.

    An empty query lists the favourites, the recents, then the popular list. ``allowed`` (the
    running provider's universe) filters the built-in list, never the trader's own symbols."""
    text = query.strip().upper().replace("/", ".").replace("-", ".")
    exact, words = (_exact(text), name_words(query)) if text else (None, [])
    provider = _from_provider(results)
    starred = set(favourites)
    own = [(0, s) for s in dict.fromkeys(favourites)] + [(1, s) for s in dict.fromkeys(recents) if s not in starred]
    scored: list[tuple[int, int, int, Suggestion]] = []  # (group, match, source order, suggestion)
    seen: set[str] = set()
    for order, (group, symbol) in enumerate(own):
        item = _known(symbol, provider)
        if (tier := _tier(text, exact, words, item, provider)) is not None:
            scored.append((group, tier, order, replace(item, starred=group == 0 or symbol in starred,
                                                       recent=group == 1)))
        seen.add(symbol)
    catalog = [s for s in POPULAR if allowed is None or allowed(s.symbol)]
    for order, item in enumerate(catalog + [s for s in provider.values() if s.symbol not in BY_SYMBOL]):
        if item.symbol in seen:
            continue
        if (tier := _tier(text, exact, words, item, provider)) is not None:
            scored.append((2, tier, order, item))
            seen.add(item.symbol)
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored[:max(0, limit)]]


def sections(suggestions: Sequence[Suggestion]) -> list[tuple[str, list[Suggestion]]]:
    """Ranked rows under headers: Favourites, Recent, then each category in order of its best row."""
    groups: dict[str, list[Suggestion]] = {}
    for item in suggestions:
        title = ("Favourites" if item.starred else "Recent" if item.recent
                 else CATEGORY_TITLES.get(item.category, "Stocks"))
        groups.setdefault(title, []).append(item)
    return list(groups.items())
