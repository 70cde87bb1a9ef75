"""Everyone with a password here changes it themselves; every other sign-in of the account then ends."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.core.settings import Settings
from tests.auth.support import FromAddress, attempt
from tests.support import factories as f
from tests.support.types import ClientWith
from tests.support.world import World

NEW = "a brand new passphrase"


async def change(
    client: httpx.AsyncClient, headers: dict[str, str], current: str = f.PASSWORD, new: str = NEW
) -> httpx.Response:
    return await client.post(
        "/v1/me/password", json={"current_password": current, "new_password": new}, headers=headers
    )


@pytest.mark.parametrize("actor", ["leaver_a1", "pa_a1", "admin_city", "partner_ash", "system_admin"])
async def test_every_kind_of_account_changes_its_password(
    actor: str, client: httpx.AsyncClient, world: World
) -> None:
    account = world.users[actor]
    elsewhere = (await attempt(client, account.email, f.PASSWORD)).json()
    here = f.bearer((await attempt(client, account.email, f.PASSWORD)).json()["access_token"])
    response = await change(client, here)
    assert response.status_code == 204, response.text
    assert (await attempt(client, account.email, f.PASSWORD)).status_code == 401
    assert (await attempt(client, account.email, NEW)).status_code == 200
    # This sign-in goes on; every other one ends, refresh tokens included.
    assert (await client.get("/v1/me", headers=here)).status_code == 200
    assert (await client.get("/v1/me", headers=f.bearer(elsewhere["access_token"]))).status_code == 401
    refreshed = await client.post(
        "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": elsewhere["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_a_wrong_current_password_is_refused_counted_and_audited(
    from_address: FromAddress, world: World, session: AsyncSession
) -> None:
    account = world.users["pa_a1"]
    headers = world.headers("pa_a1")
    async with from_address(
        "203.0.113.10", sign_in_slowdown_after=2, sign_in_first_wait_seconds=30
    ) as client:
        wrong = await change(client, headers, current="not my password")
        assert wrong.status_code == 422
        assert wrong.json()["code"] == "auth.current_password_wrong"
        assert [e["field"] for e in wrong.json()["errors"]] == ["current_password"]
        assert (await change(client, headers, current="not it either")).status_code == 422
        # The failures were kept although the requests failed: guessing waits, here and at sign-in.
        assert (await change(client, headers)).status_code == 429
        assert (await attempt(client, account.email, f.PASSWORD)).status_code == 429
    events = (
        await session.execute(
            select(AuditEvent.action, AuditEvent.outcome).where(AuditEvent.resource_id == str(account.id))
        )
    ).all()
    assert events.count((AuditAction.PASSWORD_CHANGE_FAILED, AuditOutcome.DENIED)) == 2


async def test_a_change_is_audited(client: httpx.AsyncClient, world: World, session: AsyncSession) -> None:
    assert (await change(client, world.headers("leaver_a1"))).status_code == 204
    event = (
        await session.execute(select(AuditEvent).where(AuditEvent.action == AuditAction.PASSWORD_CHANGED))
    ).scalar_one()
    assert event.actor_id == world.users["leaver_a1"].id
    assert event.resource_id == str(world.users["leaver_a1"].id)
    assert NEW not in str(event.details) and f.PASSWORD not in str(event.details)


@pytest.mark.parametrize(
    "new",
    ["too short", "zzzzzzzzzzzzzzzz", f.PASSWORD, "{email} backwards"],
    ids=["short", "repetitive", "unchanged", "email"],
)
async def test_a_weak_new_password_is_refused_naming_the_field(
    new: str, client: httpx.AsyncClient, world: World
) -> None:
    account = world.users["pa_a1"]
    response = await change(client, world.headers("pa_a1"), new=new.format(email=account.email))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["new_password"]
    assert (await attempt(client, account.email, f.PASSWORD)).status_code == 200


async def test_an_account_without_a_password_here_has_none_to_change(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    account.password_hash = None  # signs in through the council's identity provider
    await session.flush()
    headers = f.bearer(await f.token_for(session, settings, account))
    response = await change(client, headers)
    assert response.status_code == 409
    assert response.json()["code"] == "auth.no_local_password"


async def test_demo_accounts_keep_the_demo_password(client_with: ClientWith, session: AsyncSession) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER, is_demo=True)
    async with client_with(demo=True) as client:
        headers = f.bearer((await attempt(client, account.email, f.PASSWORD)).json()["access_token"])
        response = await change(client, headers)
        assert response.status_code == 409
        assert response.json()["code"] == "user.demo_account"
