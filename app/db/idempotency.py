"""Idempotency keys: a client that retries a create (a lost response on a phone signal) gets the
record it already made, not a second one.

Keys are honoured for 24 hours, and for 30 days for money (operations named `money:...`: claims and
payments), because the offline app may send a claim again days after it was first answered.

A key belongs to the account that sent it, names the operation, and fingerprints the request, so
the same key with a different request is refused rather than silently answered with another's
result.

The one rule for repeats, on both databases: a request works with its key only while it holds the
key's lock, which lasts until its transaction ends. Holding it, a request finds the key's row
(committed by an earlier request, so visible) and answers as that one did, or creates and writes the
row in the same transaction. A repeat that cannot have the lock because another request with that key
is still being handled is told so (409 `request.idempotency_in_flight`, `Retry-After: 1`) instead of
creating a second record or colliding with the first one's.

PostgreSQL: the lock is a transaction-scoped advisory lock on (account, key), tried without waiting.
SQLite: every transaction already holds the database's write lock from BEGIN IMMEDIATE
(app/db/engine.py), across processes too, so a repeat cannot start until the first has committed; it
never finds the first in flight, and gets its answer.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import String, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.core.errors import Conflict, InvalidInput, field_error
from app.db.base import Base

KEEP_FOR = timedelta(hours=24)
KEEP_MONEY_FOR = timedelta(days=30)
MONEY = "money:"  # the prefix of operations whose keys are kept for KEEP_MONEY_FOR
RETRY_AFTER_SECONDS = 1  # creates take milliseconds; the first answer is ready by then
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


class IdempotencyKeyInFlight(Conflict):
    code = "request.idempotency_in_flight"
    title = "A request with this Idempotency-Key is still being handled"

    def __init__(self) -> None:
        super().__init__(
            "A request with this Idempotency-Key is still being handled. Send it again after Retry-After "
            "seconds to get its answer; nothing was done twice.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            retry_after=RETRY_AFTER_SECONDS,
        )


def lock_id(user_id: uuid.UUID, key: str) -> int:
    """The PostgreSQL advisory lock that stands for one account's key: a signed 64-bit digest."""
    digest = hashlib.sha256(b"idempotency-key:" + user_id.bytes + key.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


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
    if record.created_at < utc_now() - keep_for(record.operation):
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


def keep_for(operation: str) -> timedelta:
    return KEEP_MONEY_FOR if operation.startswith(MONEY) else KEEP_FOR


async def prune(session: AsyncSession, now: datetime | None = None) -> int:
    now = now or utc_now()
    result = await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < now - KEEP_FOR,
            or_(
                ~IdempotencyRecord.operation.startswith(MONEY),
                IdempotencyRecord.created_at < now - KEEP_MONEY_FOR,
            ),
        )
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
    """Create once per key: a retry with the same key loads what the first request created (see the
    module docstring for repeats that arrive while the first is still being handled)."""
    if key is None:
        return await create()
    await _hold_key(session, user_id, key)
    previous = await previous_result(session, user_id, key, operation, digest)
    if previous is not None:
        return await load(uuid.UUID(previous))
    result = await create()
    await remember(session, user_id, key, operation, digest, id_of(result))
    return result


async def _hold_key(session: AsyncSession, user_id: uuid.UUID, key: str) -> None:
    """Take the key's lock for this transaction, or raise IdempotencyKeyInFlight if another has it."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: this transaction holds the database's write lock (see the module docstring)
    # Released when the holder commits, after its key row is visible to the next statement of ours.
    held = await session.scalar(select(func.pg_try_advisory_xact_lock(lock_id(user_id, key))))
    if not held:
        raise IdempotencyKeyInFlight()
