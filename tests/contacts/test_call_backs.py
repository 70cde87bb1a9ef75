"""A young person asks to be called back; their adviser and team see it until it is answered or withdrawn."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.contacts.service import contact_summaries
from app.core.clock import uk_today, utc_now
from tests.contacts.helpers import events_after, latest_event_id
from tests.support.world import World


def window(starts_in_hours: float = 1, ends_in_hours: float = 3, **extra: Any) -> dict[str, Any]:
    now = utc_now()
    return {
        "window_starts_at": (now + timedelta(hours=starts_in_hours)).isoformat(),
        "window_ends_at": (now + timedelta(hours=ends_in_hours)).isoformat(),
        **extra,
    }


async def ask(
    client: httpx.AsyncClient, world: World, actor: str = "leaver_a1", **extra: Any
) -> httpx.Response:
    return await client.post("/v1/me/contact-requests", json=window(**extra), headers=world.headers(actor))


async def test_a_request_is_open_until_a_contact_answers_it(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    asked = await ask(client, world, preferred_method="phone", message="About my bursary")
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["status"], request["preferred_method"], request["message"]) == (
        "open",
        "phone",
        "About my bursary",
    )
    person = world.id("p_a1")
    # The adviser's caseload and the team see it.
    assert (await contact_summaries(session, [person], uk_today()))[person].open_contact_requests == 1
    listed = await client.get(
        f"/v1/care-leavers/{person}/contact-requests",
        params={"status": "open"},
        headers=world.headers("pa_a2"),
    )
    assert [r["id"] for r in listed.json()["items"]] == [request["id"]]
    # An unanswered call does not answer it.
    attempt = {
        "occurred_at": (utc_now() - timedelta(minutes=5)).isoformat(),
        "method": "phone",
        "initiated_by": "staff",
        "outcome": "attempt",
        "purpose": "Call back",
        "summary": "No answer.",
        "answers_request_id": request["id"],
    }
    refused = await client.post(
        f"/v1/care-leavers/{person}/contacts", json=attempt, headers=world.headers("pa_a1")
    )
    assert refused.status_code == 422
    answered = await client.post(
        f"/v1/care-leavers/{person}/contacts",
        json={**attempt, "outcome": "spoken", "summary": "Talked through the bursary form."},
        headers=world.headers("pa_a1"),
    )
    assert answered.status_code == 201, answered.text
    assert answered.json()["answers_request_id"] == request["id"]
    (mine,) = (await client.get("/v1/me/contact-requests", headers=world.headers("leaver_a1"))).json()[
        "items"
    ]
    assert (mine["status"], mine["answered_by_contact_id"]) == ("answered", answered.json()["id"])
    assert mine["answered_by"]["id"] == str(world.users["pa_a1"].id)
    assert (await contact_summaries(session, [person], uk_today()))[person].open_contact_requests == 0
    # A second contact cannot answer it again.
    again = await client.post(
        f"/v1/care-leavers/{person}/contacts",
        json={**attempt, "outcome": "spoken"},
        headers=world.headers("pa_a1"),
    )
    assert again.status_code == 409 and again.json()["code"] == "contact_request.closed"


async def test_one_open_request_at_a_time_and_the_young_person_may_withdraw_it(
    client: httpx.AsyncClient, world: World
) -> None:
    first = (await ask(client, world)).json()
    twice = await ask(client, world)
    assert twice.status_code == 409 and twice.json()["code"] == "contact_request.already_open"
    path = f"/v1/contact-requests/{first['id']}"
    staff_withdrawing = await client.patch(path, json={"status": "withdrawn"}, headers=world.headers("pa_a1"))
    assert staff_withdrawing.status_code == 422
    self_answering = await client.patch(path, json={"status": "answered"}, headers=world.headers("leaver_a1"))
    assert self_answering.status_code == 422
    withdrawn = await client.patch(path, json={"status": "withdrawn"}, headers=world.headers("leaver_a1"))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn" and withdrawn.json()["withdrawn_at"] is not None
    repeated = await client.patch(path, json={"status": "withdrawn"}, headers=world.headers("leaver_a1"))
    assert repeated.status_code == 200 and repeated.json()["withdrawn_at"] == withdrawn.json()["withdrawn_at"]
    too_late = await client.patch(path, json={"status": "answered"}, headers=world.headers("pa_a1"))
    assert too_late.status_code == 409
    assert (await ask(client, world)).status_code == 201  # a new one once the last is closed


async def test_staff_mark_a_request_answered_and_nobody_else_reaches_it(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    path = f"/v1/contact-requests/{world.ids['request_a2']}"
    for outsider in ("leaver_a1", "pa_b1", "admin_county"):
        response = await client.patch(path, json={"status": "answered"}, headers=world.headers(outsider))
        assert response.status_code == 404, outsider
        assert response.json()["code"] == "contact_request.not_found"
    marker = await latest_event_id(session)
    answered = await client.patch(path, json={"status": "answered"}, headers=world.headers("manager_a"))
    assert answered.status_code == 200
    body = answered.json()
    assert (body["status"], body["answered_by"]["id"], body["answered_by_contact_id"]) == (
        "answered",
        str(world.users["manager_a"].id),
        None,
    )
    ((event, people),) = await events_after(session, marker)
    assert (event.action, event.resource_type, people) == ("update", "contact_request", {world.id("p_a2")})


async def test_the_time_window_must_be_sensible(client: httpx.AsyncClient, world: World) -> None:
    backwards = await ask(client, world, starts_in_hours=5, ends_in_hours=2)
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "window_ends_at"
    far = await ask(client, world, starts_in_hours=24 * 40, ends_in_hours=24 * 41)
    assert far.status_code == 422
    assert {e["field"] for e in far.json()["errors"]} == {"window_starts_at", "window_ends_at"}
    assert (await ask(client, world, message="")).status_code == 422
    # The app works offline: a request it sends late, for a time already past, still reaches the adviser.
    late = await ask(client, world, starts_in_hours=-20, ends_in_hours=-18)
    assert late.status_code == 201 and late.json()["status"] == "open"


async def test_a_set_time_is_a_window_that_starts_and_ends_together(
    client: httpx.AsyncClient, world: World
) -> None:
    at = (utc_now() + timedelta(days=1)).isoformat()
    response = await client.post(
        "/v1/me/contact-requests",
        json={"window_starts_at": at, "window_ends_at": at},
        headers=world.headers("leaver_a1"),
    )
    assert response.status_code == 201
