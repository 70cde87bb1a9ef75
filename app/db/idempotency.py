"""Idempotency keys: a client that retries a create (a lost response on a phone signal) gets the
record it already made, not a second one.

A key belongs to the account that sent it, names the operation, and fingerprints the request, so
the same key with a different request is refused rather than silently answered with another's
result. Keys are honoured for 24 hours.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import String, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.core.errors import InvalidInput, field_error
from app.db.base import Base

KEEP_FOR = timedelta(hours=24)
T = TypeVar("T")


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_record"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    operation: Mapped[str] = mapped_column(String(80))
    fingerprint: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class IdempotencyKeyReused(InvalidInput):
    code = "request.idempotency_key_reused"
    title = "This Idempotency-Key was used for a different request"


def fingerprint(*parts: Any) -> str:
    """A stable digest of what was asked: the body and the ids in the path."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def previous_result(
    session: AsyncSession, user_id: uuid.UUID, key: str, operation: str, digest: str
) -> str | None:
    """The id of what this key already created, or None if it is new (or expired)."""
    record = await session.get(IdempotencyRecord, (user_id, key))
    if record is None:
        return None
    if record.created_at < utc_now() - KEEP_FOR:
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
            )
        )
        return None
    if record.operation != operation or record.fingerprint != digest:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request; generate a new key per action.",
            errors=[field_error("Idempotency-Key", "used for a different request", location="header")],
        )
    return record.resource_id


async def remember(
    session: AsyncSession, user_id: uuid.UUID, key: str, operation: str, digest: str, resource_id: uuid.UUID
) -> None:
    """Written in the same transaction as the create: both happen, or neither."""
    session.add(
        IdempotencyRecord(
            user_id=user_id,
            key=key,
            operation=operation,
            fingerprint=digest,
            resource_id=str(resource_id),
            created_at=utc_now(),
        )
    )
    await session.flush()


async def prune(session: AsyncSession, now: datetime | None = None) -> int:
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < (now or utc_now()) - KEEP_FOR)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def run_once(
    session: AsyncSession,
    user_id: uuid.UUID,
    key: str | None,
    operation: str,
    digest: str,
    *,
    create: Callable[[], Awaitable[T]],
    load: Callable[[uuid.UUID], Awaitable[T]],
    id_of: Callable[[T], uuid.UUID],
) -> T:
    """Create once per key: a retry with the same key loads what the first request created."""
    if key is None:
        return await create()
    previous = await previous_result(session, user_id, key, operation, digest)
    if previous is not None:
        return await load(uuid.UUID(previous))
    result = await create()
    await remember(session, user_id, key, operation, digest, id_of(result))
    return result
