"""Lists across young people: reviews due (scoped, filtered, paginated, with overdue days), plans waiting
for authorisation, and the caseload summary other domains read."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import uk_today
from app.pathway_plans.enums import ReviewReason
from app.pathway_plans.models import PathwayPlan
from app.pathway_plans.service import plan_summaries
from tests.pathway_plans.support import action, authorised_plan, complete_body, edit, start, step
from tests.support import factories as f
from tests.support.world import World


async def _set_due(session: AsyncSession, plan_id: str, due: date) -> None:
    await session.execute(
        update(PathwayPlan)
        .where(PathwayPlan.id == uuid.UUID(plan_id))
        .values(review_due_on=due, review_due_reason=ReviewReason.SIX_MONTHLY)
    )
    await session.flush()


async def test_reviews_due_are_scoped_filtered_and_show_days_overdue(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    today = uk_today()
    manager = world.headers("manager_a")
    plans = {
        key: await authorised_plan(client, world.id(key), world.headers(pa), world.headers(boss))
        for key, pa, boss in (
            ("p_a1", "pa_a1", "manager_a"),
            ("p_a2", "pa_a2", "manager_a"),
            ("p_a3", "pa_a1", "manager_a"),
            ("p_b1", "pa_b1", "admin_city"),  # team B has no manager in the test world
        )
    }
    await _set_due(session, plans["p_a1"]["id"], today - timedelta(days=10))
    await _set_due(session, plans["p_a2"]["id"], today + timedelta(days=5))
    await _set_due(session, plans["p_a3"]["id"], today - timedelta(days=1))
    url = "/v1/pathway-plans/reviews-due"

    team = (await client.get(url, headers=world.headers("pa_a1"))).json()["items"]
    assert [(i["care_leaver_id"], i["days_overdue"]) for i in team] == [
        (str(world.id("p_a1")), 10),
        (str(world.id("p_a3")), 1),
        (str(world.id("p_a2")), 0),
    ]
    assert team[0]["adviser"]["id"] == str(world.users["pa_a1"].id)
    # Overdue only; one adviser; paginated with a cursor.
    overdue = (await client.get(url, params={"due_before": today.isoformat()}, headers=manager)).json()[
        "items"
    ]
    assert [i["care_leaver_id"] for i in overdue] == [str(world.id("p_a1")), str(world.id("p_a3"))]
    mine = (
        await client.get(url, params={"adviser_id": str(world.users["pa_a2"].id)}, headers=manager)
    ).json()["items"]
    assert [i["care_leaver_id"] for i in mine] == [str(world.id("p_a2"))]
    first = (await client.get(url, params={"limit": 2}, headers=manager)).json()
    second = (await client.get(first["next"], headers=manager)).json()
    assert len(first["items"]) == 2 and [i["care_leaver_id"] for i in second["items"]] == [
        str(world.id("p_a2"))
    ]
    # Another team's adviser and another council see none of them; an admin sees the council's four.
    assert [
        i["care_leaver_id"] for i in (await client.get(url, headers=world.headers("pa_b1"))).json()["items"]
    ] == [str(world.id("p_b1"))]
    assert (await client.get(url, headers=world.headers("admin_county"))).json()["items"] == []
    assert len((await client.get(url, headers=world.headers("admin_city"))).json()["items"]) == 4


async def test_a_manager_finds_the_plans_waiting_for_authorisation(
    client: httpx.AsyncClient, world: World
) -> None:
    pa = world.headers("pa_a1")
    draft = (await start(client, world.id("p_a1"), pa)).json()
    submitted = (
        await step(client, (await edit(client, draft, complete_body(), pa)).json(), "submit", pa)
    ).json()
    await start(client, world.id("p_a3"), pa)
    waiting = await client.get(
        "/v1/pathway-plans", params={"status": "submitted"}, headers=world.headers("manager_a")
    )
    assert [(i["id"], i["name"]) for i in waiting.json()["items"]] == [(submitted["id"], "Test Alpha")]
    everything = (await client.get("/v1/pathway-plans", headers=world.headers("manager_a"))).json()["items"]
    assert {i["status"] for i in everything} == {"submitted", "draft"}
    assert (await client.get("/v1/pathway-plans", headers=world.headers("manager_n"))).json()["items"] == []


def _with_late_actions() -> dict[str, object]:
    """A complete plan whose money section has one action past its date and one done already."""
    body = complete_body()
    late = [action("Call the landlord", days=-3), action("Set up a budget", days=-2, status="done")]
    body["sections"]["money"] = {
        "needs_and_risks": "Rent arrears",
        "goals": [{"description": "Clear arrears", "actions": late}],
    }
    return body


async def test_caseload_summaries_in_a_constant_number_of_queries(
    client: httpx.AsyncClient, world: World, session: AsyncSession, count_queries: list[str]
) -> None:
    pa, manager = world.headers("pa_a1"), world.headers("manager_a")
    ids, plans = [], []
    for number in range(6):
        person = await f.care_leaver(session, adviser=world.users["pa_a1"], family_name=f"Caseload{number}")
        ids.append(person.id)
        body = _with_late_actions() if number % 2 == 0 else None
        plans.append(await authorised_plan(client, person.id, pa, manager, body))
    nobody = await f.care_leaver(session, adviser=world.users["pa_a1"], family_name="NoPlan")
    today = uk_today()
    count_queries.clear()
    summaries = await plan_summaries(session, [*ids, nobody.id], today)
    assert len(count_queries) <= 3  # whatever the number of people
    assert [summaries[i].overdue_actions for i in ids] == [1, 0, 1, 0, 1, 0]
    assert [summaries[i].review_due_on for i in ids] == [
        date.fromisoformat(p["review"]["due_on"]) for p in plans
    ]
    assert nobody.id not in summaries
    # Progress counts: the overdue action marked done is no longer overdue.
    late = next(a for s in plans[0]["sections"] for g in s["goals"] for a in g["actions"] if a["overdue"])
    assert late["description"] == "Call the landlord"
    progress = {"action_id": late["id"], "status": "done"}
    done = await client.post(f"/v1/pathway-plans/{plans[0]['id']}/action-progress", json=progress, headers=pa)
    assert done.status_code == 201
    assert (await plan_summaries(session, [ids[0]], today))[ids[0]].overdue_actions == 0
    assert await plan_summaries(session, [], today) == {}


async def test_a_closed_case_leaves_the_review_queue(client: httpx.AsyncClient, world: World) -> None:
    """Closing takes a young person out of the working lists; their plan stays readable."""
    plan = await authorised_plan(client, world.id("p_a1"), world.headers("pa_a1"), world.headers("manager_a"))
    closed = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/closure",
        json={"closed_on": uk_today().isoformat(), "reason": "moved_away"},
        headers=world.headers("manager_a"),
    )
    assert closed.status_code == 200
    assert (await client.get("/v1/pathway-plans/reviews-due", headers=world.headers("pa_a1"))).json()[
        "items"
    ] == []
    assert (
        await client.get(f"/v1/pathway-plans/{plan['id']}", headers=world.headers("pa_a1"))
    ).status_code == 200
