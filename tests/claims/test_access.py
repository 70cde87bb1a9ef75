"""Who reaches a claim: outside the young person's scope, a claim is a 404 like an unknown id."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from tests.claims.steps import approved, code, read
from tests.claims.support import act, claimant, make_claim, pay
from tests.support.world import World

OUTSIDERS = ["pa_b1", "pa_n1", "manager_n", "admin_county", "leaver_a2"]


@pytest.mark.parametrize("actor", OUTSIDERS)
async def test_outside_the_young_person_s_scope_a_claim_and_their_money_are_not_found(
    actor: str, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    headers = world.headers(actor)
    assert (await read(client, headers, claim["id"])).status_code == 404
    assert (await read(client, headers, str(uuid.uuid4()))).status_code == 404
    assert (await client.get(f"/v1/care-leavers/{who.id}/claims", headers=headers)).status_code == 404
    assert (await client.get(f"/v1/care-leavers/{who.id}/balances", headers=headers)).status_code == 404
    change = {**headers, "If-Match": claim["etag"]}
    assert (
        await client.patch(f"/v1/claims/{claim['id']}", json={"purpose": "x"}, headers=change)
    ).status_code == 404
    assert (await act(client, headers, claim["id"], "withdraw", reason="x")).status_code == 404
    assert (await read(client, world.headers("pa_a1"), claim["id"])).json()["status"] == "submitted"


@pytest.mark.parametrize("actor", ["manager_n", "admin_county"])
async def test_the_county_s_approvers_cannot_approve_or_pay_a_city_claim(
    actor: str, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    headers = world.headers(actor)
    assert code(await act(client, headers, claim["id"], "approve")) == (404, "claim.not_found")
    paid = await approved(client, world, claim)
    assert code(await pay(client, headers, paid["id"], 100)) == (404, "claim.not_found")
    payment = (await pay(client, world.headers("manager_a"), paid["id"], 100)).json()
    r = await client.post(f"/v1/payments/{payment['id']}/reversal", json={"reason": "x"}, headers=headers)
    assert code(r) == (404, "payment.not_found")


async def test_the_young_person_reads_their_own_claims_and_balances(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    assert (await read(client, who.headers, claim["id"])).status_code == 200
    listed = (await client.get(f"/v1/care-leavers/{who.id}/claims", headers=who.headers)).json()["items"]
    assert [c["id"] for c in listed] == [claim["id"]]
    assert [c["id"] for c in (await client.get("/v1/me/claims", headers=who.headers)).json()["items"]] == [
        claim["id"]
    ]
    # Another young person's list does not show it.
    assert (await client.get("/v1/me/claims", headers=world.headers("leaver_a2"))).json()["items"] == []
    # Staff routes stay staff routes.
    assert (await client.get("/v1/claims", headers=who.headers)).status_code == 403


async def test_a_manager_s_queue_holds_their_team_s_submitted_claims_and_an_admin_s_their_council_s(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    ours = await claimant(session, settings, world)
    theirs = await claimant(session, settings, world, adviser="pa_b1")
    mine = await make_claim(client, world.headers("pa_a1"), ours.id, 10000)
    other = await make_claim(client, world.headers("pa_b1"), theirs.id, 10000)
    await make_claim(client, world.headers("pa_a1"), ours.id, 10000, submit=False)

    def ids(r: httpx.Response) -> list[str]:
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["items"]]

    assert ids(await client.get("/v1/claims", headers=world.headers("manager_a"))) == [mine["id"]]
    assert set(ids(await client.get("/v1/claims", headers=world.headers("admin_city")))) == {
        mine["id"],
        other["id"],
    }
    assert ids(await client.get("/v1/claims", headers=world.headers("admin_county"))) == []
