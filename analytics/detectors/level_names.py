"""How a key level is called in an evidence sentence ("opening-range low", not "or_low")."""

from __future__ import annotations

LEVEL_NAMES = {
    "prior_high": "the prior-day high", "prior_low": "the prior-day low", "prior_close": "the prior close",
    "premarket_high": "the pre-market high", "premarket_low": "the pre-market low",
    "pivot": "the pivot", "r1": "the R1 pivot", "s1": "the S1 pivot", "r2": "the R2 pivot", "s2": "the S2 pivot",
    "or_high": "the opening-range high", "or_low": "the opening-range low",
}


def level_name(key: str) -> str:
    return LEVEL_NAMES.get(key, key.replace("_", " "))
