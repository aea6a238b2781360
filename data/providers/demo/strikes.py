"""Listed strikes and open interest of the demo chains, shaped after real Cboe chains.

Strikes (checked against the Cboe exports in ``../shared/data/option_chains``): the usual
increment near the money in every expiry — weeklies as dense as monthlies (SPX 5 points,
SPY/QQQ $1, a $275 stock $2.50) — out to ±max(2.5σ√T, 6 % index / 8 % ETF / 12 % stock), then
a wider increment (SPX 25, SPY $5, stocks twice the fine one) far into the wings, further on
the put side for indices. Expiries more than ~4 months out list the coarser increments only.

Open interest is what a GEX reader expects to see: set overnight (a function of the session
and the prior close, never of the live spot, so it does not move minute to minute), spread
over strikes and expiries — monthlies and quarterlies carry the most, a daily (0DTE) expiry
little — calls OTM above the money, puts (more of them, for indices) further OTM below, more
at round strikes, each contract with its own stable noise.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from data.providers.demo.profiles import SymbolProfile
from data.symbols import SymbolKind, symbol_kind

_INCREMENTS = (0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0)
_FINE_BAND = {SymbolKind.INDEX: 0.06, SymbolKind.ETF: 0.08, SymbolKind.STOCK: 0.12}
_WINGS = {SymbolKind.INDEX: (0.40, 0.15), SymbolKind.ETF: (0.25, 0.15), SymbolKind.STOCK: (0.60, 0.60)}
LONG_DATED_YEARS = 0.33  # beyond this, only the coarser increments are listed

# Total open interest (contracts) of a symbol's chain: indices near published figures, ETFs
# and stocks from their share volume (SPY ~18M contracts, NVDA ~11M, as in the Cboe files).
# SPX holds 13-20M in the Cboe files at 4500-6000; 10M at 6800 gives their gross gamma and a
# net GEX of a few $B to ~$25B per 1 % (tests/data/test_demo_gex.py).
_INDEX_OI = {"SPX": 10e6, "NDX": 0.3e6, "RUT": 1.5e6, "DJI": 0.05e6, "VIX": 8e6}
_TYPE_WEIGHT = {"daily": 0.5, "weekly": 0.8, "monthly": 1.6, "quarterly": 2.6}
_TYPICAL_WEIGHT = {True: 28.0, False: 16.0}  # Σ expiry weights of a listing (daily-expiry symbols, others)
_PUT_SHAPE = {SymbolKind.INDEX: (0.74, 1.2), SymbolKind.ETF: (0.74, 1.0)}  # (near-money, far hedges) per call


def strike_step(price: float, symbol: str) -> float:
    """The fine (near-the-money) increment, as listed at this price."""
    if symbol in ("SPX", "NDX", "RUT", "DJI"):
        return 5.0 if price < 10_000 else 10.0
    if symbol_kind(symbol) is SymbolKind.INDEX:
        return 1.0 if price < 100 else 5.0
    if symbol_kind(symbol) is SymbolKind.ETF:
        return 1.0 if price < 1_000 else 5.0  # SPY/QQQ/IWM list dollar strikes
    for limit, step in ((25, 0.5), (200, 1.0), (500, 2.5), (1_000, 5.0)):
        if price < limit:
            return step
    return 10.0


def _wider(step: float, kind: SymbolKind) -> float:
    """The wing increment: the standard one at least four times the fine one for indices and ETFs
    (SPX 5 → 25, SPY 1 → 5, NDX 25 → 100), the next one up (×2 to ×2.5) for stocks."""
    factor = 1.5 if kind is SymbolKind.STOCK else 4.0
    return next((s for s in _INCREMENTS if s >= step * factor), step * 2.0 * factor)


def list_strikes(profile: SymbolProfile, reference: float, years: float) -> np.ndarray:
    """The strikes of one expiry, around the prior close ``reference`` (fixed for the day)."""
    kind = symbol_kind(profile.symbol)
    fine = strike_step(reference, profile.symbol)
    if kind is SymbolKind.INDEX and reference >= 10_000 and years > 14 / 365:
        fine *= 2.5  # NDX: 10-point strikes for two weeks, 25 beyond (Cboe NDX chain)
    wide = _wider(fine, kind)
    if years > LONG_DATED_YEARS:
        fine, wide = wide, _wider(wide, kind)
    sd = profile.annual_vol * math.sqrt(max(years, 7 / 365))
    near = min(max(2.5 * sd, _FINE_BAND[kind]) * reference, 150 * fine)
    down_min, up_min = _WINGS[kind]
    up = min(max(5.0 * sd, up_min), 0.8) * reference
    down = min(max(5.0 * sd, down_min), 0.8) * reference
    dense = _dense_grid(reference, fine, wide, near)
    wings = _grid(reference, wide, -down, up)
    # Wings only beyond the fine grid as listed (no $182.50 between $182 and $183): filtering
    # against the exact reference dropped a wing strike the rounded fine grid did not reach
    # (Ford: 12.5, then 14 — no 13).
    wings = wings[(wings < dense[0]) | (wings > dense[-1])]
    strikes = np.concatenate([dense, wings])
    strikes = np.unique(np.round(strikes, 4))
    return strikes[strikes > 0]


def _dense_grid(reference: float, fine: float, wide: float, near: float) -> np.ndarray:
    """The fine grid out to ±``near``, each end carried on to a strike both increments list
    (110, 111 … 114, 115, then 117.5 — never 112, 112.5, 115 nor a gap before the wings)."""
    cents = math.lcm(round(fine * 100), round(wide * 100)) / 100
    centre = round(reference / fine) * fine
    lo = math.floor((centre - near) / cents + 1e-9) * cents
    hi = math.ceil((centre + near) / cents - 1e-9) * cents
    return lo + fine * np.arange(round((hi - lo) / fine) + 1)


def _grid(reference: float, step: float, lo: float, hi: float) -> np.ndarray:
    centre = round(reference / step) * step
    return centre + step * np.arange(math.ceil(lo / step), math.floor(hi / step) + 1)


def expiry_kind(expiry: date, is_session) -> str:
    """daily / weekly (a week's last session) / monthly (third Friday, or the Thursday before a
    holiday Friday) / quarterly (a March, June, September or December monthly)."""
    first = date(expiry.year, expiry.month, 1)
    third_friday = first + timedelta(days=(4 - first.weekday()) % 7 + 14)
    if expiry == third_friday or (expiry == third_friday - timedelta(days=1) and not is_session(third_friday)):
        return "quarterly" if expiry.month % 3 == 0 else "monthly"
    next_day = expiry + timedelta(days=1)
    week_ends = expiry.weekday() == 4 or (next_day.weekday() == 4 and not is_session(next_day))
    return "weekly" if week_ends else "daily"


def total_open_interest(profile: SymbolProfile) -> float:
    if profile.symbol in _INDEX_OI:
        return _INDEX_OI[profile.symbol]
    per_share = 0.3 if symbol_kind(profile.symbol) is SymbolKind.ETF else 0.06
    return per_share * profile.daily_volume


def expiry_open_interest(profile: SymbolProfile, kind: str, years: float, root_share: float,
                         daily_listed: bool) -> float:
    """Contracts open in one expiry (one root): its type's share of the symbol's total, less for
    far-dated expiries (OI builds as an expiry nears)."""
    share = _TYPE_WEIGHT[kind] * root_share / (1.0 + 0.7 * years) / _TYPICAL_WEIGHT[daily_listed]
    return total_open_interest(profile) * share


def strike_weights(profile: SymbolProfile, reference: float, strike: np.ndarray, is_call: np.ndarray,
                   years: float, noise: np.ndarray) -> np.ndarray:
    """Relative OI of one expiry's contracts (sums to 1).

    Calls and puts share one broad bell around the money (so the net gamma changes slowly with
    spot: a call-heavy side above and a put-heavy side below made the demo's total GEX swing
    ~15 %/1 % move), puts add far-OTM hedges (index put/call OI ~1.65, as in the Cboe files);
    round strikes are heavier, and the round strikes OTM on each side — calls above, puts below,
    where covered calls and protective puts are written — heavier still: the call and put walls.
    σ is at least 45 days' move, so a 0DTE expiry's OI (opened over the days it was listed) is
    not all at the money. A stock's OI is tilted out of the money on each side — calls above
    spot, puts below, as in the Cboe AMD and TSLA chains — so its net GEX flips near spot."""
    sd = profile.annual_vol * math.sqrt(max(years, 45 / 365))
    x = np.log(strike / reference) / sd
    bell = np.exp(-0.5 * (x / 1.3) ** 2)
    near_puts, hedges = _PUT_SHAPE.get(symbol_kind(profile.symbol), (0.7, 0.3))
    calls, puts = bell, near_puts * bell
    if symbol_kind(profile.symbol) is SymbolKind.STOCK:  # covered calls above, protective puts below (Cboe AMD, TSLA)
        otm_call = 1.0 / (1.0 + np.exp(-x / 0.35))
        calls, puts = bell * (0.2 + 0.8 * otm_call), bell * (0.2 + 0.8 * (1.0 - otm_call))
    puts = puts + hedges * np.exp(-0.5 * (x + 2.5) ** 2)
    ratio = np.round(strike / strike_step(reference, profile.symbol)).astype(np.int64)
    roundness = np.select([ratio % 20 == 0, ratio % 10 == 0, ratio % 5 == 0], [1.8, 1.4, 1.2], 1.0)
    otm = np.abs(x)
    written = (ratio % 20 == 0) & (otm > 0.15) & (otm < 1.5) & np.where(is_call, x > 0, x < 0)
    weight = np.where(is_call, calls, puts) * np.where(written, 2.5 * roundness, roundness) * noise
    total = weight.sum()
    return weight / total if total > 0 else weight


def contract_noise(seed: int, symbol_key: int, session_day: date, strike: np.ndarray, is_call: np.ndarray,
                   expiry: np.ndarray) -> np.ndarray:
    """A stable lognormal-like factor per contract (a hash of its terms, the seed and the day),
    so the same contract has the same OI whichever slice of the chain is asked for."""
    days = expiry.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    salt = float((seed * 7919 + symbol_key % 100_003 + session_day.toordinal()) % 1_000_003)
    h = np.sin(strike * 12.9898 + days * 78.233 + is_call * 37.719 + salt * 0.618) * 43758.5453
    u = h - np.floor(h)  # uniform in [0, 1)
    return np.exp(0.8 * (u - 0.5))


def volume_weights(profile: SymbolProfile, spot: float, strike: np.ndarray, years: float,
                   noise: np.ndarray) -> np.ndarray:
    """Relative volume of one expiry's contracts (sums to 1): traded near the money — a 0DTE
    expiry's within about ±1 % (the Cboe SPX/SPY same-day chains trade 85-95 % within ±2 %) —
    with a thin tail of cheap wings; volume followed OI, so $0.03 wings out-traded the money."""
    width = profile.annual_vol * math.sqrt(max(years, 1 / 365))
    x = np.log(strike / spot) / width
    weight = (np.exp(-0.5 * x * x) + 0.02 * np.exp(-0.5 * (x / 4.0) ** 2)) * noise
    total = weight.sum()
    return weight / total if total > 0 else weight
