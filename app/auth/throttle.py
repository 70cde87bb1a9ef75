"""Slowing, then refusing, repeated failed sign-ins, per account name and per client address.

Keys are digests of what was typed, so an unknown account is throttled exactly like a real one
and the answers never reveal whether an account exists.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.errors import TooManyAttempts
from app.auth.models import SignInThrottle
from app.core.settings import Settings

_MAX_WAIT_SECONDS = 60


def account_key(username: str) -> str:
    return "account:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:48]


def address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:64]


async def check(session: AsyncSession, settings: Settings, keys: list[str], now: datetime) -> None:
    """Refuse with 429 and `Retry-After` while any key is blocked or inside its back-off wait."""
    rows = (await session.execute(select(SignInThrottle).where(SignInThrottle.key.in_(keys)))).scalars().all()
    wait = 0.0
    for row in rows:
        if row.blocked_until is not None and row.blocked_until > now:
            wait = max(wait, (row.blocked_until - now).total_seconds())
        elif row.key.startswith("account:") and _in_window(row, settings, now):
            ready_at = row.last_failure_at + timedelta(seconds=_backoff(row.failures, settings))
            if ready_at > now:
                wait = max(wait, (ready_at - now).total_seconds())
    if wait > 0:
        raise TooManyAttempts(retry_after=max(1, math.ceil(wait)))


def _in_window(row: SignInThrottle, settings: Settings, now: datetime) -> bool:
    return now - row.window_started_at < timedelta(minutes=settings.sign_in_block_minutes)


def _backoff(failures: int, settings: Settings) -> float:
    over = failures - settings.sign_in_slowdown_after
    return 0.0 if over < 0 else float(min(settings.sign_in_first_wait_seconds * 2**over, _MAX_WAIT_SECONDS))


async def record_failure(session: AsyncSession, settings: Settings, keys: list[str], now: datetime) -> None:
    window = timedelta(minutes=settings.sign_in_block_minutes)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for key in keys:
        stmt = insert(SignInThrottle).values(
            key=key, failures=1, window_started_at=now, last_failure_at=now, blocked_until=None
        )
        # Atomic increment, so parallel guesses cannot slip under the limit.
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[SignInThrottle.key],
                set_={"failures": SignInThrottle.failures + 1, "last_failure_at": now},
            )
        )
        row = (await session.execute(select(SignInThrottle).where(SignInThrottle.key == key))).scalar_one()
        await session.refresh(row)
        if now - row.window_started_at >= window:
            row.failures, row.window_started_at, row.blocked_until = 1, now, None
        limit = (
            settings.sign_in_max_failures
            if key.startswith("account:")
            else settings.sign_in_max_failures_per_address
        )
        if row.failures >= limit:
            row.blocked_until = now + window
    await session.flush()


async def clear_account(session: AsyncSession, username: str) -> None:
    await session.execute(delete(SignInThrottle).where(SignInThrottle.key == account_key(username)))
