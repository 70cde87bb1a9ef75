"""What a young person's devices were last told, item by item, in a sequence of changes.

`sync_item` is the young person's view as the sync last built it: one row per thing they may see (a
plan action, a claim, an entitlement...), with a hash of what it showed and the position in their
change sequence at which it last changed. Something they may no longer see stays as a tombstone
(`deleted`, no body), so a device that knew it is told to forget it. A cursor is a position in that
sequence: the changes since are the rows with a greater `seq`, found by one index.

`sync_state` says whether the view may be out of date: every change to a young person's records marks
it `stale` (in the changing transaction); the next sync builds the view again and compares.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base


class SyncState(Base):
    __tablename__ = "sync_state"

    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), primary_key=True)
    stale: Mapped[bool] = mapped_column(default=True)
    built_on: Mapped[date | None]  # the UK date the view was built for (some answers depend on the date)
    high_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # the last position used
    pruned_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # tombstones up to here are forgotten
    built_at: Mapped[datetime | None]


class SyncItem(Base):
    __tablename__ = "sync_item"
    __table_args__ = (Index("uq_sync_item_seq", "care_leaver_id", "seq", unique=True),)

    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), primary_key=True)
    item_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[str | None] = mapped_column(String(64))  # None for a tombstone
    deleted: Mapped[bool] = mapped_column(default=False)
    # What the device is sent (None for a tombstone, and for the council's offer, served from memory).
    body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)


class SyncPushedChange(Base):
    """A change a device pushed, by the id the device gave it: applied once, its result kept 30 days."""

    __tablename__ = "sync_pushed_change"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
