"""The declarative base every ORM table of the store derives from (kept apart so the table modules
can be split without importing each other)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase

from data.store.types import UtcDateTime


class Base(DeclarativeBase):
    # every datetime column: aware UTC in Python, naive UTC text in the file
    type_annotation_map = {datetime: UtcDateTime}  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
