from datetime import date

from data.market_calendar import SessionState, market_date
from tests.conftest import utc


def test_market_date_is_the_eastern_date_not_utc() -> None:
    # 02:30 UTC on the 25th is still the evening of the 24th in New York.
    assert market_date(utc(2026, 11, 25, 2, 30)) == date(2026, 11, 24)
    assert market_date(utc(2026, 7, 1, 3, 59)) == date(2026, 6, 30)  # EDT: UTC-4
    assert market_date(utc(2026, 7, 1, 4, 0)) == date(2026, 7, 1)


def test_session_states_through_a_normal_day(calendar) -> None:
    day = [(utc(2026, 11, 25, 8, 30), SessionState.CLOSED), (utc(2026, 11, 25, 9, 0), SessionState.PRE),
           (utc(2026, 11, 25, 14, 29), SessionState.PRE), (utc(2026, 11, 25, 14, 30), SessionState.REGULAR),
           (utc(2026, 11, 25, 20, 59), SessionState.REGULAR), (utc(2026, 11, 25, 21, 0), SessionState.AFTER),
           (utc(2026, 11, 26, 0, 59), SessionState.AFTER), (utc(2026, 11, 26, 1, 0), SessionState.CLOSED)]
    assert [calendar.status(t).state for t, _ in day] == [s for _, s in day]


def test_holidays_weekends_and_half_days(calendar) -> None:
    thanksgiving = calendar.status(utc(2026, 11, 26, 16, 0))
    assert thanksgiving.state is SessionState.CLOSED and "Thanksgiving" in thanksgiving.reason
    assert calendar.status(utc(2026, 11, 28, 16, 0)).reason == "weekend"
    friday = calendar.session(date(2026, 11, 27))
    assert friday.is_half_day and friday.close == utc(2026, 11, 27, 18, 0)  # 13:00 ET
    assert calendar.status(utc(2026, 11, 27, 18, 30)).state is SessionState.AFTER
    assert not calendar.is_session(date(2025, 7, 4))
    assert calendar.session(date(2025, 7, 3)).is_half_day
    assert calendar.previous_session(date(2026, 11, 27)).day == date(2026, 11, 25)
    assert calendar.next_session(date(2026, 11, 25)).day == date(2026, 11, 27)


def test_dst_changes_move_the_utc_open(calendar) -> None:
    assert calendar.session(date(2026, 3, 6)).open == utc(2026, 3, 6, 14, 30)  # EST
    assert calendar.session(date(2026, 3, 9)).open == utc(2026, 3, 9, 13, 30)  # EDT


def test_real_half_day_matches_recorded_bars(calendar) -> None:
    """2025-07-03 ends at 13:00 ET; the recorded IBKR file has its last 5-minute bar at 12:55."""
    from tests.conftest import shared_path

    path = shared_path("data", "bars_intraday", "ibkr_rth_5min_2025", "SPY_5min_20250512_20250912.csv")
    rows = [line.split(",")[0] for line in path.read_text().splitlines()[1:] if line.startswith("2025-07-03")]
    assert rows[-1].endswith("12:55:00") and len(rows) == 42
    sessions = {s.day for s in calendar.sessions_between(date(2025, 5, 12), date(2025, 9, 12))}
    recorded = {date.fromisoformat(line[:10]) for line in path.read_text().splitlines()[1:]}
    assert recorded == sessions
