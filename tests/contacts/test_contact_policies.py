"""Each council's contact policy is data with sources; replacing it recomputes every due date at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers import hooks
from app.contacts.models import ContactPolicy
from tests.contacts.helpers import arrange_duty, contact_status, day, events_after, latest_event_id, noon
from tests.support import factories as f
from tests.support.world import World


def band(min_age: int, max_age: int, days: int, **extra: Any) -> dict[str, Any]:
    return {
        "min_age": min_age,
        "max_age": max_age,
        "max_interval_days": days,
        "description": f"Every {days} days from {min_age} to {max_age}",
        "source": "Decision of the service manager, 23 November 2026",
        **extra,
    }


async def test_both_councils_policies_are_seeded_with_their_sources(
    client: httpx.AsyncClient, world: World
) -> None:
    city = (await client.get("/v1/contact-policies", headers=world.headers("pa_a1"))).json()
    assert city["local_authority"] == "E06000018"
    assert [(b["min_age"], b["max_age"], b["max_interval_days"]) for b in city["bands"]] == [(16, 25, 56)]
    source = city["bands"][0]["source"]
    assert "8 weekly" in source and "Corporate Parenting Board 17 May 2021" in source
    county = (await client.get("/v1/contact-policies", headers=world.headers("manager_n"))).json()
    assert county["local_authority"] == "E10000024"
    assert [
        (b["min_age"], b["max_age"], b["max_interval_days"], b["needs_checking"]) for b in county["bands"]
    ] == [
        (
            16,
            21,
            56,
            True,
        ),  # CLR reg 8 as councils apply it; Nottinghamshire's own figure is not in its documents we hold
        (21, 25, 365, True),  # its committee report of 7 March 2022, para 72; its public pages promise more
    ]
    assert "21 to 24 years per year" in county["bands"][1]["source"]
    assert "7 March 2022, para 72" in county["bands"][1]["source"]
    assert all(b["last_checked"] == "2026-11-23" for b in city["bands"] + county["bands"])


async def test_replacing_the_policy_recomputes_due_dates_in_that_council_only(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await arrange_duty(session, world.id("p_a1"))  # q_ash is former relevant already
    await f.contact(session, world.people["p_a1"], world.users["pa_a1"], occurred_at=noon(50))
    await f.contact(session, world.people["q_ash"], world.users["pa_n1"], occurred_at=noon(50))
    await hooks.records_changed(session, [world.id("p_a1"), world.id("q_ash")])
    assert (await contact_status(session, world.id("p_a1")))[1] == day(50) + timedelta(days=56)
    marker = await latest_event_id(session)
    response = await client.put(
        "/v1/contact-policies", json={"bands": [band(16, 25, 28)]}, headers=world.headers("admin_city")
    )
    assert response.status_code == 200, response.text
    assert response.json()["bands"][0]["max_interval_days"] == 28
    ((event, people),) = await events_after(session, marker)
    assert (event.action, event.resource_type, people) == ("update", "contact_policy", set())
    assert (await contact_status(session, world.id("p_a1")))[1] == day(50) + timedelta(days=28)
    assert (await contact_status(session, world.id("q_ash")))[1] == day(50) + timedelta(days=56)
    overdue = (await client.get("/v1/contacts/overdue", headers=world.headers("pa_a1"))).json()["items"]
    assert [(i["care_leaver"]["id"], i["days_overdue"]) for i in overdue] == [(str(world.id("p_a1")), 22)]
    # The replaced band stays on record, closed.
    rows = (await session.execute(select(ContactPolicy).where(ContactPolicy.min_age == 16))).scalars().all()
    city = [r for r in rows if r.local_authority_id == world.people["p_a1"].local_authority_id]
    assert sorted((r.max_interval_days, r.replaced_at is None) for r in city) == [(28, True), (56, False)]


async def test_the_same_policy_again_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    headers = world.headers("admin_county")
    bands = {"bands": [band(21, 25, 180), band(16, 21, 42)]}  # any order
    first = await client.put("/v1/contact-policies", json=bands, headers=headers)
    second = await client.put("/v1/contact-policies", json=bands, headers=headers)
    assert first.json() == second.json()
    assert [b["min_age"] for b in second.json()["bands"]] == [16, 21]
    count = select(func.count()).where(
        ContactPolicy.local_authority_id == world.people["q_ash"].local_authority_id
    )
    assert (await session.execute(count)).scalar_one() == 4  # two seeded, closed; two new


async def test_bands_that_overlap_or_end_before_they_start_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = world.headers("admin_city")
    overlap = await client.put(
        "/v1/contact-policies", json={"bands": [band(16, 22, 56), band(21, 25, 365)]}, headers=headers
    )
    assert overlap.status_code == 422
    assert overlap.json()["code"] == "contact_policy.invalid"
    assert overlap.json()["errors"][0]["field"] == "bands.1.min_age"
    backwards = await client.put("/v1/contact-policies", json={"bands": [band(21, 16, 56)]}, headers=headers)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "bands.0.max_age"
    empty = await client.put("/v1/contact-policies", json={"bands": []}, headers=headers)
    assert empty.status_code == 422
    as_text = await client.put("/v1/contact-policies", json={"bands": [band(16, 25, "56")]}, headers=headers)  # type: ignore[arg-type]
    assert as_text.status_code == 422
    unchanged = (await client.get("/v1/contact-policies", headers=headers)).json()
    assert [b["max_interval_days"] for b in unchanged["bands"]] == [56]


async def test_only_a_council_admin_changes_the_policy(client: httpx.AsyncClient, world: World) -> None:
    for actor in ("manager_a", "pa_a1", "system_admin"):
        response = await client.put(
            "/v1/contact-policies", json={"bands": [band(16, 25, 7)]}, headers=world.headers(actor)
        )
        assert response.status_code == 403, actor
