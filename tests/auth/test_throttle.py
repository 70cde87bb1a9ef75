"""Repeated failed sign-ins wait longer and longer, without locking the account's owner out and without
revealing whether the account exists."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.auth.models import SignInThrottle
from app.auth.throttle import Keys
from app.core.clock import utc_now
from tests.auth.support import FromAddress, attempt, without_request_id
from tests.support import factories as f

# Slowed after 2 failures per account and address, or 8 per address; the first wait is 30 s (so a busy
# machine cannot outlast it between two requests), doubling, at most 300 s.
LIMITS = {
    "sign_in_slowdown_after": 2,
    "sign_in_first_wait_seconds": 30,
    "sign_in_max_wait_seconds": 300,
    "sign_in_max_failures_per_address": 8,
}
ATTACKER, OWNER, OTHER = "198.51.100.66", "203.0.113.10", "203.0.113.77"


async def statuses(client: httpx.AsyncClient, email: str, n: int) -> list[int]:
    return [(await attempt(client, email)).status_code for _ in range(n)]


async def skip_waits(session: AsyncSession) -> None:
    """As if the last failures were long enough ago for any wait to be over (but not forgotten)."""
    await session.execute(update(SignInThrottle).values(last_failure_at=utc_now() - timedelta(minutes=6)))


async def test_each_further_failure_waits_longer(from_address: FromAddress, session: AsyncSession) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(OWNER, **LIMITS) as client:
        assert await statuses(client, account.email, 2) == [401, 401]
        slowed = await attempt(client, account.email)
        assert slowed.status_code == 429
        assert slowed.headers["content-type"] == "application/problem+json"
        assert slowed.json()["code"] == "auth.too_many_attempts"
        assert 1 <= int(slowed.headers["retry-after"]) <= 30
        # Waiting means waiting: the right password from this address too.
        assert (await attempt(client, account.email, f.PASSWORD)).status_code == 429
        waits = []
        for _ in range(4):
            await skip_waits(session)
            assert (await attempt(client, account.email)).status_code == 401
            waits.append(int((await attempt(client, account.email)).headers["retry-after"]))
        assert waits[0] > 30  # doubled: 60, 120, 240, then the ceiling
        assert waits == sorted(waits)
        assert waits[-1] == 300
        # Never a block: once the wait is over, the right password works.
        await skip_waits(session)
        assert (await attempt(client, account.email, f.PASSWORD)).status_code == 200


async def test_guessing_from_elsewhere_never_locks_the_owner_out(
    from_address: FromAddress, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(ATTACKER, **LIMITS) as attacker:
        for _ in range(6):
            await skip_waits(session)
            await statuses(attacker, account.email, 3)
        assert (await attempt(attacker, account.email, f.PASSWORD)).status_code == 429
    async with from_address(OWNER, **LIMITS) as owner:
        # An address with no failures for the account is neither slowed nor refused.
        assert (await attempt(owner, account.email, "a typo")).status_code == 401
        assert (await attempt(owner, account.email, f.PASSWORD)).status_code == 200
    async with from_address(OTHER, **LIMITS) as other:
        # But an address that has used up its free tries waits on everyone's failures (the ceiling
        # here, not its own first 30 s): guessing from many addresses gains little over one.
        assert await statuses(other, account.email, 2) == [401, 401]
        slowed = await attempt(other, account.email, f.PASSWORD)
        assert slowed.status_code == 429
        assert int(slowed.headers["retry-after"]) > 250


async def test_an_unknown_account_is_throttled_exactly_like_a_real_one(
    from_address: FromAddress, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(OWNER, **LIMITS) as client:
        real = await statuses(client, account.email, 4)
        unknown = await statuses(client, "nobody-here@test.example", 4)
        assert real == unknown == [401, 401, 429, 429]
        a, b = await attempt(client, account.email), await attempt(client, "nobody-here@test.example")
        assert a.status_code == b.status_code == 429
        # Alike but for the seconds left, which differ only because the real one's failures came first.
        timeless = {"detail", "retry_after"}
        assert {k: v for k, v in without_request_id(a).items() if k not in timeless} == {
            k: v for k, v in without_request_id(b).items() if k not in timeless
        }
        assert 0 < int(a.headers["retry-after"]) <= int(b.headers["retry-after"]) <= 30


async def test_one_address_guessing_many_accounts_is_slowed_alone(
    from_address: FromAddress, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(ATTACKER, **LIMITS) as attacker:
        results = [(await attempt(attacker, f"guess{i}@test.example")).status_code for i in range(9)]
        assert results == [401] * 8 + [429]
        assert (await attempt(attacker, account.email, f.PASSWORD)).status_code == 429
    async with from_address(OWNER, **LIMITS) as owner:
        assert (await attempt(owner, account.email, f.PASSWORD)).status_code == 200


async def test_a_successful_sign_in_forgives_that_address_s_failures(
    from_address: FromAddress, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(OWNER, **LIMITS) as client:
        assert (await attempt(client, account.email)).status_code == 401
        assert (await attempt(client, account.email, f.PASSWORD)).status_code == 200
        assert await statuses(client, account.email, 2) == [401, 401]
    keys = Keys.of(account.email, OWNER)
    rows = {
        row.key: row.failures
        for row in (
            await session.execute(select(SignInThrottle).execution_options(populate_existing=True))
        ).scalars()
    }
    # The account's and the address's counts hold only the two failures since the success.
    assert rows[keys.account] == rows[keys.address] == rows[keys.pair] == 2


async def test_failures_long_ago_are_forgotten(from_address: FromAddress, session: AsyncSession) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(OWNER, **LIMITS, sign_in_forget_minutes=60) as client:
        assert await statuses(client, account.email, 3) == [401, 401, 429]
        await session.execute(
            update(SignInThrottle).values(last_failure_at=utc_now() - timedelta(minutes=61))
        )
        assert await statuses(client, account.email, 3) == [401, 401, 429]


async def test_a_parallel_failure_under_the_threshold_makes_no_one_wait(
    from_address: FromAddress, session: AsyncSession
) -> None:
    """Each attempt reads the clock before it waits its turn on the counters, so a guess sent in parallel
    may have failed "after" it. Under the threshold that is no reason to refuse: the free tries are free
    (this once answered 429 "try again in 1 seconds" to the owner's second try under load)."""
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(OWNER, **LIMITS) as client:
        assert await statuses(client, account.email, 1) == [401]
        await session.execute(
            update(SignInThrottle).values(last_failure_at=utc_now() + timedelta(seconds=20))
        )
        assert await statuses(client, account.email, 2) == [401, 429]


def test_an_ipv6_client_counts_as_its_64_network() -> None:
    one = Keys.of("pa@test.example", "2001:db8:1:2::1")
    same_network = Keys.of("pa@test.example", "2001:db8:1:2:ffff::9")
    other_network = Keys.of("pa@test.example", "2001:db8:1:3::1")
    assert one == same_network
    assert one.address != other_network.address
    assert Keys.of("PA@test.example ", "::ffff:192.0.2.1") == Keys.of("pa@test.example", "192.0.2.1")
