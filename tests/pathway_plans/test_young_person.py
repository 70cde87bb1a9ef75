"""The young person's side: their plan in plain words, their comments, their own actions, nothing more;
and every read and change leaves an audit event linked to them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent, AuditEventSubject
from tests.pathway_plans.support import authorised_plan, edit, start, step
from tests.support.world import World


def _actions(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The plan's actions by owner."""
    return {a["owner"]: a for s in plan["sections"] for g in s["goals"] for a in g["actions"]}


async def _plan_events(session: AsyncSession, person: uuid.UUID) -> list[tuple[str, str, str]]:
    stmt = (
        select(AuditEvent.action, AuditEvent.resource_type, AuditEvent.actor_role)
        .join(AuditEventSubject, AuditEventSubject.event_id == AuditEvent.id)
        .where(AuditEventSubject.care_leaver_id == person, AuditEvent.resource_type.like("pathway_plan%"))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    return [(str(a), r, str(role)) for a, r, role in (await session.execute(stmt)).all()]


async def test_the_young_person_sees_their_agreed_plan_in_plain_words(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world.headers("leaver_a1")
    missing = await client.get("/v1/me/pathway-plan", headers=me)
    assert (missing.status_code, missing.json()["code"]) == (404, "pathway_plan.not_found")
    plan = await authorised_plan(client, world.id("p_a1"), world.headers("pa_a1"), world.headers("manager_a"))
    mine = (await client.get("/v1/me/pathway-plan", headers=me)).json()
    assert mine["plan_id"] == plan["id"]
    assert mine["next_review_on"] == plan["review"]["due_on"]
    assert mine["sections"][0]["title"] == "Where you live"
    assert mine["sections"][0]["in_your_words"] == "I want my own flat near my sister."
    due = mine["due_next"]
    assert [a["what"] for a in due] == [
        "Book a viewing",
        "Apply for the setting-up-home allowance",
        "Assess the flat",
    ]  # soonest first
    assert [(a["who"], a["yours"]) for a in due] == [
        ("You", True),
        (f"{world.users['pa_a1'].display_name} (your personal adviser)", False),
        ("Nottingham City Homes", False),
    ]
    assert "You have 1 thing to do" in mine["summary"]
    # Another young person never sees it.
    assert (
        await client.get(f"/v1/pathway-plans/{plan['id']}", headers=world.headers("leaver_a2"))
    ).status_code == 404


async def test_a_draft_is_not_shown_to_the_young_person(client: httpx.AsyncClient, world: World) -> None:
    me, pa = world.headers("leaver_a1"), world.headers("pa_a1")
    plan = await authorised_plan(client, world.id("p_a1"), pa, world.headers("manager_a"))
    review = (await start(client, world.id("p_a1"), pa)).json()
    assert (await client.get(f"/v1/pathway-plans/{review['id']}", headers=me)).status_code == 404
    versions = (await client.get(f"/v1/care-leavers/{world.id('p_a1')}/pathway-plans", headers=me)).json()
    assert [v["id"] for v in versions["items"]] == [plan["id"]]
    staff_view = (await client.get(f"/v1/care-leavers/{world.id('p_a1')}/pathway-plans", headers=pa)).json()
    assert [v["id"] for v in staff_view["items"]] == [review["id"], plan["id"]]


async def test_the_young_person_comments_and_marks_their_own_actions_but_cannot_edit(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    me, pa = world.headers("leaver_a1"), world.headers("pa_a1")
    plan = await authorised_plan(client, world.id("p_a1"), pa, world.headers("manager_a"))
    url = f"/v1/pathway-plans/{plan['id']}"

    comment = await client.post(
        f"{url}/comments", json={"section": "money", "body": "I'd like help with a budget."}, headers=me
    )
    assert comment.status_code == 201, comment.text
    assert (
        await client.post(f"{url}/comments", json={"section": "parenting", "body": "x"}, headers=me)
    ).status_code == 422
    # Staff write the plan; comments are the young person's own.
    assert (
        await client.post(f"{url}/comments", json={"section": "money", "body": "x"}, headers=pa)
    ).status_code == 403

    actions = _actions(plan)
    done = await client.post(
        f"{url}/action-progress",
        json={"action_id": actions["young_person"]["id"], "status": "done"},
        headers=me,
    )
    assert done.status_code == 201, done.text
    not_mine = await client.post(
        f"{url}/action-progress",
        json={"action_id": actions["personal_adviser"]["id"], "status": "done"},
        headers=me,
    )
    assert (not_mine.status_code, not_mine.json()["code"]) == (403, "pathway_plan.not_your_action")
    dropping = await client.post(
        f"{url}/action-progress",
        json={"action_id": actions["young_person"]["id"], "status": "dropped", "note": "Changed my mind"},
        headers=me,
    )
    assert dropping.status_code == 422
    unknown = await client.post(
        f"{url}/action-progress", json={"action_id": str(uuid.uuid4()), "status": "done"}, headers=me
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "pathway_plan.action_not_found")

    # What the PA wrote cannot be changed by the young person: no route admits them (403), and
    # another young person cannot even find the plan (404).
    with_etag = {**me, "If-Match": plan["etag"]}
    assert (
        await client.patch(url, json={"contingency_plan": "mine now"}, headers=with_etag)
    ).status_code == 403
    for verb in ("submit", "authorise"):
        assert (await step(client, plan, verb, me)).json()["code"] == "auth.role_not_allowed"
    assert (
        await client.post(
            f"{url}/comments", json={"section": "money", "body": "x"}, headers=world.headers("leaver_a2")
        )
    ).status_code == 404

    # Staff see the comment and the progress; the plan's own content is as authorised.
    seen = (await client.get(url, headers=pa)).json()
    money = next(s for s in seen["sections"] if s["kind"] == "money")
    assert [c["body"] for c in money["comments"]] == ["I'd like help with a budget."]
    progressed = _actions(seen)["young_person"]
    assert (progressed["status"], progressed["status_updated_at"] is not None) == ("done", True)
    assert seen["contingency_plan"] == plan["contingency_plan"]
    mine = (await client.get("/v1/me/pathway-plan", headers=me)).json()
    assert "You have nothing left to do" in mine["summary"]

    # Every read and change of the plan is in the audit trail, linked to the young person.
    events = await _plan_events(session, world.id("p_a1"))
    assert events == [
        ("create", "pathway_plan", "personal_adviser"),
        ("update", "pathway_plan", "personal_adviser"),  # edit
        ("update", "pathway_plan", "personal_adviser"),  # submit
        ("update", "pathway_plan", "team_manager"),  # authorise
        ("create", "pathway_plan_comment", "care_leaver"),
        ("update", "pathway_plan_action", "care_leaver"),
        ("read", "pathway_plan", "personal_adviser"),
        ("read", "pathway_plan", "care_leaver"),  # /me/pathway-plan
    ]


async def test_staff_record_progress_if_they_may_change_the_record(
    client: httpx.AsyncClient, world: World
) -> None:
    pa = world.headers("pa_a1")
    plan = await authorised_plan(client, world.id("p_a1"), pa, world.headers("manager_a"))
    action_id = _actions(plan)["partner"]["id"]
    url = f"/v1/pathway-plans/{plan['id']}/action-progress"
    dropped = await client.post(
        url,
        json={"action_id": action_id, "status": "dropped", "note": "Flat let to someone else"},
        headers=pa,
    )
    assert dropped.status_code == 201
    assert (dropped.json()["status"], dropped.json()["dropped_reason"]) == (
        "dropped",
        "Flat let to someone else",
    )
    colleague = await client.post(
        url, json={"action_id": action_id, "status": "done"}, headers=world.headers("pa_a2")
    )
    assert (colleague.status_code, colleague.json()["code"]) == (403, "care_leaver.read_only")
    # Progress is on the current plan only: a draft is changed by editing it.
    review = (await start(client, world.id("p_a1"), pa)).json()
    review_action = _actions(review)["partner"]
    assert (review_action["status"], review_action["dropped_reason"]) == (
        "dropped",
        "Flat let to someone else",
    )
    on_draft = await client.post(
        f"/v1/pathway-plans/{review['id']}/action-progress",
        json={"action_id": review_action["id"], "status": "done"},
        headers=pa,
    )
    assert (on_draft.status_code, on_draft.json()["code"]) == (409, "pathway_plan.not_current")
    assert (await edit(client, review, {"contingency_plan": "x"}, pa)).status_code == 200
