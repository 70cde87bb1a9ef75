"""A council's claim settings: the second-approval threshold and the cost codes on its payments."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import uk_today
from app.core.settings import Settings
from tests.claims.steps import code
from tests.claims.support import SETTING_UP_HOME, act, claimant, make_claim, pay
from tests.support.world import World


async def test_the_admin_changes_the_settings_only_with_the_etag_of_the_last_read(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world.headers("admin_city")
    r = await client.get("/v1/claim-settings", headers=admin)
    assert r.status_code == 200, r.text
    assert (r.json()["second_approval_above_pence"], r.json()["cost_codes"]) == (50000, {})
    read_etag = r.headers["ETag"]
    new = {"second_approval_above_pence": 60000, "cost_codes": {SETTING_UP_HOME: "LC4101"}}
    assert code(await client.put("/v1/claim-settings", json=new, headers=admin)) == (
        428,
        "request.precondition_required",
    )
    r = await client.put("/v1/claim-settings", json=new, headers={**admin, "If-Match": read_etag})
    assert r.status_code == 200, r.text
    assert r.json()["cost_codes"] == {SETTING_UP_HOME: "LC4101"} and r.headers["ETag"] != read_etag
    stale = await client.put("/v1/claim-settings", json=new, headers={**admin, "If-Match": read_etag})
    assert code(stale) == (412, "request.precondition_failed")
    assert (await client.get("/v1/claim-settings", headers=admin)).json()[
        "second_approval_above_pence"
    ] == 60000
    # The county's settings are its own; nobody but an admin reads them.
    county = (await client.get("/v1/claim-settings", headers=world.headers("admin_county"))).json()
    assert (county["second_approval_above_pence"], county["cost_codes"]) == (50000, {})
    assert (await client.get("/v1/claim-settings", headers=world.headers("manager_a"))).status_code == 403


async def set_settings(
    client: httpx.AsyncClient, world: World, threshold: int | None, codes: dict[str, str]
) -> None:
    admin = world.headers("admin_city")
    etag = (await client.get("/v1/claim-settings", headers=admin)).headers["ETag"]
    body = {"second_approval_above_pence": threshold, "cost_codes": codes}
    r = await client.put("/v1/claim-settings", json=body, headers={**admin, "If-Match": etag})
    assert r.status_code == 200, r.text


async def test_raising_the_threshold_lets_one_manager_approve_a_570_pound_claim(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    assert (await make_claim(client, pa, who.id, 25000, 32000))["approvals_needed"] == 2
    await set_settings(client, world, 60000, {})
    claim = await make_claim(client, pa, who.id, 25000, 32000)
    assert claim["approvals_needed"] == 1
    r = await act(client, world.headers("manager_a"), claim["id"], "approve")
    assert (r.json()["status"], r.json()["approved_pence"]) == ("approved", 57000)
    await set_settings(client, world, None, {})  # none: one approver, whatever the amount
    assert (await make_claim(client, pa, who.id, 200000))["approvals_needed"] == 1


async def test_the_cost_code_set_is_on_the_payments_in_the_spending_report(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager = world.headers("manager_a")
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 40000)
    await act(client, manager, claim["id"], "approve")
    before = (await pay(client, manager, claim["id"], 10000)).json()
    await set_settings(client, world, 50000, {SETTING_UP_HOME: "LC4101"})
    after = (await pay(client, manager, claim["id"], 30000)).json()

    today = uk_today().isoformat()
    r = await client.get(
        "/v1/reports/spending", params={"from": today, "to": today}, headers=world.headers("admin_city")
    )
    assert r.status_code == 200, r.text
    rows = {row["payment_id"]: row for row in r.json()["items"]}
    assert rows[before["id"]]["cost_code"] is None  # booked before the code was set
    row = rows[after["id"]]
    assert (row["cost_code"], row["amount_pence"], row["entitlement_code"], row["claim_id"]) == (
        "LC4101",
        30000,
        SETTING_UP_HOME,
        claim["id"],
    )
    assert row["team_id"] == str(world.users["pa_a1"].team_id)
    assert who.person.family_name not in r.text and who.id not in r.text  # no more than finance needs
    county = await client.get(
        "/v1/reports/spending", params={"from": today, "to": today}, headers=world.headers("admin_county")
    )
    assert county.json()["items"] == []
