"""The printable plan (escaped, self-contained, audited as an export), and the database's own refusal to
rewrite a plan once it has left draft."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.audit.models import AuditEvent
from app.pathway_plans.enums import PlanStatus
from app.pathway_plans.models import PathwayPlan, PlanAction, PlanComment, PlanSection
from tests.pathway_plans.support import authorised_plan, complete_body, start
from tests.support.world import World

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


async def test_the_printable_plan_is_escaped_self_contained_and_audited(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    body = complete_body()
    body["sections"]["accommodation"]["young_person_views"] = HOSTILE
    plan = await authorised_plan(
        client, world.id("p_a1"), world.headers("pa_a1"), world.headers("manager_a"), body
    )
    for reader in ("pa_a1", "leaver_a1"):
        response = await client.get(
            f"/v1/pathway-plans/{plan['id']}/printable", headers=world.headers(reader)
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        page = response.text
        assert "<script" not in page and "onerror=" not in page.replace("onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in page
        assert not re.search(r"(src|href)=\"?https?://", page)  # nothing loads from elsewhere
        assert "@media print" in page
        assert "Pathway plan for Test Alpha" in page and "Where you live" not in page
        assert "Accommodation" in page and "Book a viewing" in page and "You (the young person)" in page
    exports = (
        await session.execute(
            select(AuditEvent.actor_role).where(
                AuditEvent.action == "export", AuditEvent.resource_id == plan["id"]
            )
        )
    ).scalars()
    assert sorted(str(r) for r in exports) == ["care_leaver", "personal_adviser"]


async def test_a_draft_prints_with_a_warning_and_only_for_staff(
    client: httpx.AsyncClient, world: World
) -> None:
    draft = (await start(client, world.id("p_a1"), world.headers("pa_a1"))).json()
    page = await client.get(f"/v1/pathway-plans/{draft['id']}/printable", headers=world.headers("pa_a1"))
    assert "Draft: not yet agreed" in page.text
    assert (
        await client.get(f"/v1/pathway-plans/{draft['id']}/printable", headers=world.headers("leaver_a1"))
    ).status_code == 404
    outsider = await client.get(f"/v1/pathway-plans/{draft['id']}/printable", headers=world.headers("pa_n1"))
    assert (outsider.status_code, outsider.json()["code"]) == (404, "pathway_plan.not_found")


async def _refused(connection: AsyncConnection, session: AsyncSession, statement: object) -> None:
    savepoint = await connection.begin_nested()
    with pytest.raises(DBAPIError, match="pathway plan"):
        await session.execute(statement)  # type: ignore[call-overload]
    await savepoint.rollback()


async def test_the_database_refuses_to_rewrite_an_authorised_plan(
    client: httpx.AsyncClient, world: World, session: AsyncSession, connection: AsyncConnection
) -> None:
    plan = await authorised_plan(client, world.id("p_a1"), world.headers("pa_a1"), world.headers("manager_a"))
    comment = {"section": "money", "body": "Mine."}
    assert (
        await client.post(
            f"/v1/pathway-plans/{plan['id']}/comments", json=comment, headers=world.headers("leaver_a1")
        )
    ).status_code == 201
    plan_id = uuid.UUID(plan["id"])
    for statement in (
        update(PathwayPlan).where(PathwayPlan.id == plan_id).values(contingency_plan="Rewritten"),
        update(PathwayPlan).where(PathwayPlan.id == plan_id).values(status=PlanStatus.DRAFT),
        update(PathwayPlan).where(PathwayPlan.id == plan_id).values(authorised_by=None),
        delete(PathwayPlan).where(PathwayPlan.id == plan_id),
        update(PlanSection).where(PlanSection.plan_id == plan_id).values(needs_and_risks="Rewritten"),
        delete(PlanAction).where(PlanAction.plan_id == plan_id),
        update(PlanComment).where(PlanComment.plan_id == plan_id).values(body="Not theirs any more"),
        delete(PlanComment).where(PlanComment.plan_id == plan_id),
    ):
        await _refused(connection, session, statement)
    # What may change beside the content still can: the review date, and superseding it.
    await session.execute(
        update(PathwayPlan).where(PathwayPlan.id == plan_id).values(revision=PathwayPlan.revision + 1)
    )
    await session.execute(
        update(PathwayPlan).where(PathwayPlan.id == plan_id).values(status=PlanStatus.SUPERSEDED)
    )
    # Once superseded it never comes back.
    await _refused(
        connection,
        session,
        update(PathwayPlan).where(PathwayPlan.id == plan_id).values(status=PlanStatus.AUTHORISED),
    )


async def test_two_drafts_at_once_are_refused_by_the_database_too(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    assert (await start(client, world.id("p_a1"), world.headers("pa_a1"))).status_code == 201
    second = PathwayPlan(
        local_authority_id=world.people["p_a1"].local_authority_id,
        care_leaver_id=world.id("p_a1"),
        version=2,
        status=PlanStatus.DRAFT,
    )
    session.add(second)
    with pytest.raises(IntegrityError, match=r"(?i)unique"):
        async with session.begin_nested():
            await session.flush()
