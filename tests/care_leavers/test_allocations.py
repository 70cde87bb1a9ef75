"""Personal adviser allocation: history kept, a new allocation ends the old one, caseloads follow."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.core.clock import uk_today
from tests.support.world import World


async def test_a_new_allocation_ends_the_previous_one_and_moves_the_caseload(
    client: httpx.AsyncClient, world: World
) -> None:
    person = world.id("p_a1")
    today = uk_today()
    response = await client.post(
        f"/v1/care-leavers/{person}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_a2"].id), "started_on": today.isoformat()},
        headers=world.headers("manager_a"),
    )
    assert response.status_code == 201, response.text
    history = (
        await client.get(f"/v1/care-leavers/{person}/adviser-allocations", headers=world.headers("manager_a"))
    ).json()
    assert [(h["adviser_id"], h["ended_on"]) for h in history] == [
        (str(world.users["pa_a1"].id), today.isoformat()),
        (str(world.users["pa_a2"].id), None),
    ]
    # The record now says pa_a2, who may change it; pa_a1 is left with read access through the team.
    record = (await client.get(f"/v1/care-leavers/{person}", headers=world.headers("pa_a1"))).json()
    assert record["adviser"]["id"] == str(world.users["pa_a2"].id)
    assert (
        await client.patch(
            f"/v1/care-leavers/{person}", json={"preferred_name": "X"}, headers=world.headers("pa_a1")
        )
    ).status_code == 403
    assert (
        await client.patch(
            f"/v1/care-leavers/{person}", json={"preferred_name": "X"}, headers=world.headers("pa_a2")
        )
    ).status_code == 200


async def test_a_manager_allocates_only_their_own_team_s_advisers(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_free')}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_b1"].id)},
        headers=world.headers("manager_a"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "adviser_id"
    ok = await client.post(
        f"/v1/care-leavers/{world.id('p_free')}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_a1"].id)},
        headers=world.headers("manager_a"),
    )
    assert ok.status_code == 201
    # Allocated to team A, the young person is now on pa_a1's caseload.
    listed = (
        await client.get(
            "/v1/care-leavers",
            params={"adviser_id": str(world.users["pa_a1"].id)},
            headers=world.headers("pa_a1"),
        )
    ).json()
    assert str(world.id("p_free")) in {p["id"] for p in listed["items"]}


async def test_an_allocation_cannot_start_before_the_current_one(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/adviser-allocations",
        json={
            "adviser_id": str(world.users["pa_a2"].id),
            "started_on": (uk_today() - timedelta(days=365)).isoformat(),
        },
        headers=world.headers("admin_city"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "started_on"
