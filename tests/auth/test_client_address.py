"""Whose address a sign-in counts against: the peer's, unless the peer is a configured proxy.

With no proxies configured (the default) an `X-Forwarded-For` header changes nothing, so a client
cannot pick a fresh address for every guess, and users behind one proxy are not one address unless
that proxy is trusted to name them.
"""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from tests.auth.support import FromAddress, attempt
from tests.support import factories as f

LIMITS = {
    "sign_in_slowdown_after": 2,
    "sign_in_first_wait_seconds": 30,
    "sign_in_max_failures_per_address": 3,
}
PROXY, ATTACKER, OWNER = "10.1.2.3", "198.51.100.66", "203.0.113.10"


async def guess(
    client: httpx.AsyncClient, email: str, forwarded_for: str, password: str = "wrong password"
) -> int:
    response = await client.post(
        "/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


async def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    from_address: FromAddress, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(ATTACKER, **LIMITS) as direct:
        # A new made-up address each time: all counted against the attacker's own.
        results = [await guess(direct, f"guess{i}@test.example", f"192.0.2.{i}") for i in range(4)]
        assert results == [401, 401, 401, 429]
        # Nor can it pose as the owner's address to spend the owner's tries.
        assert await guess(direct, account.email, OWNER) == 429
    async with from_address(OWNER, **LIMITS) as owner:
        assert (await attempt(owner, account.email, f.PASSWORD)).status_code == 200


async def test_behind_a_trusted_proxy_each_client_is_counted_apart(
    from_address: FromAddress, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(PROXY, **LIMITS, trusted_proxies="10.0.0.0/8") as proxy:
        results = [await guess(proxy, f"guess{i}@test.example", ATTACKER) for i in range(4)]
        assert results == [401, 401, 401, 429]
        # The proxy appends the peer it saw; what the client wrote before that is not believed.
        assert await guess(proxy, "guess@test.example", f"{OWNER}, {ATTACKER}") == 429
        # Another client behind the same proxy is not slowed by the first.
        assert await guess(proxy, account.email, OWNER, f.PASSWORD) == 200


async def test_without_trusted_proxies_everyone_behind_one_proxy_shares_its_address(
    from_address: FromAddress, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    async with from_address(PROXY, **LIMITS) as proxy:
        assert [await guess(proxy, f"guess{i}@test.example", ATTACKER) for i in range(3)] == [401] * 3
        assert await guess(proxy, account.email, OWNER, f.PASSWORD) == 429
