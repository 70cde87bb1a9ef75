"""Balances are the ledger's sums: cap minus committed and paid, the same for the young person and staff."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from tests.claims.steps import approved, read, sums
from tests.claims.support import SETTING_UP_HOME, Claimant, act, balance, claimant, make_claim, pay
from tests.support.world import World


async def both_views(client: httpx.AsyncClient, world: World, who: Claimant) -> tuple[int, int, int, int]:
    """The balance staff see, after checking the young person sees the same."""
    staff = await balance(client, world.headers("pa_a1"), who.id)
    mine = (await client.get("/v1/me/balances", headers=who.headers)).json()
    assert mine == (await client.get(f"/v1/care-leavers/{who.id}/balances", headers=who.headers)).json()
    (own,) = [b for b in mine if b["entitlement_code"] == SETTING_UP_HOME]
    assert own == staff
    assert staff["remaining"] == {
        "amount_pence": staff["remaining_pence"],
        "currency": "GBP",
        "display": staff["remaining"]["display"],
    }
    assert staff["cap_pence"] - staff["committed_pence"] - staff["paid_pence"] == staff["remaining_pence"]
    return sums(staff)


async def test_balances_follow_approval_payments_reversal_and_release(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa, manager = world.headers("pa_a1"), world.headers("manager_a")
    assert await both_views(client, world, who) == (300000, 0, 0, 300000)
    claim = await make_claim(client, pa, who.id, 25000, 15000)
    assert await both_views(client, world, who) == (300000, 0, 0, 300000)  # submitted: nothing set aside
    await approved(client, world, claim)
    assert await both_views(client, world, who) == (300000, 40000, 0, 260000)
    part = (await pay(client, manager, claim["id"], 15000)).json()
    assert await both_views(client, world, who) == (300000, 25000, 15000, 260000)
    await pay(client, manager, claim["id"], 25000)
    assert await both_views(client, world, who) == (300000, 0, 40000, 260000)
    r = await client.post(
        f"/v1/payments/{part['id']}/reversal", json={"reason": "Goods returned"}, headers=manager
    )
    assert r.status_code == 201, r.text
    assert await both_views(client, world, who) == (300000, 0, 25000, 275000)

    other = await approved(client, world, await make_claim(client, pa, who.id, 60000))
    assert await both_views(client, world, who) == (300000, 60000, 25000, 215000)
    r = await act(client, who.headers, other["id"], "withdraw", reason="My nan gave me hers")
    assert r.status_code == 200, r.text
    assert await both_views(client, world, who) == (300000, 0, 25000, 275000)


async def test_a_claim_whose_only_part_payment_is_reversed_holds_nothing_back(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager = world.headers("manager_a")
    claim = await approved(client, world, await make_claim(client, world.headers("pa_a1"), who.id, 40000))
    payment = (await pay(client, manager, claim["id"], 10000)).json()
    await client.post(
        f"/v1/payments/{payment['id']}/reversal", json={"reason": "Paid in error"}, headers=manager
    )
    closed = (await read(client, manager, claim["id"])).json()
    assert closed["status"] == "reversed"
    # A reversed claim is closed: it is never paid again, so its unpaid £300 goes back to the allowance.
    assert (await pay(client, manager, claim["id"], 30000)).status_code == 409
    assert closed["payable_pence"] == 0
    assert await both_views(client, world, who) == (300000, 0, 0, 300000)


async def test_the_whole_allowance_once_paid_leaves_nothing_to_claim(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    claim = await approved(client, world, await make_claim(client, pa, who.id, 200000, 100000))
    assert (await pay(client, world.headers("manager_a"), claim["id"], 300000)).status_code == 201
    assert await both_views(client, world, who) == (300000, 0, 300000, 0)
    r = await client.post(
        f"/v1/care-leavers/{who.id}/claims",
        json={"entitlement_code": SETTING_UP_HOME, "purpose": "A kettle", "submit": True,
              "items": [{"description": "Kettle", "amount_pence": 1}], "payment_method": "bank_transfer"},
        headers=pa,
    )  # fmt: skip
    assert (r.status_code, r.json()["code"], r.json()["remaining_pence"]) == (422, "claim.over_allowance", 0)
