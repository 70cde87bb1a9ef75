"""Progress and comments belong to the plan in force: a dropped action stays dropped for the young person,
nothing lands on a replaced version, and what was done while the review was being written is not lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app.core.clock import uk_today
from app.pathway_plans.printable import _long
from tests.pathway_plans.support import authorised_plan, start, step
from tests.support.world import World


def _by_words(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["description"]: a for s in plan["sections"] for g in s["goals"] for a in g["actions"]}


async def _progress(
    client: httpx.AsyncClient,
    plan: dict[str, Any],
    action: str,
    status: str,
    headers: dict[str, str],
    **extra: Any,
) -> httpx.Response:
    return await client.post(
        f"/v1/pathway-plans/{plan['id']}/action-progress",
        json={"action_id": _by_words(plan)[action]["id"], "status": status, **extra},
        headers=headers,
    )


async def test_the_young_person_cannot_take_up_an_action_dropped_with_their_adviser(
    client: httpx.AsyncClient, world: World
) -> None:
    pa, me = world.headers("pa_a1"), world.headers("leaver_a1")
    plan = await authorised_plan(client, world.id("p_a1"), pa, world.headers("manager_a"))
    dropped = await _progress(client, plan, "Book a viewing", "dropped", pa, note="Moving to college halls")
    assert dropped.status_code == 201, dropped.text
    again = await _progress(client, plan, "Book a viewing", "done", me)
    assert (again.status_code, again.json()["code"]) == (409, "pathway_plan.action_dropped")
    seen = _by_words((await client.get(f"/v1/pathway-plans/{plan['id']}", headers=pa)).json())
    assert (seen["Book a viewing"]["status"], seen["Book a viewing"]["dropped_reason"]) == (
        "dropped",
        "Moving to college halls",
    )
    # Their adviser can take it up again with them.
    assert (await _progress(client, plan, "Book a viewing", "in_progress", pa)).status_code == 201
    assert (await _progress(client, plan, "Book a viewing", "done", me)).status_code == 201


async def test_nothing_lands_on_a_replaced_version(client: httpx.AsyncClient, world: World) -> None:
    pa, me, manager = world.headers("pa_a1"), world.headers("leaver_a1"), world.headers("manager_a")
    first = await authorised_plan(client, world.id("p_a1"), pa, manager)
    second = await step(client, (await start(client, world.id("p_a1"), pa)).json(), "submit", pa)
    assert (await step(client, second.json(), "authorise", manager)).status_code == 200
    late = await _progress(client, first, "Book a viewing", "done", me)
    assert (late.status_code, late.json()["code"]) == (409, "pathway_plan.not_current")
    comment = await client.post(
        f"/v1/pathway-plans/{first['id']}/comments", json={"section": "money", "body": "Help?"}, headers=me
    )
    assert (comment.status_code, comment.json()["code"]) == (409, "pathway_plan.not_current")


async def test_progress_made_while_the_review_was_written_is_carried_into_the_new_plan(
    client: httpx.AsyncClient, world: World
) -> None:
    pa, me, manager = world.headers("pa_a1"), world.headers("leaver_a1"), world.headers("manager_a")
    first = await authorised_plan(client, world.id("p_a1"), pa, manager)
    review = (await start(client, world.id("p_a1"), pa)).json()
    # While the review is being written, the young person books the viewing on the plan in force,
    # and their adviser starts on the allowance.
    assert (await _progress(client, first, "Book a viewing", "done", me)).status_code == 201
    assert (
        await _progress(client, first, "Apply for the setting-up-home allowance", "in_progress", pa)
    ).status_code == 201
    assert _by_words(review)["Book a viewing"]["status"] == "not_started"  # copied before it happened
    submitted = await step(client, review, "submit", pa)
    authorised = (await step(client, submitted.json(), "authorise", manager)).json()
    actions = _by_words(authorised)
    assert actions["Book a viewing"]["status"] == "done"
    assert actions["Book a viewing"]["status_updated_at"] is not None
    assert actions["Apply for the setting-up-home allowance"]["status"] == "in_progress"
    assert actions["Assess the flat"]["status"] == "not_started"  # nothing happened to it
    mine = (await client.get("/v1/me/pathway-plan", headers=me)).json()
    assert mine["plan_id"] == authorised["id"]
    assert "You have nothing left to do" in mine["summary"]


async def test_a_move_to_another_home_of_the_same_kind_in_the_same_district_brings_the_review_forward(
    client: httpx.AsyncClient, world: World
) -> None:
    pa, person = world.headers("pa_a1"), world.id("p_a1")
    url = f"/v1/care-leavers/{person}/circumstances"
    home = {"kind": "residence", "district_gss_code": "E06000018", "accommodation": "U", "suitable": True}
    first_home = {**home, "valid_from": (uk_today() - timedelta(days=200)).isoformat()}
    assert (await client.post(url, json=first_home, headers=pa)).status_code == 201
    plan = await authorised_plan(client, person, pa, world.headers("manager_a"))
    assert plan["review"]["reason"] == "six_monthly"
    # Re-judged suitability for the same flat: not a move.
    rejudged = {**home, "valid_from": (uk_today() - timedelta(days=1)).isoformat(), "same_home": True}
    assert (await client.post(url, json={**rejudged, "suitable": False}, headers=pa)).status_code == 201
    unchanged = (await client.get(f"/v1/pathway-plans/{plan['id']}", headers=pa)).json()["review"]
    assert unchanged["reason"] == "six_monthly"
    # Another flat of the same kind in the same district: a move.
    moved = {**home, "valid_from": uk_today().isoformat()}
    assert (await client.post(url, json=moved, headers=pa)).status_code == 201
    review = (await client.get(f"/v1/pathway-plans/{plan['id']}", headers=pa)).json()["review"]
    assert (review["reason"], review["due_on"]) == (
        "accommodation_changed",
        (uk_today() + timedelta(days=28)).isoformat(),
    )


def test_the_printed_plan_dates_moments_on_their_uk_day() -> None:
    # Authorised at 00:30 BST on 2 July is 23:30 UTC on 1 July: the printed plan says 2 July.
    assert _long(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2 July 2026"
    assert _long(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == "1 December 2026"  # GMT: the same day


async def test_an_app_sending_again_what_it_saved_offline_records_it_once(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world.headers("leaver_a1")
    plan = await authorised_plan(client, world.id("p_a1"), world.headers("pa_a1"), world.headers("manager_a"))
    comment = {"section": "money", "body": "Can we look at my phone contract?"}
    sent = [
        await client.post(
            f"/v1/pathway-plans/{plan['id']}/comments",
            json=comment,
            headers={**me, "Idempotency-Key": "comment-0001"},
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in sent] == [201, 201]
    assert sent[0].json() == sent[1].json()
    done = [
        await _progress(client, plan, "Book a viewing", "done", {**me, "Idempotency-Key": "progress-0001"})
        for _ in range(2)
    ]
    assert [r.status_code for r in done] == [201, 201]
    assert done[0].json() == done[1].json()
    seen = (await client.get(f"/v1/pathway-plans/{plan['id']}", headers=me)).json()
    money = next(s for s in seen["sections"] if s["kind"] == "money")
    assert [c["body"] for c in money["comments"]] == [comment["body"]]
    # The same key for something else is refused, not answered with the first result.
    reused = await client.post(
        f"/v1/pathway-plans/{plan['id']}/comments",
        json={**comment, "body": "Something else"},
        headers={**me, "Idempotency-Key": "comment-0001"},
    )
    assert (reused.status_code, reused.json()["code"]) == (422, "request.idempotency_key_reused")
    # A key is the account's own: another young person's identical key finds nothing of theirs.
    other = await client.post(
        f"/v1/pathway-plans/{plan['id']}/comments",
        json=comment,
        headers={**world.headers("leaver_a2"), "Idempotency-Key": "comment-0001"},
    )
    assert other.status_code == 404
