"""Who sees whom: lists are scoped by the same rules the policy applies to one person."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Access
from app.auth.policy import person_access
from app.auth.repository import AuthRepository, principal_for
from app.care_leavers.repository import CareLeaverFilters, CareLeaverRepository
from app.core.clock import uk_today
from tests.support.world import World

CITY_PEOPLE = {"p_a1", "p_a2", "p_a3", "p_b1", "p_free"}
EXPECTED_LISTS = {
    "pa_a1": {"p_a1", "p_a2", "p_a3"},  # own caseload, and team A's read-only
    "pa_a2": {"p_a1", "p_a2", "p_a3"},
    "pa_b1": {"p_b1"},
    "manager_a": {"p_a1", "p_a2", "p_a3", "p_free"},  # the team, and the unallocated
    "admin_city": CITY_PEOPLE,
    "pa_n1": {"q_ash", "q_ash_private"},
    "manager_n": {"q_ash", "q_ash_private", "q_rush"},
    "admin_county": {"q_ash", "q_ash_private", "q_rush"},
}


async def listed(client: httpx.AsyncClient, world: World, actor: str, **params: str) -> set[str]:
    names = {v.id: k for k, v in world.people.items()}
    response = await client.get(
        "/v1/care-leavers", params={"limit": "100", **params}, headers=world.headers(actor)
    )
    assert response.status_code == 200, response.text
    return {names[uuid.UUID(p["id"])] for p in response.json()["items"] if uuid.UUID(p["id"]) in names}


@pytest.mark.parametrize("actor", sorted(EXPECTED_LISTS))
async def test_each_role_lists_exactly_its_people(
    actor: str, client: httpx.AsyncClient, world: World
) -> None:
    assert await listed(client, world, actor) == EXPECTED_LISTS[actor]


async def test_the_list_and_the_policy_agree_for_every_actor_and_person(
    session: AsyncSession, world: World
) -> None:
    """The SQL scope and the policy predicate are two forms of one rule; they must never drift apart."""
    repo = CareLeaverRepository(session)
    today = uk_today()
    for actor, account in world.users.items():
        user = await AuthRepository(session).user(account.id)
        assert user is not None
        principal = principal_for(user, None)
        window = await repo.page_visible(principal, CareLeaverFilters(), today, limit=100, cursor=None)
        in_list = {p.id for p in window.items}
        for name, person in world.people.items():
            found = await repo.scope(person.id, today)
            assert found is not None
            readable = person_access(principal, found[1]) >= Access.READ
            assert readable == (person.id in in_list), (
                f"{actor} / {name}: policy {readable}, list {person.id in in_list}"
            )


async def test_filters_and_search_stay_inside_the_scope(client: httpx.AsyncClient, world: World) -> None:
    assert await listed(client, world, "admin_city", q="alpha") == {"p_a1"}
    assert await listed(client, world, "admin_city", q=world.people["p_b1"].case_reference) == {"p_b1"}
    assert await listed(client, world, "admin_city", unallocated="true") == {"p_free"}
    assert await listed(client, world, "admin_city", adviser_id=str(world.users["pa_a1"].id)) == {
        "p_a1",
        "p_a3",
    }
    # Searching for someone in another council finds nothing, rather than telling you they exist.
    assert await listed(client, world, "admin_city", q="foxtrot") == set()
    assert await listed(client, world, "admin_county", district="E07000170") == {"q_ash", "q_ash_private"}


async def test_pages_of_a_scoped_list_join_up(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("admin_city")
    seen: list[str] = []
    url = "/v1/care-leavers?limit=2"
    while url:
        body = (await client.get(url, headers=headers)).json()
        seen += [p["family_name"] for p in body["items"]]
        url = body["next"]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == len(CITY_PEOPLE)


async def test_fields_a_role_may_not_set_are_refused_not_ignored(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {
        "case_reference": "X-1",
        "given_name": "A",
        "family_name": "B",
        "date_of_birth": "2006-01-01",
        "local_authority": "E10000024",
    }
    response = await client.post("/v1/care-leavers", json=body, headers=world.headers("admin_city"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["local_authority"]
    patch = await client.patch(
        f"/v1/care-leavers/{world.id('p_a1')}",
        json={"case_reference": "MINE"},
        headers=world.headers("pa_a1"),
    )
    assert patch.status_code == 422
    assert patch.json()["errors"][0]["field"] == "case_reference"
    user = {
        "email": "x@test.example",
        "display_name": "X",
        "kind": "staff",
        "roles": ["personal_adviser"],
        "local_authority": "E10000024",
    }
    response = await client.post("/v1/users", json=user, headers=world.headers("admin_city"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "local_authority"


async def test_a_record_is_created_in_the_caller_s_council(client: httpx.AsyncClient, world: World) -> None:
    body = {
        "case_reference": "NEW-1",
        "given_name": "New",
        "family_name": "Person",
        "date_of_birth": "2007-02-28",
    }
    response = await client.post("/v1/care-leavers", json=body, headers=world.headers("manager_n"))
    assert response.status_code == 201
    assert response.json()["local_authority"] == "E10000024"
    assert response.headers["location"] == f"/v1/care-leavers/{response.json()['id']}"
    again = await client.post("/v1/care-leavers", json=body, headers=world.headers("admin_county"))
    assert again.status_code == 409
    assert again.json()["code"] == "care_leaver.case_reference_taken"
    # The same case reference in the other council is another person.
    other = await client.post("/v1/care-leavers", json=body, headers=world.headers("admin_city"))
    assert other.status_code == 201


async def test_bad_values_are_refused_field_by_field(client: httpx.AsyncClient, world: World) -> None:
    body = {"case_reference": "A\u0000B", "given_name": "", "family_name": "B", "date_of_birth": 0}
    response = await client.post("/v1/care-leavers", json=body, headers=world.headers("admin_city"))
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(fields) == {"case_reference", "given_name", "date_of_birth"}
    assert "control characters" in fields["case_reference"]
    assert "YYYY-MM-DD" in fields["date_of_birth"]
    future = {**body, "case_reference": "OK", "given_name": "A", "date_of_birth": "2999-01-01"}
    response = await client.post("/v1/care-leavers", json=future, headers=world.headers("admin_city"))
    assert response.json()["errors"][0]["message"].endswith("cannot be in the future")
