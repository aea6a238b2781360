"""One place that turns user text into a valid symbol, or says clearly why it is not one.

Equities: 1-5 letters with an optional one-letter class suffix (``BRK.B``; ``BRK/B`` and
``BRK-B`` are accepted and normalized to the dot form). Indices: a fixed set that providers map
to their own index tickers (``SPX`` -> ``I:SPX``). Options: OCC symbols
(``SPXW  250117C05900000`` or compact ``O:SPXW250117C05900000``), parsed from the right.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from enum import Enum


class SymbolError(ValueError):
    """Input that is not a valid symbol; the message is meant for the user."""


class SymbolKind(str, Enum):
    STOCK = "stock"
    ETF = "etf"
    INDEX = "index"
    OPTION = "option"


INDEX_SYMBOLS: frozenset[str] = frozenset({"SPX", "NDX", "RUT", "VIX", "DJI"})
# Common ETFs so the UI can group them; any other valid ticker is treated as a stock.
KNOWN_ETFS: frozenset[str] = frozenset(
    {"SPY", "QQQ", "IWM", "DIA", "TLT", "GLD", "SLV", "XLF", "XLE", "XLK", "SMH", "UVXY", "VXX",
     "TQQQ", "SQQQ", "ARKK", "HYG", "EEM", "USO"}
)
# Roots whose options settle on the index (SPXW = weekly/daily SPX).
OPTION_ROOT_UNDERLYING: dict[str, str] = {"SPXW": "SPX", "NDXP": "NDX", "RUTW": "RUT", "VIXW": "VIX"}
# Roots of the AM-settled index monthlies (settled on the opening print; SPXW & co. settle PM).
AM_SETTLED_ROOTS: frozenset[str] = frozenset({"SPX", "NDX", "RUT", "VIX", "XSP"})

# ASCII only, explicitly: ``\d``/``str.isdigit`` accept Arabic-Indic or fullwidth digits, and
# ``str.upper`` turns look-alikes into Latin letters ("ﬀ" -> "FF", dotless "ı" -> "I").
_EQUITY_RE = re.compile(r"[A-Z]{1,5}(?:\.[A-Z])?", re.ASCII)
_OCC_TAIL_RE = re.compile(r"([0-9]{6})([CP])([0-9]{8})\Z", re.ASCII)
_ROOT_RE = re.compile(r"[A-Z]{1,6}[0-9]?", re.ASCII)
_TICKER_CHARS = frozenset(string.ascii_uppercase + ".")
_MAX_INPUT = 32


@dataclass(frozen=True, slots=True)
class OptionSymbol:
    root: str
    underlying: str
    expiry: date
    is_call: bool
    strike: float

    @property
    def occ(self) -> str:
        """The padded 21-character OCC form."""
        return f"{self.root:<6}{self.expiry:%y%m%d}{'C' if self.is_call else 'P'}{round(self.strike * 1000):08d}"

    @property
    def compact(self) -> str:
        """Provider-style ticker without padding, e.g. ``O:SPXW250117C05900000``."""
        return f"O:{self.occ.replace(' ', '')}"


def normalize_symbol(text: str) -> str:
    """Return the canonical equity/index/option symbol for ``text`` or raise SymbolError."""
    if not isinstance(text, str):
        raise SymbolError("A symbol must be text.")
    raw = text.strip().upper()
    if not raw:
        raise SymbolError("Enter a symbol, e.g. SPY, AAPL, SPX or BRK.B.")
    if len(raw) > _MAX_INPUT:
        raise SymbolError(f"'{text.strip()[:_MAX_INPUT]}…' is too long to be a symbol.")
    _require_ascii(text)
    if raw.startswith("I:"):
        raw = raw[2:]
        if raw not in INDEX_SYMBOLS:
            raise SymbolError(f"'{raw}' is not a supported index ({', '.join(sorted(INDEX_SYMBOLS))}).")
        return raw
    if raw.startswith("$") and raw[1:] in INDEX_SYMBOLS:
        return raw[1:]
    if raw.startswith("O:") or _OCC_TAIL_RE.search(raw.replace(" ", "")):
        return parse_option_symbol(raw).occ.replace(" ", "")
    candidate = raw.replace("/", ".").replace("-", ".")
    if _EQUITY_RE.fullmatch(candidate):
        return candidate
    bad = sorted({c for c in candidate if c not in _TICKER_CHARS})
    if bad:
        shown = " ".join("space" if c == " " else c if c.isprintable() else repr(c) for c in bad)
        raise SymbolError(f"'{text.strip()}' contains characters a ticker cannot have: {shown}")
    raise SymbolError(
        f"'{text.strip()}' is not a valid ticker: use 1-5 letters, optionally with a class "
        "letter such as BRK.B."
    )


def _require_ascii(text: str) -> None:
    """Refuse non-ASCII before ``upper()`` can fold a look-alike into a valid ticker."""
    odd = sorted({c for c in text.strip() if not c.isascii()})
    if odd:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in odd[:4]) + (" …" if len(odd) > 4 else "")
        raise SymbolError(f"'{text.strip()}' has characters that only look like letters or digits: {shown}. "
                          "Type symbols with plain A-Z and 0-9.")


def parse_option_symbol(text: str) -> OptionSymbol:
    """Parse an OCC option symbol from the right: 6-digit date, C/P, 8-digit strike x1000."""
    if not isinstance(text, str):
        raise SymbolError("An option symbol must be text.")
    _require_ascii(text)
    raw = text.strip().upper()
    if raw.startswith("O:"):
        raw = raw[2:]
    compact = raw.replace(" ", "")
    match = _OCC_TAIL_RE.search(compact)
    if not match:
        raise SymbolError(f"'{text.strip()}' is not an OCC option symbol (ROOT YYMMDD C/P STRIKE×1000).")
    root = compact[: match.start()]
    if not _ROOT_RE.fullmatch(root):
        raise SymbolError(f"'{root or text.strip()}' is not a valid option root.")
    yymmdd, cp, strike_digits = match.groups()
    try:
        expiry = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError as exc:
        raise SymbolError(f"'{text.strip()}' has an impossible expiry date {yymmdd}.") from exc
    strike = int(strike_digits) / 1000.0
    if strike <= 0:
        raise SymbolError(f"'{text.strip()}' has a zero strike.")
    underlying = OPTION_ROOT_UNDERLYING.get(root, root.rstrip("0123456789"))
    return OptionSymbol(root=root, underlying=underlying, expiry=expiry, is_call=cp == "C", strike=strike)


def symbol_kind(symbol: str) -> SymbolKind:
    """Classify an already-normalized symbol."""
    if symbol in INDEX_SYMBOLS:
        return SymbolKind.INDEX
    if symbol in KNOWN_ETFS:
        return SymbolKind.ETF
    if _OCC_TAIL_RE.search(symbol):
        return SymbolKind.OPTION
    return SymbolKind.STOCK

