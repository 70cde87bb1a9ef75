"""Every read and change of a person's data leaves exactly one audit event, and the person can see it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent, AuditEventSubject
from app.core.clock import utc_now
from tests.support.world import World


async def events_since(session: AsyncSession, marker: uuid.UUID | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.occurred_at, AuditEvent.id)
    events = list((await session.execute(stmt)).scalars())
    if marker is None:
        return events
    index = next(i for i, e in enumerate(events) if e.id == marker)
    return events[index + 1 :]


async def last_event_id(session: AsyncSession) -> uuid.UUID | None:
    events = await events_since(session)
    return events[-1].id if events else None


async def subjects(session: AsyncSession, event: AuditEvent) -> set[uuid.UUID]:
    stmt = select(AuditEventSubject.care_leaver_id).where(AuditEventSubject.event_id == event.id)
    return set((await session.execute(stmt)).scalars())


async def new_events(session: AsyncSession, before: uuid.UUID | None) -> list[AuditEvent]:
    return await events_since(session, before) if before else await events_since(session)


async def test_reading_a_person_records_one_read_event(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    before = await last_event_id(session)
    response = await client.get(f"/v1/care-leavers/{world.id('p_a1')}", headers=world.headers("pa_a2"))
    assert response.status_code == 200
    (event,) = await new_events(session, before)
    assert event.action == "read"
    assert event.resource_type == "care_leaver"
    assert event.resource_id == str(world.id("p_a1"))
    assert event.actor_id == world.users["pa_a2"].id
    assert event.actor_role == "personal_adviser"
    assert event.actor_organisation == "Team A"
    assert event.request_id == response.headers["x-request-id"]
    assert event.local_authority_id == world.people["p_a1"].local_authority_id
    assert event.outcome == "success"
    assert await subjects(session, event) == {world.id("p_a1")}


async def test_a_list_is_one_event_linked_to_everyone_it_showed(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    before = await last_event_id(session)
    response = await client.get("/v1/care-leavers", headers=world.headers("pa_a1"))
    shown = {uuid.UUID(p["id"]) for p in response.json()["items"]}
    (event,) = await new_events(session, before)
    assert event.action == "list"
    assert event.subject_count == len(shown) == 3
    assert await subjects(session, event) == shown


async def test_a_change_records_which_fields_changed_not_their_values(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    before = await last_event_id(session)
    response = await client.patch(
        f"/v1/care-leavers/{world.id('p_a1')}",
        json={"preferred_name": "Secret Name"},
        headers=world.headers("pa_a1"),
    )
    assert response.status_code == 200
    events = await new_events(session, before)
    assert [e.action for e in events] == ["update"]  # the re-read for the response is not a second read
    assert events[0].details == {"fields": ["preferred_name"]}
    assert "Secret Name" not in str(events[0].details)


async def test_a_refused_read_changes_nothing_and_records_no_read(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    before = await last_event_id(session)
    response = await client.get(f"/v1/care-leavers/{world.id('p_a1')}", headers=world.headers("pa_b1"))
    assert response.status_code == 404
    assert await new_events(session, before) == []


async def test_the_young_person_sees_who_looked_at_their_record(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await client.get(f"/v1/care-leavers/{world.id('p_a1')}", headers=world.headers("pa_a1"))
    await client.get("/v1/care-leavers", headers=world.headers("admin_city"))
    await client.get(
        f"/v1/care-leavers/{world.id('p_a1')}", headers=world.headers("leaver_a1")
    )  # their own look
    log = (await client.get("/v1/me/access-log", headers=world.headers("leaver_a1"))).json()["items"]
    assert [(e["action"], e["what"], e["role"], e["organisation"]) for e in log] == [
        ("list", "care_leaver", "la_admin", "Nottingham City Council"),
        ("read", "care_leaver", "personal_adviser", "Team A"),
    ]
    # Role and team or council only: never a member of staff's name.
    assert all(set(e) == {"occurred_at", "action", "what", "role", "organisation", "outcome"} for e in log)
    own = (await client.get("/v1/me/access-log?include_own=true", headers=world.headers("leaver_a1"))).json()[
        "items"
    ]
    assert any(e["role"] == "care_leaver" for e in own)
    # Another young person's log does not show these looks.
    other = (await client.get("/v1/me/access-log", headers=world.headers("leaver_a2"))).json()["items"]
    assert all(e["action"] == "list" for e in other)


async def test_the_admin_filters_the_council_s_trail(client: httpx.AsyncClient, world: World) -> None:
    start = utc_now() - timedelta(seconds=1)
    await client.get(f"/v1/care-leavers/{world.id('p_a1')}", headers=world.headers("pa_a1"))
    await client.get(f"/v1/care-leavers/{world.id('p_b1')}", headers=world.headers("pa_b1"))
    await client.get(f"/v1/care-leavers/{world.id('q_ash')}", headers=world.headers("pa_n1"))
    admin = world.headers("admin_city")
    about_a1 = (
        await client.get("/v1/audit-events", params={"care_leaver_id": str(world.id("p_a1"))}, headers=admin)
    ).json()
    assert [e["resource_id"] for e in about_a1["items"]] == [str(world.id("p_a1"))]
    by_pa_b1 = (
        await client.get("/v1/audit-events", params={"actor_id": str(world.users["pa_b1"].id)}, headers=admin)
    ).json()
    assert [e["care_leaver_ids"] for e in by_pa_b1["items"]] == [[str(world.id("p_b1"))]]
    reads = (
        await client.get(
            "/v1/audit-events", params={"action": "read", "occurred_from": start.isoformat()}, headers=admin
        )
    ).json()
    ids = {e["resource_id"] for e in reads["items"]}
    # The county's events stay with the county.
    assert ids == {str(world.id("p_a1")), str(world.id("p_b1"))}
    page = (await client.get("/v1/audit-events", params={"limit": 1}, headers=admin)).json()
    assert len(page["items"]) == 1
    assert page["next"] is not None
    later = (
        await client.get(
            "/v1/audit-events",
            params={"occurred_from": (utc_now() + timedelta(hours=1)).isoformat()},
            headers=admin,
        )
    ).json()
    assert later["items"] == []


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_audit_events_cannot_be_changed_through_the_api(
    method: str, client: httpx.AsyncClient, world: World
) -> None:
    response = await client.request(method, "/v1/audit-events", headers=world.headers("admin_city"))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'read'", "DELETE FROM audit_event"])
async def test_the_database_refuses_to_rewrite_the_trail(
    statement: str, client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await client.get(f"/v1/care-leavers/{world.id('p_a1')}", headers=world.headers("pa_a1"))
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))
