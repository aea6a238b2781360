"""Expirations an export leaves out, synthesised so expired contracts do not stay open forever.

Webull writes no expiration or assignment rows (its options sample leaves 89 contracts open past
their expiry); thinkorswim and IBKR do. ``synthetic_expirations`` replays the executions per
account and contract and, for every contract still held after its expiry date (before ``as_of``),
returns the executions that settle it, at 16:00 New York time on the expiry date:

* **cash-settled index options** (SPX, SPXW, XSP, NDX, NDXP, RUT, VIX, VIXW, …): an ``expiration``
  fill at the intrinsic value from ``settle(symbol, expiry)`` (the settlement print), 0 when it is
  unknown or out of the money;
* **equity options**: out of the money (or ``settle`` unknown) → ``expiration`` at 0; in the money →
  ``assignment`` (short) / ``exercise`` (long) at 0 for the option plus the stock delivery at the
  strike (quantity × multiplier shares: a long call or a short put buys, a long put or a short call
  sells), the way analytics.journal_trades books them.

Every synthetic execution's exec_id starts with ``assumed:`` so the journal can say "assumed,
confirm" next to it; importing the broker's own row later replaces nothing by itself (the caller
decides). ``settle`` is the underlying's official close of the expiry day (None when unknown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time

from data.market_calendar import ET
from data.store.records import Execution
from data.symbols import AM_SETTLED_ROOTS

CASH_SETTLED = frozenset({"SPX", "SPXW", "XSP", "NDX", "NDXP", "RUT", "RUTW", "VIX", "VIXW", "DJX", "XEO", "OEX"})
ASSUMED = "assumed:"
EPS = 1e-9


def _held(executions: Iterable[Execution]) -> dict[tuple[str, str], tuple[float, Execution]]:
    """(account, contract) -> (signed contracts held at the end, the last execution of it)."""
    held: dict[tuple[str, str], float] = defaultdict(float)
    last: dict[tuple[str, str], Execution] = {}
    for ex in sorted(executions, key=lambda e: e.time):
        if ex.instrument != "option" or ex.expiry is None:
            continue
        key = (ex.account, ex.occ or ex.symbol)
        if ex.kind == "trade":
            held[key] += ex.quantity if ex.side == "buy" else -ex.quantity
        else:  # expiration / assignment / exercise: closes what is held, whatever the row's sign
            pos = held[key]
            held[key] = pos - min(ex.quantity, abs(pos)) * (1 if pos > 0 else -1)
        last[key] = ex
    return {key: (pos, last[key]) for key, pos in held.items() if abs(pos) > EPS}


Settle = Callable[[str, date], float | None]


def synthetic_expirations(executions: Iterable[Execution], as_of: date, settle: Settle | None = None, *,
                          settle_am: Settle | None = None, skip_unknown: bool = False) -> list[Execution]:
    """The executions settling every contract held past its expiry (expiry < ``as_of``).

    An AM-settled root (the SPX monthly) settles on the expiry day's opening print: ``settle_am``
    gives it (``settle`` when not given). ``skip_unknown`` leaves a contract whose settlement is
    unknown held, instead of assuming it expired worthless."""
    out: list[Execution] = []
    for (account, contract), (pos, ref) in sorted(_held(executions).items()):
        if ref.expiry >= as_of:
            continue
        source = settle_am if settle_am is not None and _root(ref).upper() in AM_SETTLED_ROOTS else settle
        price = source(ref.symbol, ref.expiry) if source is not None else None
        if price is None and skip_unknown:
            continue
        out.extend(_settlement(ref, account, contract, pos, price))
    return out


def _root(ref: Execution) -> str:
    # OCC: the root (space-padded to 6 in the padded form) + 15 characters
    return (ref.occ[:-15] if ref.occ and len(ref.occ) > 15 else ref.symbol).strip()


def _intrinsic(ref: Execution, price: float | None) -> float:
    if price is None or ref.strike is None:
        return 0.0
    return max(0.0, (price - ref.strike) if ref.is_call else (ref.strike - price))


def _settlement(ref: Execution, account: str, contract: str, pos: float, price: float | None) -> list[Execution]:
    when = datetime.combine(ref.expiry, time(16, 0), tzinfo=ET).astimezone(UTC)
    qty = abs(pos)
    closing = "sell" if pos > 0 else "buy"
    base = dict(broker=ref.broker, account=account, time=when, symbol=ref.symbol, quantity=qty, fees=0.0,
                instrument="option", occ=ref.occ, expiry=ref.expiry, is_call=ref.is_call, strike=ref.strike,
                multiplier=ref.multiplier, effect="close")
    value = _intrinsic(ref, price)
    if _root(ref).upper() in CASH_SETTLED or ref.symbol.upper() in CASH_SETTLED or value <= 0:
        return [Execution(exec_id=f"{ASSUMED}expiration:{account}:{contract}", side=closing, price=value,
                          kind="expiration", **base)]
    kind = "exercise" if pos > 0 else "assignment"
    order = f"{ASSUMED}{kind}:{account}:{contract}"
    buys_stock = (pos > 0) == bool(ref.is_call)  # long call / short put take the shares
    shares = dict(base, instrument="stock", occ=None, expiry=None, is_call=None, strike=None, multiplier=1,
                  quantity=qty * ref.multiplier, effect=None)
    return [Execution(exec_id=order, side=closing, price=0.0, kind=kind, order_id=order, **base),
            Execution(exec_id=f"{order}:stock", side="buy" if buys_stock else "sell", price=float(ref.strike),
                      kind=kind, order_id=order, **shares)]
