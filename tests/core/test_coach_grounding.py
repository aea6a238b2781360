"""The grounding check: every number of a reply is found in the tool results or the question."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.coach.grounding import MARK_CLOSE, MARK_OPEN, check, numbers_in, source_values

RESULT = json.dumps({"symbol": "SPX", "spot": 6626.12, "regime": "positive gamma", "total": 2558001655.0,
                     "flip": 6612.5, "call_wall": 6650.0, "put_wall": 6600.0, "used_pct": 63.69, "iv": 0.2534,
                     "change": -12.75, "levels": [6600.0, 6650.0], "note": "IV rank 42 over 252 sessions"})
QUESTION = "Is SPX above 6,640 and how much of the 1.5B flow is left?"


def ungrounded(reply: str, *sources: str) -> tuple[str, ...]:
    return check(reply, sources or (RESULT, QUESTION)).ungrounded


def test_numbers_in_the_tool_results_and_the_question_are_grounded() -> None:
    reply = ("SPX at $6,626.12 is in positive gamma ($2.56B per 1% move; 2.6 billion; 2,558,001,655). Flip 6,612.50, "
             "walls 6,600–6,650, used 63.7% (63.69%), IV 25.34% or 25%, change −12.75 (-12.8), ±12.75. "
             "Above 6,640? The 1.5B is the question's; IV rank 42 over 252 sessions.")
    g = check(reply, (RESULT, QUESTION))
    assert g.ungrounded == () and g.marked == reply
    assert g.numbers >= 15


def test_invented_numbers_are_listed_as_written_and_marked() -> None:
    g = check("The flip is 6,712.50 and the call wall $6,650; expect a 1.2% move and 3.5B of gamma.",
              (RESULT, QUESTION))
    assert g.ungrounded == ("6,712.50", "1.2%", "3.5B")
    assert g.numbers == 4
    assert g.marked == (f"The flip is {MARK_OPEN}6,712.50{MARK_CLOSE} and the call wall $6,650; expect a "
                        f"{MARK_OPEN}1.2%{MARK_CLOSE} move and {MARK_OPEN}3.5B{MARK_CLOSE} of gamma.")


def test_a_sign_is_part_of_the_number_a_range_dash_is_not() -> None:
    assert ungrounded("down −14.25 today") == ("−14.25",)
    assert ungrounded("between 6,600-6,700") == ("6,700",)
    assert ungrounded("range 6,600 – 6,650") == ()


def test_rounding_follows_the_decimals_written() -> None:
    assert ungrounded("6,626") == () and ungrounded("6,626.1") == ()
    assert ungrounded("6,626.2") == ("6,626.2",)
    assert ungrounded("6,630") == ("6,630",)  # a round number alone is taken as written
    assert ungrounded("about 6,600") == () and ungrounded("~6,630") == ()
    assert ungrounded("2.56B") == () and ungrounded("2.5B") == ("2.5B",) and ungrounded("$2,558M") == ()


def test_percent_and_basis_point_forms() -> None:
    assert ungrounded("IV is 25.3%", RESULT) == ()  # 0.2534 as a percentage
    assert ungrounded("63.69 percent", RESULT) == ()
    assert ungrounded("a 25bp cut", '{"cut": 0.25}') == ()  # 0.25 percent
    assert ungrounded("a 25 bps cut", '{"cut": 0.0025}') == ()
    assert ungrounded("a 30bp cut", '{"cut": 0.25}') == ("30bp",)


def test_dates_times_years_labels_list_markers_and_small_counts_are_not_checked() -> None:
    reply = ("1. On Dec 4, 2026 at 10:30 ET (2026-12-04, 12/04) the 0DTE R1 and S2 levels, Q3 and the 25Δ skew, "
             "the 30-day IV and the 2nd target: I used 2 tools, 3 ideas, #7 in 2027.\n2) 4pm close, 1st of "
             "December 4th")
    g = check(reply, ())
    assert g.numbers == 0 and g.ungrounded == () and g.marked == reply
    assert [n.text for n in numbers_in("11 setups, 4.5 points, $3")] == ["11", "4.5", "$3"]


def test_sources_are_read_as_json_where_they_are_json() -> None:
    values = source_values(['{"levels": [1,200,300]}', "[6600, 6650.5]", "a text with 1,200 and 3.5K", ""])
    assert {1.0, 200.0, 300.0, 6600.0, 6650.5, 1200.0, 3500.0} <= values
    assert 1200300.0 not in values  # a JSON list is not a thousands separator


def test_an_empty_reply_has_no_numbers() -> None:
    g = check("", (RESULT,))
    assert (g.numbers, g.ungrounded, g.marked) == (0, (), "")


def _written(value: float, form: int, decimals: int) -> str:
    if form == 0:
        return f"{value:,.{decimals}f}"
    if form == 1:
        return f"${value:,.{decimals}f}"
    if form == 2:
        return f"{value * 100:.{decimals}f}%"  # a fraction in the source, a percentage in the reply
    return f"{value / 1e9:.{decimals}f}B"


values = st.floats(min_value=0.01, max_value=5e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=values, form=st.integers(0, 3), decimals=st.integers(0, 3), negative=st.booleans())
def test_a_number_written_from_a_source_value_always_grounds(value: float, form: int, decimals: int,
                                                             negative: bool) -> None:
    source = json.dumps({"x": -value if negative else value})
    text = _written(value, form, decimals)
    reply = f"The level is {'−' if negative else ''}{text} now."
    assert check(reply, [source]).ungrounded == ()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources=st.lists(st.floats(min_value=0.01, max_value=1e7, allow_nan=False), min_size=1, max_size=20),
       value=st.floats(min_value=11, max_value=1e7, allow_nan=False))
def test_a_number_far_from_every_source_never_grounds(sources: list[float], value: float) -> None:
    if any(abs(value - s) < 1 or abs(value - 100 * s) < 1 for s in sources):
        return  # near a source value (or its percentage): not a far number
    reply = f"It sits at {value:,.2f} today."
    g = check(reply, [json.dumps(sources)])
    assert g.ungrounded == (f"{value:,.2f}",)
    assert MARK_OPEN + f"{value:,.2f}" + MARK_CLOSE in g.marked
