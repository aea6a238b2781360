"""The option maths handed to providers that simulate options (the demo market).

Providers live in ``data``, below ``analytics`` in the layering, so they cannot import the
pricing functions; the engine passes this loader instead (called in a worker thread on first
use, keeping SciPy's import off the event loop).
"""

from __future__ import annotations

from data.providers.demo.options import OptionPricing


def load_option_pricing() -> OptionPricing:
    from analytics.option_time import expiry_times
    from analytics.pricing import bs_greeks, bs_price

    return OptionPricing(bs_price=bs_price, bs_greeks=bs_greeks, expiry_times=expiry_times)
