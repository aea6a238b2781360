"""Column types of the store: the one place datetimes cross between aware UTC and the file.

The file keeps naive UTC text (SQLAlchemy's ``DateTime`` format, as every migration created
it), so no migration is needed; Python code only ever sees aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect, event
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


def as_utc(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC; a naive one is refused (it would be taken as local time, hours off)."""
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the store needs an aware datetime, got the naive {moment.isoformat()}")
    return moment.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware in, aware UTC out; stored as naive UTC exactly like a plain ``DateTime``."""

    impl = DateTime
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if utc is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def _utc_on_set(_target: object, value: datetime | None, _old: object, _initiator: object) -> datetime | None:
    return as_utc(value)


def normalise_on_assignment(base: type[DeclarativeBase]) -> None:
    """Check and convert ``UtcDateTime`` attributes when they are set, not at flush: a naive
    value fails where it is assigned (a plain ValueError, not one wrapped in a flush error), and
    a freshly created row hands back aware UTC like a loaded one."""
    for mapper in base.registry.mappers:
        for attr in mapper.column_attrs:
            if any(isinstance(col.type, UtcDateTime) for col in attr.columns):
                event.listen(attr.class_attribute, "set", _utc_on_set, retval=True)
