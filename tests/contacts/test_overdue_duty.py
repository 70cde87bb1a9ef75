"""The overdue-contact list holds only the young people the council must keep in touch with, counted from
the allocation or the start of that duty (CA89 s23B, s23C(2)-(3), s23CZB; CLR 2010 reg 46)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers import hooks
from app.care_leavers.models import CareLeaver
from app.core.dates import birthday
from tests.contacts.helpers import arrange_person, born, day
from tests.support import factories as f
from tests.support.world import World


async def overdue_days(client: httpx.AsyncClient, world: World) -> dict[str, int]:
    response = await client.get(
        "/v1/contacts/overdue", params={"limit": "100"}, headers=world.headers("admin_city")
    )
    assert response.status_code == 200, response.text
    return {item["care_leaver"]["id"]: item["days_overdue"] for item in response.json()["items"]}


async def test_a_21_year_old_with_no_leaving_care_status_is_not_overdue(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await f.care_leaver(session, adviser=world.users["pa_a1"], age_years=21)
    await arrange_person(session, person.id, created_days_ago=250)
    await hooks.records_changed(session, [person.id])
    assert str(person.id) not in await overdue_days(client, world)


async def test_a_22_year_old_with_no_adviser_who_never_asked_is_not_overdue(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await f.care_leaver(session, age_years=22, former_relevant=True)
    await arrange_person(session, person.id, created_days_ago=100)
    await hooks.records_changed(session, [person.id])
    assert str(person.id) not in await overdue_days(client, world)


async def test_someone_bulk_imported_and_never_contacted_is_overdue_from_the_allocation(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    dob = born(19, days=-40)
    eighteenth = birthday(dob, 18)
    csv = (
        "case_reference,given_name,family_name,date_of_birth,left_care_on,weeks_looked_after_since_14\n"
        f"IMP-DUTY,Ida,Imported,{dob.isoformat()},{eighteenth.isoformat()},200\n"
    )
    files = {"file": ("export.csv", csv.encode(), "text/csv")}
    loaded = await client.post("/v1/care-leavers/imports", files=files, headers=world.headers("admin_city"))
    assert loaded.status_code in (200, 201), loaded.text
    person_id = await session.scalar(select(CareLeaver.id).where(CareLeaver.case_reference == "IMP-DUTY"))
    assert person_id is not None
    allocated = await client.post(
        f"/v1/care-leavers/{person_id}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_a1"].id), "started_on": day(60).isoformat()},
        headers=world.headers("admin_city"),
    )
    assert allocated.status_code == 201, allocated.text
    # City: every 56 days under 21, so due 4 days ago, counted from the allocation, not the import.
    assert (await overdue_days(client, world)).get(str(person_id)) == 4
    # The caseload reads the same rule.
    caseload = await client.get(
        f"/v1/advisers/{world.users['pa_a1'].id}/caseload",
        params={"limit": "100"},
        headers=world.headers("admin_city"),
    )
    assert caseload.status_code == 200, caseload.text
    entry = next(e for e in caseload.json()["items"] if e["care_leaver_id"] == str(person_id))
    assert (entry["next_contact_due_on"], entry["days_contact_overdue"]) == (day(4).isoformat(), 4)


async def test_a_22_year_old_given_the_adviser_they_asked_for_is_overdue_from_the_allocation(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await f.care_leaver(session, age_years=22, former_relevant=True)
    await arrange_person(session, person.id, created_days_ago=300)
    await hooks.records_changed(session, [person.id])
    allocated = await client.post(
        f"/v1/care-leavers/{person.id}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_a1"].id), "started_on": day(60).isoformat()},
        headers=world.headers("admin_city"),
    )
    assert allocated.status_code == 201, allocated.text
    # CA89 s23CZB: from 21 the duty follows the request; City contacts every 56 days to 25.
    assert (await overdue_days(client, world)).get(str(person.id)) == 4
