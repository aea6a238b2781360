"""When an alert is far enough from the price to ask before setting it.

An alert at 5,000 on SPY trading at 595 is a typo (SPX's level, an extra digit) far more often
than a plan: no symbol the app follows moves 20 % in a session outside a crash (SPY's daily
1σ is about 1 %, a single stock's a few %), so beyond that the trader is asked once. Below
the threshold nothing is asked: a question on every alert would be clicked through unread.
Without a last price (no quote yet) there is nothing to compare with, and nothing is asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FAR_FRACTION = 0.20  # |alert / last - 1| beyond which the trader confirms


@dataclass(frozen=True, slots=True)
class FarAlert:
    symbol: str
    last: float
    price: float

    @property
    def distance(self) -> float:
        """How far the alert is from the last price, as a fraction of it (7.4 = 740 %)."""
        return abs(self.price / self.last - 1.0)

    def question(self) -> str:
        return (f"{self.symbol} is at {self.last:,.2f}; an alert at {self.price:,.2f} is "
                f"{100 * self.distance:,.0f} % away. Set it anyway?")


def far_alert(symbol: str, price: float, last: float | None, threshold: float = FAR_FRACTION) -> FarAlert | None:
    """The question to ask about an alert at ``price`` on ``symbol`` last traded at ``last``,
    or None when it is within ``threshold`` of it or the last price is unknown."""
    if last is None or not (math.isfinite(last) and last > 0 and math.isfinite(price)):
        return None
    far = FarAlert(symbol, last, price)
    return far if far.distance > threshold else None
