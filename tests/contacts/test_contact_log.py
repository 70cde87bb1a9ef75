"""Recording and amending contacts: what counts, what is kept, who sees what, and the audit trail."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers import hooks
from app.contacts.models import Contact
from app.core.clock import utc_now
from tests.contacts.helpers import (
    arrange_duty,
    arrange_person,
    born,
    contact_status,
    day,
    events_after,
    latest_event_id,
    noon,
)
from tests.support.world import World

SUMMARY = "Talked about the gas bill and her college course; worried about rent arrears."


async def with_duty(
    session: AsyncSession, world: World, name: str, *, allocated_days_ago: int | None = None
) -> None:
    """Make a world person someone the council must keep in touch with (former relevant)."""
    await arrange_duty(session, world.id(name), allocated_days_ago=allocated_days_ago)
    await hooks.records_changed(session, [world.id(name)])


def contact(days_ago: int, outcome: str = "seen", **extra: Any) -> dict[str, Any]:
    return {
        "occurred_at": noon(days_ago).isoformat(),
        "method": "face_to_face_home" if outcome == "seen" else "phone",
        "initiated_by": "staff",
        "outcome": outcome,
        "purpose": "Statutory visit",
        "summary": SUMMARY,
        **extra,
    }


async def record(
    client: httpx.AsyncClient, world: World, actor: str, person: str, body: dict[str, Any]
) -> Any:
    response = await client.post(
        f"/v1/care-leavers/{world.id(person)}/contacts", json=body, headers=world.headers(actor)
    )
    assert response.status_code == 201, response.text
    return response


async def test_a_seen_contact_sets_the_last_contact_and_the_next_due_date(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await with_duty(session, world, "p_a1")
    response = await record(client, world, "pa_a1", "p_a1", contact(10))
    body = response.json()
    assert response.headers["location"] == f"/v1/care-leavers/{world.id('p_a1')}/contacts/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert body["summary"] == SUMMARY
    assert body["recorded_by"]["id"] == str(world.users["pa_a1"].id)
    assert body["recorded_by_role"] == "personal_adviser"
    assert body["version"] == 1 and body["previous_versions"] == []
    # Nottingham City: every 8 weeks from the day they were seen.
    assert await contact_status(session, world.id("p_a1")) == (noon(10), day(10) + timedelta(days=56))


async def test_spoken_counts_and_an_attempt_never_resets_the_clock(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await with_duty(session, world, "p_a3")
    await record(client, world, "pa_a1", "p_a3", contact(30, "spoken"))
    await record(client, world, "pa_a1", "p_a3", contact(5, "attempt"))
    await record(client, world, "pa_a1", "p_a3", contact(1, "attempt", method="text"))
    assert await contact_status(session, world.id("p_a3")) == (noon(30), day(30) + timedelta(days=56))
    log = await client.get(f"/v1/care-leavers/{world.id('p_a3')}/contacts", headers=world.headers("pa_a1"))
    assert [c["outcome"] for c in log.json()["items"]] == ["attempt", "attempt", "spoken"]  # newest first
    attempts = await client.get(
        f"/v1/care-leavers/{world.id('p_a3')}/contacts",
        params={"outcome": "attempt", "occurred_to": day(2).isoformat()},
        headers=world.headers("pa_a1"),
    )
    assert [c["occurred_at"][:10] for c in attempts.json()["items"]] == [day(5).isoformat()]


async def test_someone_reached_only_by_attempts_falls_overdue_from_the_allocation(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await arrange_person(session, world.id("p_a3"), created_days_ago=400)  # loaded long before
    await with_duty(session, world, "p_a3", allocated_days_ago=70)
    for days_ago in (40, 20, 3):
        await record(client, world, "pa_a1", "p_a3", contact(days_ago, "attempt", method="text"))
    assert await contact_status(session, world.id("p_a3")) == (None, day(70) + timedelta(days=56))
    overdue = (await client.get("/v1/contacts/overdue", headers=world.headers("pa_a1"))).json()["items"]
    (item,) = [i for i in overdue if i["care_leaver"]["id"] == str(world.id("p_a3"))]
    assert item["days_overdue"] == 14
    assert item["last_contact_at"] is None


async def test_a_colleague_covering_records_contacts_but_only_the_author_manager_or_admin_amend(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    created = (await record(client, world, "pa_a2", "p_a1", contact(2, "attempt"))).json()
    entry = f"/v1/care-leavers/{world.id('p_a1')}/contacts/{created['id']}"
    change = {"outcome": "spoken", "reason": "She rang back within the hour."}
    assert (await client.patch(entry, json=change, headers=world.headers("pa_a2"))).status_code == 428
    stale = await client.patch(entry, json=change, headers={**world.headers("pa_a2"), "If-Match": '"7"'})
    assert stale.status_code == 412
    refused = await client.patch(entry, json=change, headers={**world.headers("pa_a1"), "If-Match": '"1"'})
    assert refused.status_code == 403  # pa_a1 is p_a1's adviser but not this entry's author
    assert refused.json()["code"] == "contact.amend_not_allowed"
    amended = await client.patch(entry, json=change, headers={**world.headers("pa_a2"), "If-Match": '"1"'})
    assert amended.status_code == 200, amended.text
    assert amended.headers["etag"] == '"2"'
    body = amended.json()
    assert (body["id"], body["version"], body["outcome"]) == (created["id"], 2, "spoken")
    assert body["amendment_reason"] == "She rang back within the hour."
    assert body["recorded_by"]["id"] == body["amended_by"]["id"] == str(world.users["pa_a2"].id)
    (original,) = body["previous_versions"]
    assert (original["version"], original["outcome"], original["summary"]) == (1, "attempt", SUMMARY)
    # The amendment made it a contact that counts.
    assert (await contact_status(session, world.id("p_a1")))[0] == noon(2)
    # The same stale ETag again: someone amended it first.
    again = await client.patch(entry, json=change, headers={**world.headers("pa_a2"), "If-Match": '"1"'})
    assert again.status_code == 412
    by_manager = await client.patch(
        entry,
        json={"summary": "Rang back; all well.", "reason": "Shorter"},
        headers={**world.headers("manager_a"), "If-Match": '"2"'},
    )
    assert by_manager.status_code == 200
    assert [v["version"] for v in by_manager.json()["previous_versions"]] == [1, 2]
    rows = await session.execute(select(func.count()).where(Contact.entry_id == uuid.UUID(created["id"])))
    assert rows.scalar_one() == 3  # every version kept


async def test_an_amendment_that_changes_nothing_or_empties_a_field_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    entry = f"/v1/care-leavers/{world.id('p_a1')}/contacts/{world.ids['contact_a1']}"
    headers = {**world.headers("pa_a1"), "If-Match": '"1"'}
    same = await client.patch(entry, json={"outcome": "attempt", "reason": "x"}, headers=headers)
    assert same.status_code == 422
    emptied = await client.patch(entry, json={"summary": None, "reason": "x"}, headers=headers)
    assert emptied.status_code == 422
    assert emptied.json()["errors"][0]["field"] == "summary"
    no_reason = await client.patch(entry, json={"outcome": "spoken"}, headers=headers)
    assert [e["field"] for e in no_reason.json()["errors"]] == ["reason"]


@pytest.mark.parametrize(
    "statement", ["UPDATE contact SET summary = 'rewritten'", "DELETE FROM contact"], ids=["update", "delete"]
)
async def test_the_database_refuses_to_rewrite_the_log(
    statement: str, session: AsyncSession, world: World
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))


async def test_the_young_person_sees_when_and_how_never_the_summary(
    client: httpx.AsyncClient, world: World
) -> None:
    staff_view = (await record(client, world, "pa_a1", "p_a1", contact(3, actions=[_action()]))).json()
    for path in ("/v1/me/contacts", f"/v1/care-leavers/{world.id('p_a1')}/contacts"):
        response = await client.get(path, headers=world.headers("leaver_a1"))
        assert response.status_code == 200
        assert SUMMARY not in response.text and "Statutory visit" not in response.text
        mine = next(c for c in response.json()["items"] if c["id"] == staff_view["id"])
        assert (mine["occurred_at"], mine["method"], mine["outcome"]) == (
            staff_view["occurred_at"],
            "face_to_face_home",
            "seen",
        )
        assert mine["recorded_by_role"] == "personal_adviser"
        assert mine["summary"] is mine["purpose"] is mine["recorded_by"] is mine["actions"] is None
    one = await client.get(
        f"/v1/care-leavers/{world.id('p_a1')}/contacts/{staff_view['id']}", headers=world.headers("leaver_a1")
    )
    assert one.status_code == 200
    assert one.json()["summary"] is None and one.json()["previous_versions"] is None
    # Nobody else's log: another young person gets 404, exactly as for an id that does not exist.
    other = await client.get(
        f"/v1/care-leavers/{world.id('p_a1')}/contacts", headers=world.headers("leaver_a2")
    )
    assert other.status_code == 404


async def test_partners_never_see_contacts_even_of_people_who_share_with_them(
    client: httpx.AsyncClient, world: World
) -> None:
    path = f"/v1/care-leavers/{world.id('q_ash')}/contacts"
    assert (await client.get(path, headers=world.headers("partner_ash"))).status_code == 403
    assert (await client.post(path, json=contact(1), headers=world.headers("partner_ash"))).status_code == 403


def _action(**fields: Any) -> dict[str, Any]:
    return {
        "description": "Send the housing form",
        "owner_kind": "adviser",
        "due_on": day(-7).isoformat(),
        **fields,
    }


async def test_follow_up_actions_are_kept_with_their_owner_and_marked_done(
    client: httpx.AsyncClient, world: World
) -> None:
    actions = [
        _action(owner_user_id=str(world.users["pa_a2"].id)),
        _action(
            description="Council tax letter",
            owner_kind="partner",
            owner_name="Nottingham City Council",
            due_on=day(1).isoformat(),
        ),
        _action(description="Bring her passport", owner_kind="young_person"),
    ]
    created = (await record(client, world, "pa_a1", "p_a1", contact(3, actions=actions))).json()
    by_owner = {a["owner_kind"]: a for a in created["actions"]}
    assert by_owner["adviser"]["owner_user_id"] == str(world.users["pa_a2"].id)
    assert by_owner["partner"]["overdue"] is True and by_owner["young_person"]["overdue"] is False
    done = await client.patch(
        f"/v1/contact-actions/{by_owner['partner']['id']}",
        json={"done_on": day(0).isoformat()},
        headers=world.headers("pa_a2"),  # a colleague covering may tick it off
    )
    assert done.status_code == 200
    assert (done.json()["done_on"], done.json()["overdue"]) == (day(0).isoformat(), False)
    # Out of scope: the same 404 as an action that does not exist.
    elsewhere = await client.patch(
        f"/v1/contact-actions/{by_owner['partner']['id']}",
        json={"done_on": None},
        headers=world.headers("pa_b1"),
    )
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "contact_action.not_found"
    tomorrow = await client.patch(
        f"/v1/contact-actions/{by_owner['young_person']['id']}",
        json={"done_on": day(-1).isoformat()},
        headers=world.headers("pa_a1"),
    )
    assert tomorrow.status_code == 422 and tomorrow.json()["errors"][0]["field"] == "done_on"


async def test_bad_actions_and_dates_are_refused_field_by_field(
    client: httpx.AsyncClient, world: World
) -> None:
    actions = [
        _action(owner_user_id=str(world.users["pa_n1"].id)),  # another council's adviser
        _action(owner_kind="partner"),  # no partner named
        _action(owner_kind="young_person", owner_name="Someone"),
    ]
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/contacts",
        json=contact(1, actions=actions),
        headers=world.headers("pa_a1"),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [
        "actions.0.owner_user_id",
        "actions.1.owner_name",
        "actions.2.owner_name",
    ]
    future = {**contact(1), "occurred_at": (utc_now() + timedelta(hours=2)).isoformat()}
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/contacts", json=future, headers=world.headers("pa_a1")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurred_at"
    unanswerable = contact(1, answers_request_id=str(world.ids["request_a2"]))  # p_a2's, not p_a1's
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/contacts", json=unanswerable, headers=world.headers("pa_a1")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answers_request_id"


async def test_turning_21_mid_period_in_nottinghamshire_moves_to_the_yearly_band(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await arrange_person(session, world.id("q_ash"), date_of_birth=born(21, days=30))
    await arrange_person(session, world.id("q_ash_private"), date_of_birth=born(21, days=100))
    await record(client, world, "pa_n1", "q_ash", contact(1))
    await record(client, world, "pa_n1", "q_ash_private", contact(1))
    # Eight weeks from yesterday ends after q_ash's 21st birthday: from then, once a year (seed 001).
    assert (await contact_status(session, world.id("q_ash")))[1] == day(1) + timedelta(days=365)
    assert (await contact_status(session, world.id("q_ash_private")))[1] == day(1) + timedelta(days=56)


async def test_correcting_the_date_of_birth_recomputes_the_due_date(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await record(client, world, "pa_n1", "q_ash", contact(1))
    assert (await contact_status(session, world.id("q_ash")))[1] == day(1) + timedelta(days=56)
    response = await client.patch(
        f"/v1/care-leavers/{world.id('q_ash')}",
        json={"date_of_birth": born(22).isoformat()},
        headers=world.headers("pa_n1"),
    )
    assert response.status_code == 200
    assert (await contact_status(session, world.id("q_ash")))[1] == day(1) + timedelta(days=365)
    await client.patch(
        f"/v1/care-leavers/{world.id('q_ash')}",
        json={"date_of_birth": born(25, days=-1).isoformat()},
        headers=world.headers("pa_n1"),
    )
    assert (await contact_status(session, world.id("q_ash")))[1] is None  # 25: no contact duty left


async def test_a_new_record_is_due_its_first_contact_one_interval_after_its_adviser_is_allocated(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    dob = born(19)
    response = await client.post(
        "/v1/care-leavers",
        json={
            "case_reference": "NEW-9",
            "given_name": "New",
            "family_name": "Person",
            "date_of_birth": dob.isoformat(),
            "entered_care_on": dob.replace(year=dob.year + 14).isoformat(),
            "left_care_on": dob.replace(year=dob.year + 18).isoformat(),
            "weeks_looked_after_since_14": 200,
        },
        headers=world.headers("manager_a"),
    )
    assert response.status_code == 201, response.text
    person_id = response.json()["id"]
    allocated = await client.post(
        f"/v1/care-leavers/{person_id}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_a1"].id)},
        headers=world.headers("manager_a"),
    )
    assert allocated.status_code == 201, allocated.text
    assert await contact_status(session, uuid.UUID(person_id)) == (None, day(0) + timedelta(days=56))


async def test_every_read_and_change_of_the_log_is_audited_once_with_the_person(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    marker = await latest_event_id(session)
    created = (await record(client, world, "pa_a1", "p_a1", contact(2))).json()
    entry = f"/v1/care-leavers/{world.id('p_a1')}/contacts/{created['id']}"
    await client.get(f"/v1/care-leavers/{world.id('p_a1')}/contacts", headers=world.headers("pa_a2"))
    await client.get(entry, headers=world.headers("manager_a"))
    await client.patch(
        entry,
        json={"outcome": "spoken", "reason": "r"},
        headers={**world.headers("pa_a1"), "If-Match": '"1"'},
    )
    await client.get("/v1/me/contacts", headers=world.headers("leaver_a1"))
    events = await events_after(session, marker)
    assert [(e.action, e.resource_type, e.actor_id) for e, _ in events] == [
        ("create", "contact", world.users["pa_a1"].id),
        ("list", "contact", world.users["pa_a2"].id),
        ("read", "contact", world.users["manager_a"].id),
        ("update", "contact", world.users["pa_a1"].id),
        ("list", "contact", world.users["leaver_a1"].id),
    ]
    assert all(people == {world.id("p_a1")} for _, people in events)
    assert events[3][0].details == {"version": 2, "fields": ["outcome"]}
    assert SUMMARY not in str([e.details for e, _ in events])  # the trail records what, never the text
