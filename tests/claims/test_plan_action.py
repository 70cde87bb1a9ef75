"""A claim may name the pathway-plan action it carries out: only an action of the young person's own plan."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import CareLeaver
from app.core.settings import Settings
from app.pathway_plans.enums import PlanStatus
from app.pathway_plans.models import PlanAction
from tests.claims.steps import code
from tests.claims.support import claim_body, claimant, make_claim
from tests.support.plans import plan_version
from tests.support.world import World


async def an_action(session: AsyncSession, world: World, person: CareLeaver) -> uuid.UUID:
    plan = await plan_version(
        session,
        person,
        world.users["pa_a1"],
        status=PlanStatus.AUTHORISED,
        authoriser=world.users["manager_a"],
    )
    found = await session.scalar(select(PlanAction.id).where(PlanAction.plan_id == plan.id).limit(1))
    assert found is not None
    return found


async def test_a_claim_keeps_the_action_of_the_young_person_s_own_plan(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    action = await an_action(session, world, who.person)
    claim = await make_claim(
        client, world.headers("pa_a1"), who.id, 10000, pathway_plan_action_id=str(action)
    )
    assert claim["pathway_plan_action_id"] == str(action)
    read = await client.get(f"/v1/claims/{claim['id']}", headers=who.headers)
    assert read.json()["pathway_plan_action_id"] == str(action)


async def test_an_action_of_someone_else_s_plan_is_refused_at_creation_and_in_a_draft(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    theirs = await an_action(session, world, world.people["p_a1"])
    pa = world.headers("pa_a1")
    url = f"/v1/care-leavers/{who.id}/claims"
    r = await client.post(url, json=claim_body(10000, pathway_plan_action_id=str(theirs)), headers=pa)
    assert code(r) == (422, "claim.action_not_in_plan")
    assert r.json()["errors"][0]["field"] == "pathway_plan_action_id"
    unknown = await client.post(
        url, json=claim_body(10000, pathway_plan_action_id=str(uuid.uuid4())), headers=pa
    )
    assert code(unknown) == (422, "claim.action_not_in_plan")

    draft = await make_claim(client, pa, who.id, 10000, submit=False)
    r = await client.patch(
        f"/v1/claims/{draft['id']}",
        json={"pathway_plan_action_id": str(theirs)},
        headers={**pa, "If-Match": draft["etag"]},
    )
    assert code(r) == (422, "claim.action_not_in_plan")
    assert (await client.get(f"/v1/claims/{draft['id']}", headers=pa)).json()[
        "pathway_plan_action_id"
    ] is None
