"""What each council's seeded offer answers, case by case, through POST /v1/eligibility/check.

Each row is (council, date, facts) and the outcome expected for the entitlements it is about, from
the seeds and STATUTE.md: ages end on the birthday, a 29 February birthday falls on 1 March in a
common year, amounts follow their dated parameters, a missing fact gives `unknown`, never a guess.
Every result of every row is also checked for reasons and missing facts a young person can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.entitlements.schemas import EligibilityReport

CITY = "E06000018"
COUNTY = "E10000024"
DISTRICTS = {
    "E07000170": "Ashfield",
    "E07000171": "Bassetlaw",
    "E07000172": "Broxtowe",
    "E07000173": "Gedling",
    "E07000174": "Mansfield",
    "E07000175": "Newark and Sherwood",
    "E07000176": "Rushcliffe",
}
ASHFIELD = "E07000170"
FR = {"legal_status": "former_relevant"}
TODAY = "2026-11-23"

ELIGIBLE, NOT, UNKNOWN = "eligible", "not_eligible", "unknown"
HE = "if you start a university or other higher-education course"


@dataclass(frozen=True)
class Case:
    id: str
    council: str
    on: str
    facts: dict[str, Any]
    expect: dict[str, str]  # entitlement code -> outcome
    amount: dict[str, int | None] = field(default_factory=dict)  # code -> pence
    ends_on: dict[str, str | None] = field(default_factory=dict)
    starts_on: dict[str, str | None] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    change: dict[str, list[str]] = field(default_factory=dict)


def council_tax_payer(district: str, **extra: Any) -> dict[str, Any]:
    return {
        **FR,
        "date_of_birth": "2003-01-15",
        "district": district,
        "liable_for_council_tax": True,
        **extra,
    }


CASES = [
    # The 25th birthday (1 May 2027 for someone born 1 May 2002): eligible the day before, not on the day.
    Case(
        "county-day-before-25th",
        COUNTY,
        "2027-04-30",
        {**FR, "date_of_birth": "2002-05-01", "district": ASHFIELD, "liable_for_council_tax": True},
        {
            "council-tax-exemption": ELIGIBLE,
            "personal-adviser-21-to-25": ELIGIBLE,
            "leisure-pass": ELIGIBLE,
            "free-prescriptions-dental-eye-care": ELIGIBLE,
        },
        ends_on={"council-tax-exemption": "2027-04-30", "personal-adviser-21-to-25": "2027-04-30"},
    ),
    Case(
        "county-25th-birthday",
        COUNTY,
        "2027-05-01",
        {**FR, "date_of_birth": "2002-05-01", "district": ASHFIELD, "liable_for_council_tax": True},
        {
            "council-tax-exemption": NOT,
            "personal-adviser-21-to-25": NOT,
            "leisure-pass": NOT,
            "free-prescriptions-dental-eye-care": NOT,
            "setting-up-home-allowance": NOT,
        },
        ends_on={"council-tax-exemption": None},
    ),
    Case(
        "city-day-before-25th",
        CITY,
        "2027-04-30",
        {**FR, "date_of_birth": "2002-05-01", "district": CITY, "liable_for_council_tax": True},
        {
            "council-tax-exemption": ELIGIBLE,
            "council-apprenticeship-interview": ELIGIBLE,
            "interview-travel-and-clothing": ELIGIBLE,
            "personal-adviser-21-to-25": ELIGIBLE,
        },
        ends_on={"council-tax-exemption": "2027-04-30"},
    ),
    Case(
        "city-25th-birthday",
        CITY,
        "2027-05-01",
        {**FR, "date_of_birth": "2002-05-01", "district": CITY, "liable_for_council_tax": True},
        {
            "council-tax-exemption": NOT,
            "council-apprenticeship-interview": NOT,
            "interview-travel-and-clothing": NOT,
            "personal-adviser-21-to-25": NOT,
        },
    ),
    # The 21st birthday (10 September 2027): a PA by statute until then (longer only on the pathway plan's
    # programme, CA89 s23C(7)); on request from then; Staying Put ends.
    Case(
        "county-day-before-21st",
        COUNTY,
        "2027-09-09",
        {**FR, "date_of_birth": "2006-09-10", "staying_put": True},
        {"personal-adviser": ELIGIBLE, "personal-adviser-21-to-25": NOT, "staying-put": ELIGIBLE},
        ends_on={"personal-adviser": "2027-09-09", "staying-put": "2027-09-09"},
        starts_on={"personal-adviser-21-to-25": "2027-09-10"},
    ),
    Case(
        "county-21st-birthday",
        COUNTY,
        "2027-09-10",
        {
            **FR,
            "pursuing_programme_in_pathway_plan": False,
            "date_of_birth": "2006-09-10",
            "staying_put": True,
        },
        {"personal-adviser": NOT, "personal-adviser-21-to-25": ELIGIBLE, "staying-put": NOT},
        ends_on={"personal-adviser-21-to-25": "2031-09-09"},
    ),
    Case(
        "city-day-before-21st",
        CITY,
        "2027-09-09",
        {**FR, "date_of_birth": "2006-09-10", "staying_put": True},
        {"personal-adviser": ELIGIBLE, "personal-adviser-21-to-25": NOT, "staying-put": ELIGIBLE},
        starts_on={"personal-adviser-21-to-25": "2027-09-10"},
    ),
    Case(
        "city-21st-birthday",
        CITY,
        "2027-09-10",
        {
            **FR,
            "pursuing_programme_in_pathway_plan": False,
            "date_of_birth": "2006-09-10",
            "staying_put": True,
        },
        {"personal-adviser": NOT, "personal-adviser-21-to-25": ELIGIBLE, "staying-put": NOT},
    ),
    # A 29 February birthday: 25 on 1 March 2029 (born 2004), 21 on 1 March 2029 (born 2008): common years.
    Case(
        "leap-day-before-25th",
        COUNTY,
        "2029-02-28",
        council_tax_payer("E07000173", date_of_birth="2004-02-29"),
        {"council-tax-exemption": ELIGIBLE},
        ends_on={"council-tax-exemption": "2029-02-28"},
    ),
    Case(
        "leap-25th-on-1-march",
        COUNTY,
        "2029-03-01",
        council_tax_payer("E07000173", date_of_birth="2004-02-29"),
        {"council-tax-exemption": NOT},
    ),
    Case(
        "leap-ends-on-28-february",
        CITY,
        TODAY,
        council_tax_payer(CITY, date_of_birth="2004-02-29"),
        {"council-tax-exemption": ELIGIBLE},
        ends_on={"council-tax-exemption": "2029-02-28"},
    ),
    Case(
        "leap-day-before-21st",
        COUNTY,
        "2029-02-28",
        {**FR, "date_of_birth": "2008-02-29"},
        {"personal-adviser": ELIGIBLE, "personal-adviser-21-to-25": NOT},
        ends_on={"personal-adviser": "2029-02-28"},
        starts_on={"personal-adviser-21-to-25": "2029-03-01"},
    ),
    Case(
        "leap-21st-on-1-march",
        COUNTY,
        "2029-03-01",
        {**FR, "pursuing_programme_in_pathway_plan": False, "date_of_birth": "2008-02-29"},
        {"personal-adviser": NOT, "personal-adviser-21-to-25": ELIGIBLE},
    ),
    # Setting-up-home allowance either side of 1 April 2023: the amount in force when they set up home,
    # the day they moved into their first home (or, not given, the day asked)...
    Case(
        "city-suha-moved-31-march-2023",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2004-03-31", "living_independently": True, "first_home_on": "2023-03-31"},
        {"setting-up-home-allowance": ELIGIBLE},
        amount={"setting-up-home-allowance": 200000},
    ),
    Case(
        "city-suha-moved-1-april-2023",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2004-03-31", "living_independently": True, "first_home_on": "2023-04-01"},
        {"setting-up-home-allowance": ELIGIBLE},
        amount={"setting-up-home-allowance": 300000},
    ),
    Case(
        "city-suha-18-before-april-2023-moving-now",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2005-03-31", "moving_into_first_home": True},
        {"setting-up-home-allowance": ELIGIBLE},
        amount={"setting-up-home-allowance": 300000},
    ),
    Case(
        "city-suha-relevant-turning-18-later",
        CITY,
        TODAY,
        {"legal_status": "relevant", "date_of_birth": "2009-06-01", "moving_into_first_home": True},
        {"setting-up-home-allowance": ELIGIBLE},
        amount={"setting-up-home-allowance": 300000},
    ),
    # ...Nottinghamshire by the date the grant is made.
    Case(
        "county-heg-granted-today",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2004-06-01", "living_independently": True},
        {"setting-up-home-allowance": ELIGIBLE},
        amount={"setting-up-home-allowance": 300000},
    ),
    Case(
        "county-heg-not-moving",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2004-06-01", "living_independently": False, "moving_into_first_home": False},
        {"setting-up-home-allowance": NOT},
        change={"setting-up-home-allowance": ["when you move into your own home"]},
    ),
    Case(
        "county-heg-qualifying",
        COUNTY,
        TODAY,
        {"legal_status": "qualifying", "date_of_birth": "2006-06-01", "living_independently": True},
        {"setting-up-home-allowance": NOT},
        change={"setting-up-home-allowance": []},
    ),
    # Council tax: each Nottinghamshire district grants it...
    *[
        Case(
            f"county-council-tax-{name.lower().replace(' ', '-')}",
            COUNTY,
            TODAY,
            council_tax_payer(gss),
            {"council-tax-exemption": ELIGIBLE, "leisure-pass": ELIGIBLE},
            ends_on={"council-tax-exemption": "2028-01-14"},
        )
        for gss, name in DISTRICTS.items()
    ],
    # ...but not for a home in the city, not to someone who would not pay it, and not without knowing where.
    Case(
        "county-council-tax-living-in-the-city",
        COUNTY,
        TODAY,
        council_tax_payer(CITY),
        {"council-tax-exemption": NOT, "leisure-pass": NOT},
    ),
    Case(
        "county-council-tax-not-liable",
        COUNTY,
        TODAY,
        council_tax_payer(ASHFIELD, liable_for_council_tax=False),
        {"council-tax-exemption": NOT},
        change={
            "council-tax-exemption": [
                "if you become responsible for council tax, for example with your own tenancy"
            ]
        },
    ),
    Case(
        "county-council-tax-district-unknown",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-15", "liable_for_council_tax": True},
        {"council-tax-exemption": UNKNOWN, "leisure-pass": UNKNOWN},
        missing={"council-tax-exemption": ["district"], "leisure-pass": ["district"]},
    ),
    Case(
        "county-council-tax-district-unknown-not-liable",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-15", "liable_for_council_tax": False},
        {"council-tax-exemption": NOT},
    ),
    Case(
        "city-council-tax-living-in-the-city",
        CITY,
        TODAY,
        council_tax_payer(CITY),
        {"council-tax-exemption": ELIGIBLE},
    ),
    Case(
        "city-council-tax-living-in-rushcliffe",
        CITY,
        TODAY,
        council_tax_payer("E07000176"),
        {"council-tax-exemption": NOT},
    ),
    Case(
        "city-council-tax-not-liable",
        CITY,
        TODAY,
        council_tax_payer(CITY, liable_for_council_tax=False),
        {"council-tax-exemption": NOT},
    ),
    Case(
        "city-council-tax-district-unknown",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-15", "liable_for_council_tax": True},
        {"council-tax-exemption": UNKNOWN},
        missing={"council-tax-exemption": ["district"]},
    ),
    Case(
        "city-offer-for-a-county-care-leaver",
        CITY,
        TODAY,
        council_tax_payer(CITY, local_authority=COUNTY),
        {"council-tax-exemption": NOT, "setting-up-home-allowance": NOT, "apprenticeship-bursary": UNKNOWN},
    ),
    # Higher-education bursary: in and out of higher education.
    Case(
        "county-he-bursary-in-he",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2005-01-01", "in_higher_education": True, "course_start": "2025-09-20"},
        {"higher-education-bursary": ELIGIBLE, "vacation-accommodation": ELIGIBLE},
        amount={"higher-education-bursary": 200000},
    ),
    Case(
        "county-he-bursary-not-in-he",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2005-01-01", "in_higher_education": False},
        {"higher-education-bursary": NOT},
        change={"higher-education-bursary": [HE]},
    ),
    Case(
        "county-he-bursary-in-he-at-21-course-start-not-needed",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2005-01-01", "in_higher_education": True},
        {"higher-education-bursary": ELIGIBLE},
    ),
    Case(
        "county-he-bursary-at-25-course-start-asked",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2001-01-01", "in_higher_education": True},
        {"higher-education-bursary": UNKNOWN},  # 25 now: the course may have begun before or after
        missing={"higher-education-bursary": ["course_start"]},
    ),
    Case(
        "county-he-bursary-course-started-at-25",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2000-01-01", "in_higher_education": True, "course_start": "2025-09-01"},
        {"higher-education-bursary": NOT},
    ),
    Case(
        "city-he-bursary-in-he",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2005-01-01", "in_higher_education": True, "course_start": "2024-09-20"},
        {"higher-education-bursary": ELIGIBLE, "higher-education-living-allowance": ELIGIBLE},
        amount={"higher-education-bursary": 200000, "higher-education-living-allowance": None},
    ),
    Case(
        "city-he-bursary-not-in-he",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2005-01-01", "in_higher_education": False},
        {"higher-education-bursary": NOT, "higher-education-living-allowance": NOT, "growing-lives": NOT},
    ),
    # Qualifying versus former relevant, with the same facts otherwise.
    Case(
        "county-qualifying-student",
        COUNTY,
        TODAY,
        {
            "legal_status": "qualifying",
            "date_of_birth": "2006-01-01",
            "in_higher_education": True,
            "course_start": "2025-09-01",
            "staying_put": True,
        },
        {
            "higher-education-bursary": NOT,
            "vacation-accommodation": ELIGIBLE,
            "personal-adviser": NOT,
            "staying-put": NOT,
            "growing-lives": UNKNOWN,
        },
    ),
    Case(
        "county-former-relevant-student",
        COUNTY,
        TODAY,
        {
            **FR,
            "date_of_birth": "2006-01-01",
            "in_higher_education": True,
            "course_start": "2025-09-01",
            "staying_put": True,
        },
        {
            "higher-education-bursary": ELIGIBLE,
            "vacation-accommodation": ELIGIBLE,
            "personal-adviser": ELIGIBLE,
            "staying-put": ELIGIBLE,
        },
    ),
    Case(
        "city-qualifying-at-ntu",
        CITY,
        TODAY,
        {
            "legal_status": "qualifying",
            "date_of_birth": "2006-01-01",
            "moving_into_first_home": True,
            "in_higher_education": True,
            "university": "nottingham_trent_university",
        },
        {
            "setting-up-home-allowance": NOT,
            "growing-lives": ELIGIBLE,
            "ntu-care-leavers-bursary": ELIGIBLE,
            "higher-education-living-allowance": NOT,
        },
    ),
    Case(
        "city-former-relevant-at-ntu",
        CITY,
        TODAY,
        {
            **FR,
            "date_of_birth": "2006-01-01",
            "moving_into_first_home": True,
            "in_higher_education": True,
            "university": "nottingham_trent_university",
        },
        {
            "setting-up-home-allowance": ELIGIBLE,
            "growing-lives": ELIGIBLE,
            "ntu-care-leavers-bursary": ELIGIBLE,
            "higher-education-living-allowance": ELIGIBLE,
        },
        amount={
            "setting-up-home-allowance": 300000,
            "growing-lives": 50000,
            "ntu-care-leavers-bursary": 100000,
        },
    ),
    # Legal status derived from the care history when it is not given.
    Case(
        "county-derived-former-relevant",
        COUNTY,
        TODAY,
        {
            "date_of_birth": "2006-06-15",
            "left_care_on": "2023-09-01",
            "looked_after_weeks_since_14": 30,
            "staying_put": True,
        },
        {"personal-adviser": ELIGIBLE, "staying-put": ELIGIBLE},
        ends_on={"staying-put": "2027-06-14"},
    ),
    Case(
        "county-derived-qualifying",
        COUNTY,
        TODAY,
        {"date_of_birth": "2006-06-15", "left_care_on": "2023-09-01", "looked_after_weeks_since_14": 6},
        {"personal-adviser": NOT, "staying-put": NOT},
    ),
    Case(
        "county-status-unknown",
        COUNTY,
        TODAY,
        {"date_of_birth": "2006-06-15"},
        {"personal-adviser": UNKNOWN, "council-tax-exemption": UNKNOWN},
        missing={"personal-adviser": ["legal_status"]},
    ),
    Case(
        "city-derived-relevant-at-17",
        CITY,
        TODAY,
        {"date_of_birth": "2009-06-01", "left_care_on": "2026-07-01", "looked_after_weeks_since_14": 40},
        {"personal-adviser": ELIGIBLE, "staying-put": NOT},
    ),
    # The apprenticeship bursary, decided by the start date: £1,000 before 1 August 2023, £3,000 from then.
    Case(
        "county-apprenticeship-started-31-july-2023",
        COUNTY,
        TODAY,
        {
            **FR,
            "date_of_birth": "2003-01-01",
            "in_apprenticeship": True,
            "apprenticeship_start": "2023-07-31",
        },
        {"apprenticeship-bursary": ELIGIBLE},
        amount={"apprenticeship-bursary": 100000},
    ),
    Case(
        "county-apprenticeship-started-1-august-2023",
        COUNTY,
        TODAY,
        {
            **FR,
            "date_of_birth": "2003-01-01",
            "in_apprenticeship": True,
            "apprenticeship_start": "2023-08-01",
        },
        {"apprenticeship-bursary": ELIGIBLE},
        amount={"apprenticeship-bursary": 300000},
    ),
    Case(
        "county-no-apprenticeship",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "in_apprenticeship": False},
        {"apprenticeship-bursary": NOT},
        change={"apprenticeship-bursary": ["if you start an apprenticeship"]},
    ),
    Case(
        "county-apprenticeship-started-at-25",
        COUNTY,
        TODAY,
        {
            **FR,
            "date_of_birth": "1998-01-01",
            "in_apprenticeship": True,
            "apprenticeship_start": "2023-09-01",
        },
        {"apprenticeship-bursary": NOT},
    ),
    Case(
        "city-apprenticeship-start-unknown",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "in_apprenticeship": True},
        {"apprenticeship-bursary": UNKNOWN},
        missing={"apprenticeship-bursary": ["apprenticeship_start"]},
    ),
    # The City's travel card: 14 hours' work a week or more.
    Case(
        "city-travel-card-14-hours",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "weekly_work_hours": 14},
        {"travel-card": ELIGIBLE},
    ),
    Case(
        "city-travel-card-13-and-a-half-hours",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "weekly_work_hours": 13.5},
        {"travel-card": NOT},
        change={"travel-card": ["if you work 14 hours a week or more"]},
    ),
    Case(
        "city-travel-card-hours-unknown",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01"},
        {"travel-card": UNKNOWN},
        missing={"travel-card": ["weekly_work_hours"]},
    ),
    # Housing costs at the one-bedroom rate need recourse to public funds.
    Case(
        "county-housing-rate",
        COUNTY,
        TODAY,
        {
            **FR,
            "date_of_birth": "2003-01-01",
            "living_independently": True,
            "immigration_status": "british_or_irish",
        },
        {"housing-costs-one-bedroom-rate": ELIGIBLE},
    ),
    Case(
        "city-housing-rate-awaiting-home-office",
        CITY,
        TODAY,
        {
            **FR,
            "date_of_birth": "2003-01-01",
            "living_independently": True,
            "immigration_status": "awaiting_home_office_decision",
        },
        {"housing-costs-one-bedroom-rate": NOT},
    ),
    Case(
        "county-housing-rate-status-unknown",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "living_independently": True},
        {"housing-costs-one-bedroom-rate": UNKNOWN},
        missing={"housing-costs-one-bedroom-rate": ["immigration_status"]},
    ),
    # The 16 to 19 Bursary, through the school or college.
    Case(
        "city-16-19-bursary-at-17",
        CITY,
        TODAY,
        {"legal_status": "relevant", "date_of_birth": "2009-06-01", "in_further_education": True},
        {"sixteen-to-nineteen-bursary": ELIGIBLE},
        amount={"sixteen-to-nineteen-bursary": 120000},
        ends_on={"sixteen-to-nineteen-bursary": "2028-07-31"},  # the academic year she started at 18
    ),
    Case(
        "county-16-19-bursary-in-care-at-16",
        COUNTY,
        TODAY,
        {"legal_status": "eligible", "date_of_birth": "2010-01-01", "in_further_education": True},
        {"sixteen-to-nineteen-bursary": ELIGIBLE, "personal-adviser": ELIGIBLE},
    ),
    Case(
        "county-16-19-bursary-at-19",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2007-01-01", "in_further_education": True},
        {"sixteen-to-nineteen-bursary": NOT},
    ),
    # Personal health budgets for mental health.
    Case(
        "county-you-know-your-mind",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "has_mental_health_need": True},
        {"personal-health-budget": ELIGIBLE},
        amount={"personal-health-budget": 50000},
    ),
    Case(
        "city-you-know-your-own-mind",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "has_mental_health_need": True},
        {"personal-health-budget": ELIGIBLE},
        amount={"personal-health-budget": None},
    ),
    Case(
        "county-no-mental-health-need",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2003-01-01", "has_mental_health_need": False},
        {"personal-health-budget": NOT},
    ),
    Case(
        "county-student-elsewhere",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2005-01-01", "in_higher_education": True, "university": "other"},
        {"growing-lives": NOT, "ntu-care-leavers-bursary": NOT},
    ),
    # Staying Put until 21: the 21st birthday of someone born 1 March 2007 is 1 March 2028.
    Case(
        "county-staying-put-at-19",
        COUNTY,
        TODAY,
        {**FR, "date_of_birth": "2007-03-01", "staying_put": True},
        {"staying-put": ELIGIBLE},
        ends_on={"staying-put": "2028-02-29"},
    ),
    Case(
        "city-not-staying-put",
        CITY,
        TODAY,
        {**FR, "date_of_birth": "2007-03-01", "staying_put": False},
        {"staying-put": NOT},
        change={"staying-put": ["if you and your foster carers agree that you stay with them after 18"]},
    ),
]


def test_the_table_has_at_least_sixty_cases_covering_both_councils() -> None:
    assert len(CASES) >= 60
    assert {c.council for c in CASES} == {CITY, COUNTY}
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_seeded_offers_answer_as_the_sources_say(client: httpx.AsyncClient, case: Case) -> None:
    response = await client.post(
        "/v1/eligibility/check", json={"local_authority": case.council, "on": case.on, "facts": case.facts}
    )
    assert response.status_code == 200, response.text
    report = EligibilityReport.model_validate(response.json())
    results = {r.entitlement: r for r in report.results}
    assert {code: results[code].outcome.value for code in case.expect} == case.expect
    for code, pence in case.amount.items():
        assert (results[code].amount.amount_pence if results[code].amount else None) == pence, code
    for code, ends in case.ends_on.items():
        assert (results[code].ends_on.isoformat() if results[code].ends_on else None) == ends, code
    for code, starts in case.starts_on.items():
        assert (results[code].starts_on.isoformat() if results[code].starts_on else None) == starts, code
    for code, missing in case.missing.items():
        assert results[code].missing_facts == missing, code
    for code, change in case.change.items():
        assert results[code].what_would_change == change, code
    for result in report.results:
        assert_readable(result.model_dump())


SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def assert_readable(result: dict[str, Any]) -> None:
    """Every result explains itself in sentences, names its sources, and asks only for what decides it."""
    where = result["entitlement"]
    assert result["reasons"], f"{where} gives no reason"
    for reason in result["reasons"]:
        message = reason["message"]
        assert message[0].isupper() and message.endswith("."), f"{where}: {message!r}"
        assert not SNAKE_CASE.search(message), f"{where} shows a field name to a young person: {message!r}"
        assert reason["source"], f"{where}: a reason without a source"
    results = {r["result"] for r in result["reasons"]}
    if result["outcome"] == "unknown":
        assert result["missing_facts"] and "unknown" in results, where
    else:
        assert result["missing_facts"] == [], where
    if result["outcome"] == "not_eligible":
        assert "failed" in results, where
    if result["outcome"] == "eligible":
        assert results == {"passed"}, where
