"""Who is overdue a contact, by each council's policy, scoped exactly as the care-leaver list is."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.auth.models import Team
from app.care_leavers import hooks
from app.care_leavers.models import AdviserAllocation
from app.contacts.enums import ContactOutcome
from tests.contacts.helpers import (
    arrange_duty,
    arrange_person,
    born,
    day,
    events_after,
    latest_event_id,
    noon,
)
from tests.support import factories as f
from tests.support.world import World

# days overdue of each person in the arranged world (absent: not overdue). Everyone here is former
# relevant, so the council must keep in touch; the clock runs from the last counting contact, or else from
# the allocation or the start of that duty, whichever is later (never from when the record was loaded).
OVERDUE = {
    "p_a3": 44,  # never reached; adviser allocated 100 days ago (city: every 56 days)
    "p_a1": 14,  # seen 70 days ago
    "p_b1": 4,  # only attempts; adviser allocated 60 days ago
    "p_free": 1,  # nobody's caseload; left care at 18, 57 days ago
    "q_ash": 44,  # 20, never reached; adviser allocated 100 days ago (county, under 21: every 56 days)
    "q_rush": 35,  # 22, asked for an adviser and has one; seen 400 days ago (county, 21 to 24: once a year)
}
EXPECTED = {
    "pa_a1": ["p_a3", "p_a1"],  # own caseload and team A, most overdue first
    "pa_a2": ["p_a3", "p_a1"],
    "pa_b1": ["p_b1"],
    "manager_a": ["p_a3", "p_a1", "p_free"],  # the team and the unallocated
    "admin_city": ["p_a3", "p_a1", "p_b1", "p_free"],
    "pa_n1": ["q_ash", "q_rush"],  # own caseload and team N
    "manager_n": ["q_ash", "q_rush"],
    "admin_county": ["q_ash", "q_rush"],
}


@pytest.fixture
async def arranged(session: AsyncSession, world: World) -> World:
    people, users = world.people, world.users
    for name in world.people:
        # Loaded long ago: when the record was created no longer counts.
        await arrange_person(session, world.id(name), created_days_ago=400)
    await arrange_person(session, world.id("p_free"), date_of_birth=born(18, days=-57))
    await arrange_person(session, world.id("q_ash"), date_of_birth=born(21, days=200))
    await arrange_person(session, world.id("q_rush"), date_of_birth=born(22))
    # 21 twenty days ago and last seen 70 days ago: in the yearly band now, so not overdue.
    await arrange_person(session, world.id("q_ash_private"), date_of_birth=born(21, days=-20))
    for name in world.people:
        await arrange_duty(session, world.id(name))
    await arrange_duty(session, world.id("p_b1"), allocated_days_ago=60)
    # q_rush asked for an adviser after 21 (CA89 s23CZB) and was given one, of team N.
    team_n = await session.get(Team, users["pa_n1"].team_id)
    pa_n2 = await f.user(session, Role.PERSONAL_ADVISER, gss=f.COUNTY, team=team_n)
    session.add(
        AdviserAllocation(
            local_authority_id=people["q_rush"].local_authority_id,
            care_leaver_id=world.id("q_rush"),
            adviser_id=pa_n2.id,
            started_on=day(100),
        )
    )
    await f.contact(session, people["p_a1"], users["pa_a1"], occurred_at=noon(70))
    await f.contact(
        session, people["p_a2"], users["pa_a2"], occurred_at=noon(10), outcome=ContactOutcome.SPOKEN
    )
    for days_ago in (50, 20, 2):
        await f.contact(
            session,
            people["p_b1"],
            users["pa_b1"],
            occurred_at=noon(days_ago),
            outcome=ContactOutcome.ATTEMPT,
        )
    await f.contact(session, people["q_rush"], users["manager_n"], occurred_at=noon(400))
    await f.contact(session, people["q_ash_private"], users["pa_n1"], occurred_at=noon(70))
    await hooks.records_changed(session, [p.id for p in people.values()])
    return world


async def overdue(
    client: httpx.AsyncClient, world: World, actor: str, **params: str
) -> list[dict[str, object]]:
    response = await client.get(
        "/v1/contacts/overdue", params={"limit": "100", **params}, headers=world.headers(actor)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def names(world: World, items: list[dict[str, object]]) -> list[str]:
    by_id = {str(person.id): name for name, person in world.people.items()}
    return [by_id[item["care_leaver"]["id"]] for item in items]  # type: ignore[index]


@pytest.mark.parametrize("actor", sorted(EXPECTED))
async def test_each_role_sees_exactly_its_overdue_people_most_overdue_first(
    actor: str, client: httpx.AsyncClient, arranged: World
) -> None:
    items = await overdue(client, arranged, actor)
    assert names(arranged, items) == EXPECTED[actor]
    assert [item["days_overdue"] for item in items] == [OVERDUE[n] for n in EXPECTED[actor]]


async def test_an_item_names_the_person_their_adviser_and_their_last_contact(
    client: httpx.AsyncClient, arranged: World
) -> None:
    items = {item["care_leaver"]["id"]: item for item in await overdue(client, arranged, "admin_city")}  # type: ignore[index]
    p_a1 = items[str(arranged.id("p_a1"))]
    person = arranged.people["p_a1"]
    assert p_a1["care_leaver"] == {
        "id": str(person.id),
        "display_name": f"{person.given_name} {person.family_name}",
        "case_reference": person.case_reference,
    }
    assert p_a1["adviser"] == {
        "id": str(arranged.users["pa_a1"].id),
        "display_name": arranged.users["pa_a1"].display_name,
    }
    assert datetime.fromisoformat(str(p_a1["last_contact_at"])) == noon(70)
    assert p_a1["next_contact_due_on"] == noon(14).date().isoformat()
    assert items[str(arranged.id("p_free"))]["adviser"] is None
    assert items[str(arranged.id("p_b1"))]["last_contact_at"] is None  # attempts only


async def test_filters_by_team_and_adviser_stay_inside_the_scope(
    client: httpx.AsyncClient, session: AsyncSession, arranged: World
) -> None:
    team_b = arranged.users["pa_b1"].team_id
    assert names(arranged, await overdue(client, arranged, "admin_city", team_id=str(team_b))) == ["p_b1"]
    pa_a1 = str(arranged.users["pa_a1"].id)
    assert names(arranged, await overdue(client, arranged, "admin_city", adviser_id=pa_a1)) == [
        "p_a3",
        "p_a1",
    ]
    # pa_b1 asking for team A's people gets nothing: filters narrow the scope, never widen it.
    team_a = str(arranged.users["pa_a1"].team_id)
    assert await overdue(client, arranged, "pa_b1", team_id=team_a) == []
    assert await overdue(client, arranged, "pa_a1", adviser_id=str(uuid.uuid4())) == []


async def test_pages_join_up_in_order(client: httpx.AsyncClient, arranged: World) -> None:
    seen: list[str] = []
    url: str | None = "/v1/contacts/overdue?limit=1"
    while url:
        body = (await client.get(url, headers=arranged.headers("admin_city"))).json()
        seen += names(arranged, body["items"])
        url = body["next"]
    assert seen == EXPECTED["admin_city"]


async def test_one_audit_event_per_list_linked_to_each_person_shown(
    client: httpx.AsyncClient, session: AsyncSession, arranged: World
) -> None:
    marker = await latest_event_id(session)
    await overdue(client, arranged, "manager_a")
    ((event, people),) = await events_after(session, marker)
    assert (event.action, event.resource_type, event.actor_id) == (
        "list",
        "overdue_contact",
        arranged.users["manager_a"].id,
    )
    assert people == {arranged.id(n) for n in EXPECTED["manager_a"]}


async def test_recording_a_contact_takes_the_person_off_the_list(
    client: httpx.AsyncClient, arranged: World
) -> None:
    response = await client.post(
        f"/v1/care-leavers/{arranged.id('p_a3')}/contacts",
        json={
            "occurred_at": noon(1).isoformat(),
            "method": "video",
            "initiated_by": "young_person",
            "outcome": "seen",
            "purpose": "Catch-up",
            "summary": "Video call; all well.",
        },
        headers=arranged.headers("pa_a2"),  # the duty adviser, covering
    )
    assert response.status_code == 201
    assert names(arranged, await overdue(client, arranged, "pa_a1")) == ["p_a1"]


async def test_a_closed_case_or_a_25th_birthday_ends_the_overdue_flag(
    client: httpx.AsyncClient, session: AsyncSession, arranged: World
) -> None:
    closed = await client.post(
        f"/v1/care-leavers/{arranged.id('p_a3')}/closure",
        json={"closed_on": day(0).isoformat(), "reason": "declined_support"},
        headers=arranged.headers("manager_a"),
    )
    assert closed.status_code == 200, closed.text
    # p_a1 turned 25 yesterday: the due date kept from before means nothing now.
    await arrange_person(session, arranged.id("p_a1"), date_of_birth=born(25, days=-1))
    assert names(arranged, await overdue(client, arranged, "admin_city")) == ["p_b1", "p_free"]
    # The care-leaver list's overdue filter agrees with the overdue list.
    listed = await client.get(
        "/v1/care-leavers",
        params={"overdue_contact": "true", "limit": "100"},
        headers=arranged.headers("admin_city"),
    )
    assert listed.status_code == 200, listed.text
    assert {item["id"] for item in listed.json()["items"]} == {
        str(arranged.id("p_b1")),
        str(arranged.id("p_free")),
    }
