"""Repeated failed sign-ins are slowed, then refused for a while, without revealing whether the account exists."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.auth.models import SignInThrottle
from app.auth.throttle import account_key
from app.core.clock import utc_now
from tests.support import factories as f
from tests.support.types import ClientWith

# Slowed after 2 failures (30 s to wait, so a busy machine cannot outlast the wait between two
# requests), refused after 4 (per account) or 8 (per address).
LIMITS = {
    "sign_in_slowdown_after": 2,
    "sign_in_first_wait_seconds": 30,
    "sign_in_max_failures": 4,
    "sign_in_max_failures_per_address": 8,
}


async def attempt(client: httpx.AsyncClient, email: str, password: str = "wrong password") -> httpx.Response:
    return await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )


async def statuses(client: httpx.AsyncClient, email: str, n: int) -> list[int]:
    return [(await attempt(client, email)).status_code for _ in range(n)]


async def test_failures_are_slowed_then_refused_with_retry_after(
    client_with: ClientWith, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with client_with(**LIMITS) as client:
        assert await statuses(client, account.email, 2) == [401, 401]
        slowed = await attempt(client, account.email)
        assert slowed.status_code == 429
        assert slowed.headers["content-type"] == "application/problem+json"
        assert slowed.json()["code"] == "auth.too_many_attempts"
        assert 1 <= int(slowed.headers["retry-after"]) <= 30
        # Even the right password is refused while the account is slowed.
        assert (await attempt(client, account.email, f.PASSWORD)).status_code == 429


async def test_an_unknown_account_is_throttled_exactly_like_a_real_one(
    client_with: ClientWith, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with client_with(**LIMITS) as client:
        real = await statuses(client, account.email, 4)
        unknown = await statuses(client, "nobody-here@test.example", 4)
        assert real == unknown == [401, 401, 429, 429]
        a, b = await attempt(client, account.email), await attempt(client, "nobody-here@test.example")
        assert a.status_code == b.status_code == 429
        assert a.json().keys() == b.json().keys()
        assert a.json()["code"] == b.json()["code"] == "auth.too_many_attempts"


async def test_the_account_is_blocked_after_too_many_failures_and_free_after_the_block(
    client_with: ClientWith, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    key = account_key(account.email)
    async with client_with(**LIMITS) as client:
        for _ in range(4):
            # Skip the back-off wait between tries, so the test reaches the block without sleeping.
            await session.execute(
                update(SignInThrottle)
                .where(SignInThrottle.key == key)
                .values(last_failure_at=utc_now() - timedelta(minutes=5))
            )
            assert (await attempt(client, account.email)).status_code == 401
        blocked = await attempt(client, account.email, f.PASSWORD)
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) > 14 * 60  # 15 minutes
        # The block ends by itself.
        await session.execute(
            update(SignInThrottle)
            .where(SignInThrottle.key == key)
            .values(
                blocked_until=utc_now() - timedelta(seconds=1),
                last_failure_at=utc_now() - timedelta(minutes=20),
                window_started_at=utc_now() - timedelta(minutes=20),
            )
        )
        assert (await attempt(client, account.email, f.PASSWORD)).status_code == 200


async def test_one_address_guessing_many_accounts_is_refused(
    client_with: ClientWith, session: AsyncSession
) -> None:
    async with client_with(**LIMITS) as client:
        results = [(await attempt(client, f"guess{i}@test.example")).status_code for i in range(9)]
    assert results[:8] == [401] * 8
    assert results[8] == 429


async def test_a_successful_sign_in_clears_the_account_s_failures(
    client_with: ClientWith, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with client_with(**LIMITS) as client:
        assert (await attempt(client, account.email)).status_code == 401
        assert (await attempt(client, account.email, f.PASSWORD)).status_code == 200
        assert await statuses(client, account.email, 2) == [401, 401]
