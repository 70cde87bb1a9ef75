"""Optimistic concurrency: every change to a version needs the ETag its author read, so two people editing
never overwrite each other silently."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.settings import Settings
from app.main import create_app
from tests.pathway_plans.support import complete_body, edit, start
from tests.support.databases import migrate, throwaway_database
from tests.support.world import World, build_world


async def test_the_second_edit_with_the_same_etag_is_refused_and_nothing_is_lost(
    client: httpx.AsyncClient, world: World
) -> None:
    pa, colleague = world.headers("pa_a1"), world.headers("manager_a")
    draft = (await start(client, world.id("p_a1"), pa)).json()
    mine = await edit(client, draft, {"contingency_plan": "Stay with her sister for a week."}, pa)
    assert mine.status_code == 200
    theirs = await edit(
        client, draft, {"people_involved": [{"name": "Sam", "relationship": "Youth worker"}]}, colleague
    )
    assert theirs.status_code == 412
    problem = theirs.json()
    assert problem["code"] == "request.precondition_failed"
    assert problem["etag"] == mine.json()["etag"] == mine.headers["ETag"]
    # The first change stands; the second, re-read and sent again, is added to it.
    current = (await client.get(f"/v1/pathway-plans/{draft['id']}", headers=colleague)).json()
    assert current["contingency_plan"] == "Stay with her sister for a week."
    again = await edit(
        client, current, {"people_involved": [{"name": "Sam", "relationship": "Youth worker"}]}, colleague
    )
    assert again.status_code == 200
    assert again.json()["contingency_plan"] == "Stay with her sister for a week."
    assert again.json()["people_involved"] == [
        {"name": "Sam", "relationship": "Youth worker", "how_they_help": None}
    ]


@pytest.mark.parametrize(
    ("if_match", "status", "code"),
    [
        (None, 428, "request.precondition_required"),
        ("*", 428, "request.precondition_required"),
        ('"not-this-one"', 412, "request.precondition_failed"),
    ],
)
async def test_changes_need_the_current_etag(
    client: httpx.AsyncClient, world: World, if_match: str | None, status: int, code: str
) -> None:
    pa = world.headers("pa_a1")
    draft = (await start(client, world.id("p_a1"), pa)).json()
    headers = pa if if_match is None else {**pa, "If-Match": if_match}
    for response in (
        await client.patch(
            f"/v1/pathway-plans/{draft['id']}", json={"contingency_plan": "x"}, headers=headers
        ),
        await client.post(f"/v1/pathway-plans/{draft['id']}/submit", headers=headers),
    ):
        assert (response.status_code, response.json()["code"]) == (status, code)
    # A weak validator never matches for a change (RFC 9110 strong comparison).
    weak = await client.patch(
        f"/v1/pathway-plans/{draft['id']}",
        json={"contingency_plan": "x"},
        headers={**pa, "If-Match": f"W/{draft['etag']}"},
    )
    assert weak.status_code == 412
    unchanged = (await client.get(f"/v1/pathway-plans/{draft['id']}", headers=pa)).json()
    assert (unchanged["contingency_plan"], unchanged["etag"]) == (None, draft["etag"])


async def test_a_list_of_etags_matches_any(client: httpx.AsyncClient, world: World) -> None:
    pa = world.headers("pa_a1")
    draft = (await start(client, world.id("p_a1"), pa)).json()
    response = await client.patch(
        f"/v1/pathway-plans/{draft['id']}",
        json={"contingency_plan": "x"},
        headers={**pa, "If-Match": f'"stale", {draft["etag"]}'},
    )
    assert response.status_code == 200


@pytest.mark.slow
async def test_two_truly_concurrent_edits_one_wins_the_other_gets_412(
    tmp_path: Path, settings: Settings
) -> None:
    """Two requests in flight at once against a real database (committed transactions, the app's own pool):
    the conditional UPDATE lets exactly one through, whatever the interleaving."""
    with throwaway_database(tmp_path, "etags") as url:
        migrate(url)
        app = create_app(settings.model_copy(update={"database_url": url}))
        try:
            async with app.state.db.unit_of_work() as session:
                world = await build_world(session, settings)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                pa, manager = world.headers("pa_a1"), world.headers("manager_a")
                draft = (await start(client, world.id("p_a1"), pa)).json()
                bodies: list[tuple[dict[str, Any], dict[str, str]]] = [
                    ({"contingency_plan": "Version A"}, pa),
                    ({**complete_body(), "contingency_plan": "Version B"}, manager),
                ]
                results = await asyncio.gather(*(edit(client, draft, body, who) for body, who in bodies))
                statuses = sorted(r.status_code for r in results)
                assert statuses == [200, 412], [r.text for r in results]
                winner = next(r.json() for r in results if r.status_code == 200)
                final = (await client.get(f"/v1/pathway-plans/{draft['id']}", headers=pa)).json()
                # What was saved is exactly the winner's: no mixture of the two.
                assert final["contingency_plan"] == winner["contingency_plan"]
                assert final["sections"] == winner["sections"]
                assert final["etag"] == winner["etag"]
        finally:
            await app.state.db.dispose()
