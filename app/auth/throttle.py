"""Slowing repeated failed attempts (sign-ins, password changes, invitation codes) without locking anyone out.

Three counters see each attempt: the account from this address (the pair), the account from anywhere,
and the address for any account. Past a threshold each further try waits, the wait doubling with each
failure up to a ceiling; nothing is refused outright, so guessing a PA's password from one place cannot
lock them out everywhere. The account-wide counter only slows an address once it has used up its own
free tries for that account: an address with no recent failures for an account is never refused its
right password (unless the address has been failing for many accounts), and a typo or two costs the
owner nothing however hard the account is being guessed from elsewhere.

An attempt is counted before the password is checked: its counters are locked, checked and incremented,
and committed before the answer can depend on the password (`reserve`: in a transaction of its own,
committed at once; `count_attempt`: in the caller's, which commits a failure too). Parallel guesses
therefore take turns on the count, and no more passwords are checked than the thresholds allow. An
attempt that then succeeds is forgiven.

Keys are digests of what was typed, so an unknown account is throttled exactly like a real one and the
answers never reveal whether an account exists. Addresses are digested too; an IPv6 address counts as
its /64 network, which is what one client usually holds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.errors import RateLimited, TooManyAttempts
from app.auth.models import SignInThrottle
from app.auth.repository import ThrottleRepository
from app.core.settings import Settings
from app.db.session import Database


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:48]


def client_address(host: str | None) -> str:
    """The address an attempt is counted against (what counts as one client)."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True, slots=True)
class Keys:
    pair: str
    account: str
    address: str

    @classmethod
    def of(cls, account: str, host: str | None, *, scope: str | None = None) -> Keys:
        """`account` names what is being guessed: an email address as typed, or an invitation's digest.

        Sign-ins, password changes and invitations share one count per address; a `scope` (a status
        letter's verification) counts its own, so junk sent to a public check cannot slow the sign-ins of
        everyone behind the same address (a council office, a college)."""
        name, address = account.strip().lower(), client_address(host)
        where = address if scope is None else _digest(scope, address)
        return cls(
            pair="pair:" + _digest(name, address),
            account="account:" + _digest(name),
            address="address:" + _digest(where),
        )


@dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved attempt: counted as a failure unless `forgive` is called."""

    keys: Keys
    pair_failures: int  # including this attempt


def _wait(failures: int, free: int, settings: Settings) -> float:
    over = failures - free
    if over < 0:
        return 0.0
    return float(
        min(settings.sign_in_first_wait_seconds * 2 ** min(over, 32), settings.sign_in_max_wait_seconds)
    )


def seconds_to_wait(
    rows: Mapping[str, SignInThrottle], keys: Keys, settings: Settings, now: datetime
) -> float:
    """How long this attempt must wait (0: go ahead). Rows not failed at for a while count as empty."""
    forget = timedelta(minutes=settings.sign_in_forget_minutes)

    def fresh(key: str) -> SignInThrottle | None:
        row = rows.get(key)
        return row if row is not None and row.failures > 0 and now - row.last_failure_at < forget else None

    free = settings.sign_in_slowdown_after
    thresholds = [(keys.pair, free), (keys.address, settings.sign_in_max_failures_per_address)]
    pair = fresh(keys.pair)
    if pair is not None and pair.failures >= free:
        # This address has used up its free tries for the account: from now on it also waits on the
        # account's failures from everywhere, so many addresses guessing gain little over one.
        thresholds.append((keys.account, free))
    wait = 0.0
    for key, free in thresholds:
        row = fresh(key)
        # Under its threshold a counter asks no wait at all. (`now` is read before the counters are
        # locked, so a parallel attempt may have failed "after" it: that is no reason to wait.)
        if row is not None and (seconds := _wait(row.failures, free, settings)) > 0:
            ready_at = row.last_failure_at + timedelta(seconds=seconds)
            wait = max(wait, (ready_at - now).total_seconds())
    return wait


async def reserve(database: Database, settings: Settings, keys: Keys, now: datetime) -> Attempt:
    """Count this attempt as a failure before the secret is checked, or refuse it (429, `Retry-After`),
    in a unit of work of its own, committed before the caller goes on.

    Call it before the request's session has used the database: SQLite has one connection per process.
    """
    async with database.unit_of_work() as session:
        return await count_attempt(session, settings, keys, now)


async def count_attempt(session: AsyncSession, settings: Settings, keys: Keys, now: datetime) -> Attempt:
    """The same inside the caller's transaction, whose counters stay locked until it ends. Only for a
    caller that commits a failure (a rollback would forget it) and checks few secrets per address."""
    forget = timedelta(minutes=settings.sign_in_forget_minutes)
    rows = await ThrottleRepository(session).lock([keys.pair, keys.account, keys.address], now)
    wait = seconds_to_wait(rows, keys, settings, now)
    if wait > 0:
        raise TooManyAttempts(retry_after=max(1, math.ceil(wait)))
    for row in rows.values():
        row.failures = 1 if now - row.last_failure_at >= forget else row.failures + 1
        row.last_failure_at = max(row.last_failure_at, now)  # never back in time (see seconds_to_wait)
    await session.flush()
    return Attempt(keys=keys, pair_failures=rows[keys.pair].failures)


async def forgive(session: AsyncSession, attempt: Attempt) -> None:
    """The attempt succeeded: the address knew the secret, so its failures for this account are forgotten."""
    keys = attempt.keys
    await ThrottleRepository(session).forgive(keys.pair, [keys.account, keys.address], attempt.pair_failures)


async def prune(session: AsyncSession, settings: Settings, now: datetime) -> int:
    return await ThrottleRepository(session).prune(now - timedelta(minutes=settings.sign_in_forget_minutes))


async def take_from_window(
    session: AsyncSession, key: str, *, limit: int, window_seconds: int, now: datetime
) -> None:
    """A fixed window of `limit` requests under `key` (for example a partner's status checks), counted in
    the caller's transaction; 429 with `Retry-After` once it is used up. The store is the one failed
    attempts use, read differently: `failures` counts the window's requests, `last_failure_at` is when it
    opened (`prune` forgets it like any other row, long after it closed)."""
    row = (await ThrottleRepository(session).lock([key], now))[key]
    window = timedelta(seconds=window_seconds)
    if row.failures <= 0 or now - row.last_failure_at >= window:
        row.failures, row.last_failure_at = 1, now
    elif row.failures >= limit:
        raise RateLimited(retry_after=max(1, math.ceil((row.last_failure_at + window - now).total_seconds())))
    else:
        row.failures += 1
    await session.flush()
