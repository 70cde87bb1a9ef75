"""A young person's app account: staff create it, the young person chooses its password with an invitation."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.models import AuditEvent
from app.auth.invitations import code_digest
from app.auth.models import AccountInvitation
from app.core.clock import utc_now
from tests.auth.support import FromAddress, attempt, without_request_id
from tests.support import factories as f
from tests.support.world import World

PASSWORD = "my own secret phrase"


async def create_account(
    client: httpx.AsyncClient, world: World, email: str = "charlie@example.test"
) -> dict:
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a3')}/account", json={"email": email}, headers=world.headers("pa_a1")
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def redeem(client: httpx.AsyncClient, code: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/v1/auth/invitation", json={"code": code, "password": password})


async def test_the_young_person_chooses_their_own_password(client: httpx.AsyncClient, world: World) -> None:
    created = await create_account(client, world)
    invitation = created["invitation"]
    assert created["kind"] == "care_leaver"
    assert set(invitation) == {"code", "expires_at"}
    # Until the invitation is redeemed, no password signs the account in.
    assert (await attempt(client, created["email"], PASSWORD)).status_code == 401
    # Typed by hand: lower case, spaces for dashes.
    redeemed = await redeem(client, invitation["code"].lower().replace("-", " "))
    assert redeemed.status_code == 200, redeemed.text
    assert redeemed.headers["cache-control"] == "no-store"
    me = await client.get("/v1/me", headers=f.bearer(redeemed.json()["access_token"]))
    assert me.json()["care_leaver_id"] == str(world.id("p_a3"))
    assert (await attempt(client, created["email"], PASSWORD)).status_code == 200


async def test_staff_can_no_longer_set_a_young_person_s_password(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a3')}/account",
        json={"email": "charlie@example.test", "password": "chosen by the adviser"},
        headers=world.headers("pa_a1"),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


async def test_the_code_is_shown_once_and_stored_only_as_a_digest(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a3')}/account",
        json={"email": "charlie@example.test"},
        headers=world.headers("pa_a1"),
    )
    assert response.headers["cache-control"] == "no-store"
    code = response.json()["invitation"]["code"]
    stored = (await session.execute(select(AccountInvitation))).scalars().all()
    assert [row.code_digest for row in stored] == [code_digest(code)]
    assert all(code not in str(vars(row).values()) for row in stored)
    account = await client.get(f"/v1/users/{response.json()['id']}", headers=world.headers("admin_city"))
    assert "invitation" not in account.json()


async def test_used_expired_replaced_and_unknown_codes_get_one_answer(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    first = (await create_account(client, world))["invitation"]["code"]
    account_id = await create_account_id(session, first)
    reissued = await client.post(f"/v1/users/{account_id}/invitations", headers=world.headers("admin_city"))
    assert reissued.status_code == 201, reissued.text
    second = reissued.json()["code"]
    replaced = await redeem(client, first)
    assert (await redeem(client, second)).status_code == 200
    used = await redeem(client, second)
    third = (
        await client.post(f"/v1/users/{account_id}/invitations", headers=world.headers("admin_city"))
    ).json()
    await session.execute(
        update(AccountInvitation)
        .where(AccountInvitation.code_digest == code_digest(third["code"]))
        .values(expires_at=utc_now() - timedelta(seconds=1))
    )
    expired = await redeem(client, third["code"])
    unknown = await redeem(client, "ABCD-EFGH-JKMN-PQRS-TVWX")
    answers = [replaced, used, expired, unknown]
    assert {r.status_code for r in answers} == {400}
    assert all(without_request_id(r) == without_request_id(unknown) for r in answers)
    assert unknown.json()["code"] == "auth.invalid_invitation"


async def create_account_id(session: AsyncSession, code: str) -> str:
    row = (
        await session.execute(
            select(AccountInvitation).where(AccountInvitation.code_digest == code_digest(code))
        )
    ).scalar_one()
    return str(row.user_id)


async def test_redeeming_a_reissued_code_replaces_a_forgotten_password_and_signs_out_everywhere(
    client: httpx.AsyncClient, world: World
) -> None:
    leaver = world.users["leaver_a1"]
    reissued = await client.post(f"/v1/users/{leaver.id}/invitations", headers=world.headers("admin_city"))
    assert reissued.status_code == 201
    assert reissued.headers["cache-control"] == "no-store"
    # The old password works until the new code is redeemed.
    assert (await attempt(client, leaver.email, f.PASSWORD)).status_code == 200
    assert (await redeem(client, reissued.json()["code"])).status_code == 200
    assert (await attempt(client, leaver.email, f.PASSWORD)).status_code == 401
    assert (await client.get("/v1/me", headers=world.headers("leaver_a1"))).status_code == 401


@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("admin_county", "leaver_a1", 404),  # another council's young person
        ("admin_city", "pa_a1", 409),  # staff are not invited
        ("manager_a", "leaver_a1", 403),
    ],
)
async def test_only_the_council_s_administrator_reissues_a_young_person_s_invitation(
    actor: str, target: str, status: int, client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/v1/users/{world.users[target].id}/invitations", headers=world.headers(actor)
    )
    assert response.status_code == status, response.text


async def test_a_weak_password_is_refused_and_the_code_still_works(
    client: httpx.AsyncClient, world: World
) -> None:
    code = (await create_account(client, world, "charlie.brown@example.test"))["invitation"]["code"]
    for weak, field in [
        ("short", "password"),
        ("aaaaaaaaaaaaaaaa", "password"),
        ("charlie.brown123!", "password"),
    ]:
        response = await redeem(client, code, weak)
        assert response.status_code == 422, weak
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert (await redeem(client, code)).status_code == 200


async def test_guessing_codes_is_slowed_like_sign_in(from_address: FromAddress, world: World) -> None:
    async with from_address("198.51.100.66", sign_in_max_failures_per_address=3) as client:
        statuses = [(await redeem(client, f"ABCD-EFGH-JKMN-PQRS-TV{i:02d}")).status_code for i in range(4)]
        assert statuses == [400, 400, 400, 429]
        # Sign-in from that address shares the count.
        assert (await attempt(client, world.users["pa_a1"].email, f.PASSWORD)).status_code == 429


async def test_invitations_are_audited(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    code = (await create_account(client, world))["invitation"]["code"]
    await redeem(client, "ABCD-EFGH-JKMN-PQRS-TVWX")
    await redeem(client, code)
    events = (
        await session.execute(
            select(AuditEvent.action, AuditEvent.resource_type, AuditEvent.outcome).order_by(
                AuditEvent.occurred_at
            )
        )
    ).all()
    assert (AuditAction.CREATE, "account_invitation", AuditOutcome.SUCCESS) in events
    assert (AuditAction.PASSWORD_CHANGE_FAILED, "account_invitation", AuditOutcome.DENIED) in events
    assert (AuditAction.PASSWORD_CHANGED, "user_account", AuditOutcome.SUCCESS) in events
