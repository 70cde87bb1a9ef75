"""A university sees its students only with their consent naming it: the course on the record and the
higher-education bursary's instalments with what is paid; it confirms enrolment, course dates and vacation
needs, and the record and the instalments follow."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import CareLeaver
from app.claims.lifecycle import academic_start, academic_year
from app.core.clock import uk_today
from tests.claims.support import act, claim_body, pay
from tests.support import factories as f
from tests.support.world import World

LIST = "/v1/university-students"


def enrolment(person: CareLeaver) -> str:
    return f"{LIST}/{person.id}/enrolment"


def course_dates(years: int) -> tuple[date, date]:
    start = academic_start(academic_year(uk_today()))
    return start, start.replace(year=start.year + years, month=6, day=30)


async def _student(
    client: httpx.AsyncClient, session: AsyncSession, world: World, consent: bool
) -> CareLeaver:
    """A county care leaver at university, recorded by their adviser, agreeing (or not) to share with it."""
    person = await f.care_leaver(
        session,
        f.COUNTY,
        adviser=world.users["pa_n1"],
        district=f.ASHFIELD,
        former_relevant=True,
        age_years=19,
    )
    started, ends = course_dates(3)
    pa = world.headers("pa_n1")
    entry = {
        "kind": "higher_education",
        "valid_from": started.isoformat(),
        "institution": "Trent University",
        "course": "BA Social Work",
        "started_on": started.isoformat(),
        "expected_end_on": ends.isoformat(),
        "studying": True,
    }
    recorded = await client.post(f"/v1/care-leavers/{person.id}/circumstances", json=entry, headers=pa)
    assert recorded.status_code == 201, recorded.text
    if consent:
        uni = world.users["partner_uni"].partner_organisation_id
        given = await client.post(
            f"/v1/care-leavers/{person.id}/consents",
            json={"recipient": "university", "organisation_id": str(uni)},
            headers=pa,
        )
        assert given.status_code == 201, given.text
    return person


async def _listed(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    response = await client.get(LIST, headers=world.headers("partner_uni"))
    assert response.status_code == 200, response.text
    return {s["care_leaver_id"]: s for s in response.json()["items"]}


def _body(years: int, weeks: int | None = 12) -> dict[str, Any]:
    started, ends = course_dates(years)
    return {
        "course": "BA Social Work",
        "started_on": started.isoformat(),
        "expected_end_on": ends.isoformat(),
        "studying": True,
        "vacation_accommodation_weeks": weeks,
    }


async def test_without_consent_a_university_sees_nothing_and_cannot_confirm(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await _student(client, session, world, consent=False)
    assert str(person.id) not in await _listed(client, world)
    put = await client.put(enrolment(person), json=_body(2), headers=world.headers("partner_uni"))
    assert put.status_code == 404, put.text
    # Consent to share with a district council does not reach the university either.
    assert str(world.id("q_ash")) not in await _listed(client, world)
    other = await client.put(
        f"{LIST}/{world.id('q_ash')}/enrolment", json=_body(2), headers=world.headers("partner_uni")
    )
    assert other.status_code == 404


async def test_with_consent_the_student_is_listed_with_the_bursary_instalments_and_what_is_paid(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await _student(client, session, world, consent=True)
    student = (await _listed(client, world))[str(person.id)]
    started, ends = course_dates(3)
    assert (student["given_name"], student["date_of_birth"]) == (
        person.given_name,
        person.date_of_birth.isoformat(),
    )
    assert student["course"]["course"] == "BA Social Work"
    assert (student["course"]["started_on"], student["course"]["expected_end_on"]) == (
        started.isoformat(),
        ends.isoformat(),
    )
    bursary = student["bursary"]
    assert bursary["cap_pence"] == 200000, bursary
    assert [i["amount_pence"] for i in bursary["instalments"]] == [66667, 66667, 66666]
    assert bursary["paid_pence"] == 0
    # Paid by the council's ledger: the university sees it paid.
    claim = await client.post(
        f"/v1/care-leavers/{person.id}/claims",
        json=claim_body(50000, code="higher-education-bursary"),
        headers=world.headers("pa_n1"),
    )
    assert claim.status_code == 201, claim.text
    for approver in ("manager_n", "admin_county"):
        await act(client, world.headers(approver), claim.json()["id"], "approve")
    paid = await pay(client, world.headers("admin_county"), claim.json()["id"], 50000)
    assert paid.status_code == 201, paid.text
    after = (await _listed(client, world))[str(person.id)]["bursary"]
    assert (after["paid_pence"], after["remaining_pence"]) == (50000, 150000)


async def test_a_confirmation_changes_the_course_on_the_record_and_the_instalments(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await _student(client, session, world, consent=True)
    headers = world.headers("partner_uni")
    put = await client.put(enrolment(person), json=_body(2, weeks=10), headers=headers)
    assert put.status_code == 200, put.text
    _started, ends = course_dates(2)
    assert put.json()["course"]["expected_end_on"] == ends.isoformat()
    assert put.json()["course"]["vacation_accommodation_weeks"] == 10
    assert [i["amount_pence"] for i in put.json()["bursary"]["instalments"]] == [100000, 100000]
    listed = (await _listed(client, world))[str(person.id)]
    assert [i["amount_pence"] for i in listed["bursary"]["instalments"]] == [100000, 100000]
    # The adviser sees the course dates and the vacation need on the record, recorded by the university.
    pa = world.headers("pa_n1")
    on = await client.get(f"/v1/care-leavers/{person.id}/circumstances/on", headers=pa)
    assert on.status_code == 200, on.text
    history = await client.get(
        f"/v1/care-leavers/{person.id}/circumstances?kind=higher_education", headers=pa
    )
    latest = history.json()[-1]["details"]
    assert (latest["expected_end_on"], latest["vacation_accommodation_weeks"]) == (ends.isoformat(), 10)
    assert latest["institution"] == "Trent University"
    # The same confirmation again records nothing new.
    again = await client.put(enrolment(person), json=_body(2, weeks=10), headers=headers)
    assert again.status_code == 200 and again.json() == put.json()
    history_again = await client.get(
        f"/v1/care-leavers/{person.id}/circumstances?kind=higher_education", headers=pa
    )
    assert len(history_again.json()) == len(history.json()) == 2
    # It is audited about the young person, as made by the university's account.
    log = await client.get(
        f"/v1/audit-events?care_leaver_id={person.id}&action=create", headers=world.headers("admin_county")
    )
    assert log.status_code == 200, log.text
    made = [e for e in log.json()["items"] if e["resource_type"] == "circumstance"]
    assert next(e["actor"]["id"] for e in made) == str(world.users["partner_uni"].id)
    assert [e["details"]["kind"] for e in made] == ["higher_education", "higher_education"]


async def test_withdrawn_consent_removes_the_student_at_once(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await _student(client, session, world, consent=True)
    assert str(person.id) in await _listed(client, world)
    withdrawn = await client.delete(
        f"/v1/care-leavers/{person.id}/consents/university", headers=world.headers("pa_n1")
    )
    assert withdrawn.status_code == 204, withdrawn.text
    assert str(person.id) not in await _listed(client, world)
    put = await client.put(enrolment(person), json=_body(2), headers=world.headers("partner_uni"))
    assert put.status_code == 404


async def test_a_district_council_cannot_use_the_university_view(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await _student(client, session, world, consent=True)
    for who in ("partner_ash", "partner_rush"):
        listed = await client.get(LIST, headers=world.headers(who))
        assert listed.status_code == 403 and listed.json()["code"] == "auth.forbidden"
        put = await client.put(enrolment(person), json=_body(2), headers=world.headers(who))
        assert put.status_code == 403
    # Council staff use the record itself, not the university's view.
    assert (await client.get(LIST, headers=world.headers("admin_county"))).status_code == 403


async def test_dates_out_of_order_are_refused(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = await _student(client, session, world, consent=True)
    body = {**_body(2), "expected_end_on": _body(2)["started_on"]}
    put = await client.put(enrolment(person), json=body, headers=world.headers("partner_uni"))
    assert put.status_code == 422
