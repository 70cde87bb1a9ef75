"""Issue 11: `GET /v1/care-leavers/{id}/entitlements` and `GET /v1/me/entitlements` answer with the
stored decisions, the ones the lists read. A stored answer that disagrees with the record (a bug in
keeping them current, simulated here by changing the stored row behind the service's back) is not
served and not left for the lists: the read regenerates the person's timeline first."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import uk_today
from app.core.dates import birthday
from app.decisions.models import EntitlementDecision
from tests.decisions.helpers import outcome
from tests.decisions.test_council_tax_list import CODE, listed, resident
from tests.support.world import World


def stale(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.message for r in caplog.records if r.name == "app.decisions.report"]


async def stored_outcome(session: AsyncSession, person: str, code: str) -> set[str]:
    today = uk_today()
    rows = await session.scalars(
        select(EntitlementDecision).where(
            EntitlementDecision.care_leaver_id == uuid.UUID(person),
            EntitlementDecision.entitlement_code == code,
            EntitlementDecision.valid_from <= today,
        )
    )
    return {r.outcome for r in rows if r.valid_to is None or r.valid_to >= today}


async def test_a_wrong_stored_answer_is_repaired_by_the_read_and_the_list_follows(
    client: httpx.AsyncClient, session: AsyncSession, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    born = birthday(uk_today(), -19) - timedelta(days=40)
    person = await resident(
        client,
        world,
        "Repaired",
        born,
        "E07000170",  # Ashfield
        left_care_on=birthday(born, 18),
        weeks_looked_after_since_14=200,
    )
    assert person in await listed(client, world, "partner_ash")
    answer = await outcome(client, world, "admin_county", person, CODE)
    assert answer != "not_eligible"
    # The stored row says otherwise: the list reads it, so the list is wrong now...
    await session.execute(
        update(EntitlementDecision)
        .where(
            EntitlementDecision.care_leaver_id == uuid.UUID(person),
            EntitlementDecision.entitlement_code == CODE,
        )
        .values(outcome="not_eligible")
    )
    await session.flush()
    assert person not in await listed(client, world, "partner_ash")
    # ...until the person's entitlements are read: the answer is the record's, and so is the store's.
    with caplog.at_level(logging.WARNING, logger="app.decisions.report"):
        assert await outcome(client, world, "admin_county", person, CODE) == answer
    assert stale(caplog) == ["decision.stale"]
    session.expire_all()
    assert await stored_outcome(session, person, CODE) == {answer}
    assert person in await listed(client, world, "partner_ash")
    # A read that agrees with the store changes nothing and logs nothing.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.decisions.report"):
        assert await outcome(client, world, "admin_county", person, CODE) == answer
    assert stale(caplog) == []


async def test_the_apps_view_is_the_stored_one_too(
    client: httpx.AsyncClient, session: AsyncSession, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    person = world.id("p_a1")
    before = (await client.get("/v1/me/entitlements", headers=world.headers("leaver_a1"))).json()
    # A timeline never written (say, a record loaded around the service) is written by the first read.
    await session.execute(delete(EntitlementDecision).where(EntitlementDecision.care_leaver_id == person))
    await session.flush()
    with caplog.at_level(logging.WARNING, logger="app.decisions.report"):
        response = await client.get("/v1/me/entitlements", headers=world.headers("leaver_a1"))
    assert response.status_code == 200, response.text
    assert response.json() == before
    assert stale(caplog) == ["decision.stale"]
    codes = {r["entitlement"] for r in before["results"]}
    session.expire_all()
    rows = await session.scalars(
        select(EntitlementDecision.entitlement_code).where(EntitlementDecision.care_leaver_id == person)
    )
    assert set(rows) == codes
