"""Files attached to journal trades (chart screenshots): the bytes stored once by their SHA-256
(a later sync uploads each blob once), an attachment row per trade and blob.

Each function is one transaction when called through ``store.run``: a killed save leaves the
trade without the screenshot or with it whole, never a row without its bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from data.store.records import TradeAttachment
from data.store.schema import BlobRow, TradeAttachmentRow

PNG = "image/png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 8 * 1024 * 1024
MAX_CAPTION = 200


class AttachmentError(ValueError):
    """An attachment that cannot be stored or found; message for the trader."""


def check_png(data: bytes) -> None:
    if not data.startswith(PNG_SIGNATURE):
        raise AttachmentError("Only PNG images can be attached to a trade (this is not a PNG file).")
    if len(data) > MAX_BYTES:
        raise AttachmentError(f"The image is {len(data) / 1024 / 1024:.1f} MB; a trade's screenshot can be at most "
                              f"{MAX_BYTES // 1024 // 1024} MB.")


def _columns() -> tuple:
    return (TradeAttachmentRow.id, TradeAttachmentRow.trade_id, TradeAttachmentRow.sha256, BlobRow.media_type,
            BlobRow.size, TradeAttachmentRow.caption, TradeAttachmentRow.created_at)


def _listed(session: Session, *where) -> list[TradeAttachment]:
    query = (select(*_columns()).join(BlobRow, BlobRow.sha256 == TradeAttachmentRow.sha256).where(*where)
             .order_by(TradeAttachmentRow.created_at, TradeAttachmentRow.id))
    return [TradeAttachment(*row) for row in session.execute(query)]


def add(session: Session, trade_id: str, data: bytes, caption: str, at: datetime) -> TradeAttachment:
    """Attach the PNG ``data`` to ``trade_id``: its blob once, by hash; the same image twice on one
    trade adds nothing (the attachment already there comes back, its caption kept)."""
    check_png(data)
    if not trade_id:
        raise AttachmentError("Choose a trade to attach the screenshot to.")
    digest = hashlib.sha256(data).hexdigest()
    blob = insert(BlobRow).values(sha256=digest, media_type=PNG, size=len(data), data=data, created_at=at)
    session.execute(blob.on_conflict_do_nothing())
    row = insert(TradeAttachmentRow).values(trade_id=trade_id, sha256=digest, caption=caption.strip()[:MAX_CAPTION],
                                            created_at=at)
    session.execute(row.on_conflict_do_nothing())
    found = _listed(session, TradeAttachmentRow.trade_id == trade_id, TradeAttachmentRow.sha256 == digest)
    return found[0]


def for_trade(session: Session, trade_id: str) -> list[TradeAttachment]:
    """The trade's attachments, oldest first (without their bytes)."""
    return _listed(session, TradeAttachmentRow.trade_id == trade_id)


def blob(session: Session, sha256: str) -> bytes:
    data = session.scalar(select(BlobRow.data).where(BlobRow.sha256 == sha256))
    if data is None:
        raise AttachmentError("This screenshot is no longer stored.")
    return data


def remove(session: Session, attachment_id: int) -> TradeAttachment:
    """Detach one attachment; its blob goes too once no attachment references it."""
    found = _listed(session, TradeAttachmentRow.id == attachment_id)
    if not found:
        raise AttachmentError("This screenshot was already removed.")
    digest = found[0].sha256
    session.execute(delete(TradeAttachmentRow).where(TradeAttachmentRow.id == attachment_id))
    left = session.scalar(select(func.count(TradeAttachmentRow.id)).where(TradeAttachmentRow.sha256 == digest))
    if not left:  # (the bytes are never loaded to drop them)
        session.execute(delete(BlobRow).where(BlobRow.sha256 == digest))
    return found[0]


def counts(session: Session, trade_ids: Iterable[str] | None = None) -> dict[str, int]:
    """How many attachments each trade has (trades without any left out); all trades by default."""
    query = select(TradeAttachmentRow.trade_id, func.count(TradeAttachmentRow.id)).group_by(TradeAttachmentRow.trade_id)
    if trade_ids is not None:
        query = query.where(TradeAttachmentRow.trade_id.in_(list(trade_ids)))
    return {trade_id: n for trade_id, n in session.execute(query)}
