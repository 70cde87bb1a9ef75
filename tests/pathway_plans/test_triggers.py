"""Changes to the record bring the current plan's review forward, through the record's own operations
(`app.care_leavers.hooks`): in the same unit of work, so the plan is never a step behind."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.core.clock import uk_today
from app.core.dates import add_months, birthday
from tests.pathway_plans.support import authorised_plan
from tests.support.world import World


async def _review(client: httpx.AsyncClient, plan_id: str, headers: dict[str, str]) -> dict[str, object]:
    return dict((await client.get(f"/v1/pathway-plans/{plan_id}", headers=headers)).json()["review"])


async def test_a_corrected_date_of_birth_brings_the_18th_birthday_review_forward(
    client: httpx.AsyncClient, world: World
) -> None:
    pa, person = world.headers("pa_a1"), world.id("p_a1")
    plan = await authorised_plan(client, person, pa, world.headers("manager_a"))
    assert plan["review"]["reason"] == "six_monthly"
    # The record was wrong: they are 17, and turn 18 in about two months.
    born = add_months(uk_today(), -(18 * 12 - 2))
    corrected = await client.patch(
        f"/v1/care-leavers/{person}", json={"date_of_birth": born.isoformat()}, headers=pa
    )
    assert corrected.status_code == 200, corrected.text
    eighteenth = birthday(born, 18)
    assert await _review(client, plan["id"], pa) == {
        "due_on": eighteenth.isoformat(),
        "reason": "eighteenth_birthday",
        "trigger_on": eighteenth.isoformat(),
        "explanation": "They turn 18: the plan is reviewed by their birthday.",
        "days_overdue": 0,
    }


async def test_entering_custody_brings_the_review_forward(client: httpx.AsyncClient, world: World) -> None:
    pa, person = world.headers("pa_a1"), world.id("p_a1")
    plan = await authorised_plan(client, person, pa, world.headers("manager_a"))
    custody = {
        "kind": "residence",
        "valid_from": uk_today().isoformat(),
        "district_gss_code": "E06000018",
        "accommodation": "X",
    }
    assert (
        await client.post(f"/v1/care-leavers/{person}/circumstances", json=custody, headers=pa)
    ).status_code == 201
    review = await _review(client, plan["id"], pa)
    assert (review["reason"], review["due_on"]) == (
        "entered_custody",
        (uk_today() + timedelta(days=28)).isoformat(),
    )
    # A change of something else (their activity) leaves it as it is.
    activity = {"kind": "activity", "valid_from": uk_today().isoformat(), "code": "G5"}
    assert (
        await client.post(f"/v1/care-leavers/{person}/circumstances", json=activity, headers=pa)
    ).status_code == 201
    assert await _review(client, plan["id"], pa) == review
