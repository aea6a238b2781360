"""Each release kind's default impact rating and title, for the index-options audience.

High: FOMC decision and press conference, CPI, NFP (Employment Situation), PCE (Personal Income
and Outlays), GDP, retail sales. Medium: PPI, JOLTS, ISM, jobless claims, FOMC minutes, Fed-chair
speeches. Low: the rest. FRED does not tell the GDP advance estimate from the second and third, so
every GDP release is rated High.
"""

from __future__ import annotations

HIGH, MEDIUM, LOW = "high", "medium", "low"

IMPACT: dict[str, str] = {
    "fomc": HIGH, "fomc_press": HIGH, "cpi": HIGH, "nfp": HIGH, "pce": HIGH, "gdp": HIGH, "retail_sales": HIGH,
    "ppi": MEDIUM, "jolts": MEDIUM, "ism": MEDIUM, "claims": MEDIUM, "fomc_minutes": MEDIUM, "fed_chair": MEDIUM,
}

TITLES: dict[str, str] = {
    "fomc": "FOMC rate decision", "fomc_press": "FOMC press conference", "fomc_minutes": "FOMC minutes",
    "cpi": "Consumer Price Index (CPI)", "ppi": "Producer Price Index (PPI)",
    "nfp": "Employment Situation (NFP)", "claims": "Initial jobless claims", "retail_sales": "Retail sales",
    "gdp": "Gross domestic product (GDP)", "pce": "Personal income and outlays (PCE)",
    "jolts": "Job openings (JOLTS)", "ism": "ISM manufacturing PMI", "fed_chair": "Fed chair speech",
    "eci": "Employment Cost Index", "import_prices": "Import and export prices",
}

# the kind whose past days an event's impact is measured on (the press conference is the decision's day)
IMPACT_KIND: dict[str, str] = {"fomc_press": "fomc"}


def impact_of(kind: str) -> str:
    """``kind``'s default rating: high, medium or low (any kind not listed is low)."""
    return IMPACT.get(kind, LOW)


def title_of(kind: str) -> str:
    return TITLES.get(kind, kind.replace("_", " ").capitalize())
