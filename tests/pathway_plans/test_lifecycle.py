"""A plan's whole life through the API: draft, edit, submit, a refused self-authorisation, authorisation,
a trigger that brings the review forward, a review that supersedes it, and the old version unchanged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.auth.models import Team
from app.core.clock import uk_today
from app.core.dates import add_months
from app.core.settings import Settings
from tests.pathway_plans.support import complete_body, edit, start, step
from tests.support import factories as f
from tests.support.world import World

CONTENT = ("contingency_plan", "people_involved", "sections", "version", "created_at", "created_by")


async def second_manager(session: AsyncSession, settings: Settings, world: World) -> dict[str, str]:
    """Another manager of team A, who took no part in writing the plan."""
    team = await session.get(Team, world.users["manager_a"].team_id)
    manager = await f.user(session, Role.TEAM_MANAGER, team=team)
    return f.bearer(await f.token_for(session, settings, manager))


async def test_the_whole_life_of_a_plan(
    client: httpx.AsyncClient, world: World, session: AsyncSession, settings: Settings
) -> None:
    pa, manager, other_manager = (
        world.headers("pa_a1"),
        world.headers("manager_a"),
        await second_manager(session, settings, world),
    )
    person = world.id("p_a1")
    today = uk_today()

    # Draft: the core sections, empty; the ETag in the header and the body.
    created = await start(client, person, pa)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert created.headers["ETag"] == draft["etag"]
    assert created.headers["Location"] == f"/v1/pathway-plans/{draft['id']}"
    assert (draft["version"], draft["status"], draft["previous_version_id"]) == (1, "draft", None)
    assert [s["kind"] for s in draft["sections"]] == [
        "accommodation",
        "health_and_wellbeing",
        "education_training_and_employment",
        "money",
        "family_and_relationships",
        "identity_and_culture",
        "practical_and_life_skills",
    ]
    assert (await start(client, person, pa)).json()["code"] == "pathway_plan.draft_exists"

    # An empty draft cannot be submitted; the problem names what is missing.
    refused = await step(client, draft, "submit", pa)
    assert refused.status_code == 422
    assert refused.json()["code"] == "pathway_plan.incomplete"
    assert {e["field"] for e in refused.json()["errors"]} >= {
        "contingency_plan",
        "sections.money.needs_and_risks",
    }

    # Edit: the PA writes it; the manager adds to it (and so becomes one of its authors).
    edited = await edit(client, draft, complete_body(), pa)
    assert edited.status_code == 200, edited.text
    assert edited.json()["etag"] != draft["etag"]
    by_manager = await edit(
        client, edited.json(), {"contingency_plan": "Supported lodgings extended to June."}, manager
    )
    assert by_manager.status_code == 200, by_manager.text

    # Submit: the content is fixed from now on.
    submitted = await step(client, by_manager.json(), "submit", pa)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    late_edit = await edit(client, submitted.json(), {"contingency_plan": "Changed after submission"}, pa)
    assert (late_edit.status_code, late_edit.json()["code"]) == (409, "pathway_plan.not_a_draft")

    # A manager who wrote part of it may not authorise it; the refusal is audited.
    self_authorised = await step(client, submitted.json(), "authorise", manager)
    assert (self_authorised.status_code, self_authorised.json()["code"]) == (
        403,
        "pathway_plan.self_authorisation",
    )
    denied = (
        await session.execute(
            select(AuditEvent).where(AuditEvent.resource_id == draft["id"], AuditEvent.outcome == "denied")
        )
    ).scalar_one()
    assert (denied.actor_id, denied.details["reason"]) == (world.users["manager_a"].id, "self_authorisation")
    # ...and neither may the adviser, whose role never authorises.
    assert (await step(client, submitted.json(), "authorise", pa)).json()["code"] == "auth.role_not_allowed"

    authorised = await step(client, submitted.json(), "authorise", other_manager)
    assert authorised.status_code == 200, authorised.text
    v1 = authorised.json()
    assert v1["status"] == "authorised"
    assert v1["review"]["due_on"] == add_months(today, 6).isoformat()
    assert v1["review"]["reason"] == "six_monthly"
    v1_content = {k: v1[k] for k in CONTENT}

    # A move after authorisation brings the review forward, says why, and changes the ETag.
    circumstances = f"/v1/care-leavers/{person}/circumstances"
    earlier_home = {
        "kind": "residence",
        "valid_from": "2025-01-06",
        "district_gss_code": "E06000018",
        "accommodation": "E",
        "suitable": True,
    }
    assert (await client.post(circumstances, json=earlier_home, headers=pa)).status_code == 201
    moved = {**earlier_home, "valid_from": today.isoformat(), "accommodation": "U"}
    assert (await client.post(circumstances, json=moved, headers=pa)).status_code == 201
    after_move = (await client.get(f"/v1/pathway-plans/{v1['id']}", headers=pa)).json()
    assert after_move["review"] == {
        "due_on": (today + timedelta(days=28)).isoformat(),
        "reason": "accommodation_changed",
        "trigger_on": today.isoformat(),
        "explanation": "They moved, so the plan is reviewed within 28 days of the move.",
        "days_overdue": 0,
    }
    assert after_move["etag"] != v1["etag"]
    due = (await client.get("/v1/pathway-plans/reviews-due", headers=pa)).json()["items"]
    assert [(i["plan_id"], i["review_due_reason"]) for i in due] == [(v1["id"], "accommodation_changed")]

    # The young person comments on the authorised plan (kept with that version).
    comment = {"section": "accommodation", "body": "I'm happy with the new place."}
    assert (
        await client.post(
            f"/v1/pathway-plans/{v1['id']}/comments", json=comment, headers=world.headers("leaver_a1")
        )
    ).status_code == 201
    v1_with_comment = (await client.get(f"/v1/pathway-plans/{v1['id']}", headers=pa)).json()

    # The review: a new draft copied from the authorised plan, which stays current until the review is authorised.
    review = (await start(client, person, pa)).json()
    assert (review["version"], review["previous_version_id"]) == (2, v1["id"])
    assert _without_ids(review["sections"], comments=False) == _without_ids(
        v1_content["sections"], comments=False
    )
    assert all(s["comments"] == [] for s in review["sections"])
    changed = await edit(
        client,
        review,
        {
            "sections": {
                "accommodation": {
                    **complete_body()["sections"]["accommodation"],
                    "needs_and_risks": "Settled in her own flat.",
                }
            }
        },
        pa,
    )
    assert changed.status_code == 200, changed.text
    resubmitted = await step(client, changed.json(), "submit", pa)
    v2 = (await step(client, resubmitted.json(), "authorise", other_manager)).json()
    assert (v2["status"], v2["review"]["reason"]) == ("authorised", "six_monthly")

    # The old version is superseded, and reads exactly as it was authorised (its comment with it).
    old = (await client.get(f"/v1/pathway-plans/{v1['id']}", headers=pa)).json()
    assert old["status"] == "superseded" and old["superseded_at"] is not None
    assert {k: old[k] for k in CONTENT} == {k: v1_with_comment[k] for k in CONTENT}
    assert _without_ids(old["sections"], comments=False) == _without_ids(
        v1_content["sections"], comments=False
    )
    assert old["sections"][0]["comments"][0]["body"] == "I'm happy with the new place."
    versions = (await client.get(f"/v1/care-leavers/{person}/pathway-plans", headers=pa)).json()["items"]
    assert [(v["version"], v["status"]) for v in versions] == [(2, "authorised"), (1, "superseded")]
    # Reviews due now follow the new version.
    due = (await client.get("/v1/pathway-plans/reviews-due", headers=pa)).json()["items"]
    assert [(i["plan_id"], i["version"]) for i in due] == [(v2["id"], 2)]


def _without_ids(sections: list[dict[str, Any]], *, comments: bool) -> list[dict[str, Any]]:
    """Sections as written (a copy has new ids for its goals and actions)."""
    out = []
    for section in sections:
        goals = [
            {
                "description": g["description"],
                "actions": [
                    {k: v for k, v in a.items() if k not in {"id", "status_updated_at"}} for a in g["actions"]
                ],
            }
            for g in section["goals"]
        ]
        kept = {k: v for k, v in section.items() if k not in {"goals", "comments"}}
        out.append({**kept, "goals": goals, **({"comments": section["comments"]} if comments else {})})
    return out


async def test_a_manager_can_return_a_submitted_plan_to_its_author(
    client: httpx.AsyncClient, world: World
) -> None:
    pa, manager = world.headers("pa_a1"), world.headers("manager_a")
    draft = (await start(client, world.id("p_a1"), pa)).json()
    submitted = (
        await step(client, (await edit(client, draft, complete_body(), pa)).json(), "submit", pa)
    ).json()
    returned = await step(client, submitted, "return", manager, json={"reason": "Add the college's support."})
    assert returned.status_code == 200, returned.text
    assert (returned.json()["status"], returned.json()["return_reason"]) == (
        "draft",
        "Add the college's support.",
    )
    # Back to a draft: it can be edited and submitted again.
    again = await edit(client, returned.json(), {"contingency_plan": "College pastoral team on call."}, pa)
    assert again.status_code == 200
    resubmitted = (await step(client, again.json(), "submit", pa)).json()
    assert resubmitted["status"] == "submitted"
    # The return note was for the author's redraft: it does not follow the plan once it is resubmitted.
    assert (resubmitted["returned_at"], resubmitted["return_reason"]) == (None, None)
    # Only a submitted plan can be returned.
    other = (await start(client, world.id("p_a3"), pa)).json()
    not_submitted = await step(client, other, "return", manager, json={"reason": "Too early."})
    assert (not_submitted.status_code, not_submitted.json()["code"]) == (409, "pathway_plan.wrong_status")


async def test_first_plans_include_the_sections_their_circumstances_call_for(
    client: httpx.AsyncClient, world: World
) -> None:
    pa, person = world.headers("pa_a1"), world.id("p_a3")
    url = f"/v1/care-leavers/{person}/circumstances"
    for entry in (
        {"kind": "parenthood", "valid_from": "2026-01-10", "is_parent": True, "children": 1},
        {"kind": "immigration_status", "valid_from": "2025-03-01", "status": "awaiting_home_office_decision"},
    ):
        assert (await client.post(url, json=entry, headers=pa)).status_code == 201
    draft = (await start(client, person, pa)).json()
    kinds = [s["kind"] for s in draft["sections"]]
    assert kinds[-2:] == ["immigration_and_legal_status", "parenting"]
    # A where-relevant section can be removed; a core one cannot.
    removed = await edit(client, draft, {"sections": {"parenting": None}}, pa)
    assert "parenting" not in [s["kind"] for s in removed.json()["sections"]]
    refused = await edit(client, removed.json(), {"sections": {"money": None}}, pa)
    assert refused.status_code == 422
