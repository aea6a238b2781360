"""Trade attachments in the store: blobs once by hash, the same image twice on a trade adds
nothing, a shared blob outlives one removal, plain-words errors for a non-PNG and a too-big one."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data.store import attachments as repo
from data.store.database import Store
from data.store.schema import BlobRow, TradeAttachmentRow

T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
PNG_A = repo.PNG_SIGNATURE + b"chart A"
PNG_B = repo.PNG_SIGNATURE + b"chart B"


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def _blobs(store: Store) -> int:
    return store.run_sync(lambda s: s.scalar(select(func.count(BlobRow.sha256))))


def test_the_same_image_is_stored_once_and_twice_on_one_trade_adds_nothing(store):
    first = store.run_sync(lambda s: repo.add(s, "tos:1", PNG_A, "  the breakout ", T0))
    again = store.run_sync(lambda s: repo.add(s, "tos:1", PNG_A, "other caption", T0 + timedelta(minutes=1)))
    other = store.run_sync(lambda s: repo.add(s, "tos:2", PNG_A, "", T0))
    assert again == first and first.caption == "the breakout" and first.sha256 == hashlib.sha256(PNG_A).hexdigest()
    assert first.size == len(PNG_A) and first.media_type == "image/png" and first.created_at == T0
    assert other.id != first.id and other.sha256 == first.sha256
    assert _blobs(store) == 1
    assert [a.id for a in store.run_sync(lambda s: repo.for_trade(s, "tos:1"))] == [first.id]
    assert store.run_sync(lambda s: repo.blob(s, first.sha256)) == PNG_A
    store.run_sync(lambda s: repo.add(s, "tos:1", PNG_B, "later", T0 + timedelta(minutes=5)))
    assert [a.caption for a in store.run_sync(lambda s: repo.for_trade(s, "tos:1"))] == ["the breakout", "later"]
    assert store.run_sync(repo.counts) == {"tos:1": 2, "tos:2": 1}
    assert store.run_sync(lambda s: repo.counts(s, ["tos:2", "tos:9"])) == {"tos:2": 1}


def test_removing_keeps_a_blob_another_trade_uses_and_drops_the_last(store):
    one = store.run_sync(lambda s: repo.add(s, "tos:1", PNG_A, "", T0))
    two = store.run_sync(lambda s: repo.add(s, "tos:2", PNG_A, "", T0))
    store.run_sync(lambda s: repo.remove(s, one.id))
    assert _blobs(store) == 1 and store.run_sync(lambda s: repo.for_trade(s, "tos:1")) == []
    assert store.run_sync(lambda s: repo.blob(s, two.sha256)) == PNG_A
    store.run_sync(lambda s: repo.remove(s, two.id))
    assert _blobs(store) == 0
    with pytest.raises(repo.AttachmentError, match="no longer stored"):
        store.run_sync(lambda s: repo.blob(s, two.sha256))
    with pytest.raises(repo.AttachmentError, match="already removed"):
        store.run_sync(lambda s: repo.remove(s, two.id))


def test_a_non_png_or_too_big_image_is_refused_in_plain_words_and_stores_nothing(store):
    with pytest.raises(repo.AttachmentError, match="Only PNG images"):
        store.run_sync(lambda s: repo.add(s, "tos:1", b"GIF89a....", "", T0))
    big = repo.PNG_SIGNATURE + bytes(repo.MAX_BYTES)
    with pytest.raises(repo.AttachmentError, match=r"8\.0 MB; a trade's screenshot can be at most 8 MB"):
        store.run_sync(lambda s: repo.add(s, "tos:1", big, "", T0))
    assert _blobs(store) == 0


def test_a_failure_after_the_blob_leaves_nothing_behind(store):
    """One transaction: the blob is not kept when the attachment row cannot be written."""
    def add_then_fail(session):
        repo.add(session, "tos:1", PNG_A, "", T0)
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        store.run_sync(add_then_fail)
    assert _blobs(store) == 0
    assert store.run_sync(lambda s: s.scalar(select(func.count(TradeAttachmentRow.id)))) == 0
