"""Every step of a claim is in the audit trail about the young person, and in their access log."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from tests.claims.support import act, claim_body, claimant, pay
from tests.support.world import World


async def trail(client: httpx.AsyncClient, world: World, person: str) -> list[dict[str, Any]]:
    r = await client.get(
        "/v1/audit-events",
        params={"care_leaver_id": person, "limit": 100},
        headers=world.headers("admin_city"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["next"] is None
    items: list[dict[str, Any]] = r.json()["items"]
    return items[::-1]  # oldest first


async def test_each_step_of_a_claim_is_an_event_about_the_young_person(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager = world.headers("manager_a")
    claim = (
        await client.post("/v1/me/claims", json=claim_body(40000, submit=False), headers=who.headers)
    ).json()
    await act(client, who.headers, claim["id"], "submit")
    await act(client, manager, claim["id"], "approve")
    payment = (await pay(client, manager, claim["id"], 40000)).json()
    await client.post(f"/v1/payments/{payment['id']}/reversal", json={"reason": "Returned"}, headers=manager)

    events = [
        e
        for e in await trail(client, world, who.id)
        if e["resource_type"] in ("claim", "payment") and e["action"] != "read"
    ]
    assert [(e["action"], e["resource_type"], e["resource_id"], e["actor"]["role"]) for e in events] == [
        ("create", "claim", claim["id"], "care_leaver"),
        ("update", "claim", claim["id"], "care_leaver"),
        ("update", "claim", claim["id"], "team_manager"),
        ("create", "payment", payment["id"], "team_manager"),
        ("update", "payment", payment["id"], "team_manager"),
    ]
    assert [e["details"].get("status") for e in events] == [
        "draft",
        "submitted",
        "approved",
        "paid",
        "reversed",
    ]
    assert all(e["care_leaver_ids"] == [who.id] and e["outcome"] == "success" for e in events)

    # The young person sees staff's steps (not their own) in their access log: role and team, no names.
    log = (await client.get("/v1/me/access-log", headers=who.headers)).json()["items"]
    staff_steps = [(e["action"], e["what"], e["role"]) for e in log if e["what"] in ("claim", "payment")]
    assert ("update", "claim", "team_manager") in staff_steps
    assert ("create", "payment", "team_manager") in staff_steps
    assert ("update", "payment", "team_manager") in staff_steps
    assert all(e["role"] != "care_leaver" for e in log)


async def test_declining_and_withdrawing_are_recorded_and_a_read_of_money_too(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    url = f"/v1/care-leavers/{who.id}/claims"
    declined = (await client.post(url, json=claim_body(10000), headers=pa)).json()
    withdrawn = (await client.post(url, json=claim_body(10000), headers=pa)).json()
    await act(client, world.headers("manager_a"), declined["id"], "decline", reason="Already bought")
    await act(client, pa, withdrawn["id"], "withdraw", reason="Not needed")
    await client.get(f"/v1/care-leavers/{who.id}/balances", headers=pa)

    events = await trail(client, world, who.id)
    statuses = {(e["resource_id"], e["details"].get("status")) for e in events if e["action"] == "update"}
    assert {(declined["id"], "declined"), (withdrawn["id"], "withdrawn")} <= statuses
    assert any(e["resource_type"] == "balance" and e["action"] == "read" for e in events)
