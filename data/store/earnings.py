"""Earnings events per source: a fetch replaces that source's events in the window it covered
(a date moved by the source is not left behind), queries read by symbols and dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.store.records import EarningsEvent
from data.store.schema import EarningsEventRow

FIELDS = ("timing", "time_et", "fiscal_period", "estimate_eps", "actual_eps", "currency", "status", "name")


def replace_window(session: Session, source: str, start: date, end: date, events: Iterable[EarningsEvent],
                   at: datetime, symbols: Iterable[str] | None = None) -> int:
    """Make ``events`` the ``source``'s events dated ``start``..``end`` (only ``symbols``' when
    given, e.g. one company's history); events of that source outside the window are kept.
    Returns how many were stored (an event outside the window or of another source is skipped)."""
    wanted = None if symbols is None else set(symbols)
    gone = delete(EarningsEventRow).where(EarningsEventRow.source == source, EarningsEventRow.report_date >= start,
                                          EarningsEventRow.report_date <= end)
    if wanted is not None:
        gone = gone.where(EarningsEventRow.symbol.in_(wanted))
    session.execute(gone)
    rows = {}
    for e in events:
        if e.source == source and start <= e.report_date <= end and (wanted is None or e.symbol in wanted):
            rows[(e.symbol, e.report_date)] = EarningsEventRow(
                symbol=e.symbol, report_date=e.report_date, source=source, fetched_at=at,
                **{f: getattr(e, f) for f in FIELDS})
    session.add_all(rows.values())
    session.flush()
    return len(rows)


def events_between(session: Session, symbols: Iterable[str], start: date, end: date,
                   sources: Iterable[str] | None = None) -> list[EarningsEvent]:
    """The stored events of ``symbols`` dated ``start``..``end``, by date, symbol and source."""
    query = select(EarningsEventRow).where(EarningsEventRow.symbol.in_(set(symbols)),
                                           EarningsEventRow.report_date >= start, EarningsEventRow.report_date <= end)
    if sources is not None:
        query = query.where(EarningsEventRow.source.in_(set(sources)))
    rows = session.scalars(query.order_by(EarningsEventRow.report_date, EarningsEventRow.symbol,
                                          EarningsEventRow.source))
    return [_record(r) for r in rows]


def fetched_at(session: Session, source: str, symbols: Iterable[str] | None = None) -> datetime | None:
    """When the newest stored event of ``source`` (of ``symbols``, when given) was fetched."""
    query = select(EarningsEventRow.fetched_at).where(EarningsEventRow.source == source)
    if symbols is not None:
        query = query.where(EarningsEventRow.symbol.in_(set(symbols)))
    return session.scalar(query.order_by(EarningsEventRow.fetched_at.desc()).limit(1))


def _record(row: EarningsEventRow) -> EarningsEvent:
    return EarningsEvent(row.symbol, row.report_date, row.timing, row.source, time_et=row.time_et,
                         fiscal_period=row.fiscal_period, estimate_eps=row.estimate_eps, actual_eps=row.actual_eps,
                         currency=row.currency, status=row.status, name=row.name)
