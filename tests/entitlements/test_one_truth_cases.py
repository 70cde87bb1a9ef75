"""Issue 11's cases about the engine, through the real API: each failed before its fix.

The seeded offers were published in this service on 23 November 2026, so a check for an earlier date
has no offer to answer from (case 11); the other cases ask about today or later and give the dates
they turn on (a course start, a move into a first home) as facts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import uk_today, utc_now
from app.core.dates import birthday
from app.entitlements import management
from app.entitlements.repository import OfferRepository
from tests.support.world import World

CITY = "E06000018"
COUNTY = "E10000024"
DAY = timedelta(days=1)


def born_aged(years: int, *, days_ago: int = 40) -> date:
    """A date of birth that makes someone `years` old today (their birthday `days_ago` days ago)."""
    return birthday(uk_today() - days_ago * DAY, -years)


async def check(
    client: httpx.AsyncClient, gss: str, facts: dict[str, Any], on: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"local_authority": gss, "facts": facts}
    if on is not None:
        body["on"] = on
    return await client.post("/v1/eligibility/check", json=body)


async def results(
    client: httpx.AsyncClient, gss: str, facts: dict[str, Any], on: str | None = None
) -> dict[str, dict[str, Any]]:
    response = await check(client, gss, facts, on)
    assert response.status_code == 200, response.text
    return {r["entitlement"]: r for r in response.json()["results"]}


# Case 11: a check for a past date uses the offer version in force on that date.


async def test_a_check_before_the_first_publication_is_the_same_404_as_the_offer(
    client: httpx.AsyncClient,
) -> None:
    for gss, on in ((CITY, "2024-05-01"), (COUNTY, "2019-06-30")):
        offer = await client.get(f"/v1/local-authorities/{gss}/offer", params={"on": on})
        checked = await check(client, gss, {"legal_status": "former_relevant"}, on)
        assert offer.status_code == checked.status_code == 404
        assert checked.json()["code"] == offer.json()["code"] == "offer.not_published"
        assert checked.json()["detail"] == offer.json()["detail"]


async def test_a_check_for_a_date_uses_the_version_in_force_that_day(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    county = await OfferRepository(session).local_authority(gss_code=COUNTY)
    assert county is not None
    await management.start_draft(session, county.id, now=utc_now())
    await management.withdraw_entitlement(
        session, county.id, "leisure-pass", withdrawn_from=uk_today() + DAY, today=uk_today()
    )
    await management.publish_draft(session, county.id, now=utc_now())
    facts = {"legal_status": "former_relevant", "date_of_birth": "2004-01-01", "district": "E07000171"}
    yesterday = (uk_today() - DAY).isoformat()
    for on, version in ((yesterday, 1), (None, 2), (uk_today().isoformat(), 2)):
        offer = await client.get(f"/v1/local-authorities/{COUNTY}/offer", params={"on": on} if on else None)
        report = (await check(client, COUNTY, facts, on)).json()
        assert report["offer_version"] == offer.json()["version"] == version, on
    # Version 1 had no withdrawal: asked about yesterday, the pass has no end; today it ends today.
    before = await results(client, COUNTY, facts, yesterday)
    assert before["leisure-pass"]["ends_on"] != uk_today().isoformat()
    now = await results(client, COUNTY, facts)
    assert now["leisure-pass"]["ends_on"] == uk_today().isoformat()


async def test_a_record_s_entitlements_for_a_date_before_any_offer_are_the_same_404(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"/v1/care-leavers/{world.id('p_a1')}/entitlements"
    response = await client.get(url, params={"on": "2024-05-01"}, headers=world.headers("pa_a1"))
    assert response.status_code == 404, response.text
    offer = await client.get(f"/v1/local-authorities/{CITY}/offer", params={"on": "2024-05-01"})
    assert response.json()["code"] == "offer.not_published"
    assert response.json()["detail"] == offer.json()["detail"]


# Case 9: an unknown the facts already settle.


async def test_someone_in_higher_education_under_25_is_not_asked_when_their_course_started(
    client: httpx.AsyncClient,
) -> None:
    born = born_aged(20)
    facts = {
        "legal_status": "former_relevant",
        "date_of_birth": born.isoformat(),
        "in_higher_education": True,
    }
    bursary = (await results(client, CITY, facts))["higher-education-bursary"]
    assert bursary["outcome"] == "eligible", bursary
    assert bursary["missing_facts"] == []
    said = [r["message"] for r in bursary["reasons"] if "course started" in r["message"]]
    assert said == [
        "You are 20 and you are in higher education (a degree or similar course), so you were 20 or younger "
        "when your course started, and this is for care leavers under 25 at that point."
    ]
    # The answer holds until the 25th birthday, when the start date would matter again.
    assert bursary["ends_on"] == (birthday(born, 25) - DAY).isoformat()
    # Not known to be in higher education: that is asked first, not the start date.
    del facts["in_higher_education"]
    asked = (await results(client, CITY, facts))["higher-education-bursary"]
    assert asked["outcome"] == "unknown" and asked["missing_facts"] == ["in_higher_education"]
    # At 26, a course may have begun before or after the 25th birthday: then the date is asked.
    older = {**facts, "in_higher_education": True, "date_of_birth": born_aged(26).isoformat()}
    late = (await results(client, CITY, older))["higher-education-bursary"]
    assert late["outcome"] == "unknown" and late["missing_facts"] == ["course_start"]


# Case 3: a qualifying young person keeps help with education to 25 (Children Act 1989 s24B).


async def test_a_qualifying_22_year_old_at_university_keeps_vacation_accommodation(
    client: httpx.AsyncClient, world: World
) -> None:
    born = born_aged(22)
    history = {"left_care_on": birthday(born, 17).isoformat(), "looked_after_weeks_since_14": 8}
    admin = world.headers("admin_city")
    body = {"case_reference": "S24B-1", "given_name": "Ash", "family_name": "Student"}
    created = await client.post(
        "/v1/care-leavers",
        json={
            **body,
            "date_of_birth": born.isoformat(),
            "left_care_on": history["left_care_on"],
            "weeks_looked_after_since_14": 8,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    person = created.json()["id"]
    activity = {"kind": "activity", "valid_from": uk_today().isoformat(), "code": "F1"}
    added = await client.post(f"/v1/care-leavers/{person}/circumstances", json=activity, headers=admin)
    assert added.status_code == 201, added.text

    status = (await client.get(f"/v1/care-leavers/{person}/legal-status", headers=admin)).json()
    assert status["status"] == "qualifying", status
    assert "Children Act 1989 s24B" in status["reasons"][0]["text"]
    report = (await client.get(f"/v1/care-leavers/{person}/entitlements", headers=admin)).json()
    from_record = {r["entitlement"]: r for r in report["results"]}
    assert from_record["vacation-accommodation"]["outcome"] == "eligible"

    # The anonymous check agrees, from the history or from the status entered.
    facts = {"date_of_birth": born.isoformat(), "in_higher_education": True}
    derived = await results(client, CITY, {**facts, **history})
    entered = await results(client, CITY, {**facts, "legal_status": "qualifying"})
    assert derived["vacation-accommodation"]["outcome"] == "eligible"
    assert entered["vacation-accommodation"]["outcome"] == "eligible"
    assert derived["vacation-accommodation"]["ends_on"] == (birthday(born, 25) - DAY).isoformat()


async def test_a_qualifying_22_year_old_not_studying_has_no_leaving_care_status(
    client: httpx.AsyncClient,
) -> None:
    born = born_aged(22)
    facts = {
        "date_of_birth": born.isoformat(),
        "left_care_on": birthday(born, 17).isoformat(),
        "looked_after_weeks_since_14": 8,
        "in_higher_education": False,
        "in_further_education": False,
        "in_residential_further_education": False,
        "in_apprenticeship": False,
    }
    found = await results(client, COUNTY, facts)
    assert found["personal-health-budget"]["outcome"] == "not_eligible"
    # Whether they study is what decides it: not knowing leaves it open, and it is asked.
    for name in ("in_higher_education", "in_further_education", "in_residential_further_education"):
        del facts[name]
    open_ = await results(client, COUNTY, {**facts, "has_mental_health_need": True})
    assert open_["personal-health-budget"]["outcome"] == "unknown"


# Case 4: the personal adviser stays while a former relevant young person pursues the plan's programme.


async def test_a_former_relevant_22_year_old_on_the_plan_s_course_keeps_their_pa(
    client: httpx.AsyncClient,
) -> None:
    facts = {"legal_status": "former_relevant", "date_of_birth": born_aged(22).isoformat()}
    for gss in (CITY, COUNTY):
        on_course = await results(client, gss, {**facts, "pursuing_programme_in_pathway_plan": True})
        pa = on_course["personal-adviser"]
        assert pa["outcome"] == "eligible", pa
        assert any("Children Act 1989 s23C(6) and (7)" in r["source"] for r in pa["reasons"])
        assert not any("you are 21" in r["message"].lower() for r in pa["reasons"])
        off = await results(client, gss, {**facts, "pursuing_programme_in_pathway_plan": False})
        assert off["personal-adviser"]["outcome"] == "not_eligible"
        asked = (await results(client, gss, facts))["personal-adviser"]
        assert asked["outcome"] == "unknown"
        assert asked["missing_facts"] == ["pursuing_programme_in_pathway_plan"]


# Case 7: the 16 to 19 Bursary follows the age on 31 August at the start of the academic year.


async def test_a_19_year_old_who_was_18_on_31_august_keeps_the_16_to_19_bursary(
    client: httpx.AsyncClient,
) -> None:
    today = uk_today()
    start = date(today.year if today.month >= 8 else today.year - 1, 8, 31)
    if start > today:  # 1 to 30 August: the age counts on the 31st still to come
        start = date(start.year - 1, 8, 31)
        today = date(today.year, 9, 15)
    # Born so as to be 18 on 31 August and 19 by the date asked.
    born = birthday(start + DAY, -19)
    assert born <= birthday(today, -19)
    facts = {
        "legal_status": "former_relevant",
        "date_of_birth": born.isoformat(),
        "in_further_education": True,
    }
    bursary = (await results(client, CITY, facts, today.isoformat()))["sixteen-to-nineteen-bursary"]
    assert bursary["outcome"] == "eligible", bursary
    assert bursary["ends_on"] == date(start.year + 1, 7, 31).isoformat()
    said = " ".join(r["message"] for r in bursary["reasons"])
    assert "You were 18 when this academic year began (ages count on 31 August)" in said
    # One day older, 19 on 31 August itself: not this academic year.
    older = {**facts, "date_of_birth": (born - DAY).isoformat()}
    late = (await results(client, CITY, older, today.isoformat()))["sixteen-to-nineteen-bursary"]
    assert late["outcome"] == "not_eligible"


# Case 8: the setting-up-home allowance is the amount in force when the young person sets up home.


async def test_a_city_care_leaver_who_was_18_in_2022_and_moves_in_2024_gets_3000(
    client: httpx.AsyncClient,
) -> None:
    facts = {
        "legal_status": "former_relevant",
        "date_of_birth": "2004-06-10",  # 18 in June 2022
        "living_independently": True,
        "first_home_on": "2024-03-01",
    }
    suha = (await results(client, CITY, facts))["setting-up-home-allowance"]
    assert suha["outcome"] == "eligible", suha
    assert suha["amount"]["amount_pence"] == 300000
    amount = next(r for r in suha["reasons"] if r["code"] == "amount.amount")
    assert "you set up home on 1 March 2024" in amount["message"]
    assert "Department for Education" in amount["source"] and "Volume 3" in amount["source"]
    # Set up home before the raise: the amount in force then.
    before = (await results(client, CITY, {**facts, "first_home_on": "2023-03-31"}))[
        "setting-up-home-allowance"
    ]
    assert before["amount"]["amount_pence"] == 200000
    # Moving now, with no date given: the amount in force on the day asked (the claim).
    moving = {**facts, "living_independently": False, "moving_into_first_home": True}
    del moving["first_home_on"]
    now = (await results(client, CITY, moving))["setting-up-home-allowance"]
    assert now["amount"]["amount_pence"] == 300000
