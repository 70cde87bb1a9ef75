"""The Local Offer catalogue: offer versions and entitlements, with both councils' offers as reference data.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Each council's offer is loaded as version 1, published when this migration runs for the first
time in this service (2026-11-23). Every figure names its source (STATUTE.md, BRIEF.md or the
council documents under ../shared/domain/seeds/) and the date it was last checked; where this
service had to read a source (who a raise applies to, which statuses a duty covers), the source
entry says so with `needs_checking`. Amounts are recorded from the council's first Local Offer
publication (Nottingham City: November 2018; Nottinghamshire: 8 April 2019), the earliest date
the sources cover. Rules use the language in app/entitlements/rules/language.py; the tests
validate and compile every seeded rule.

This file imports nothing from `app`: the data here must stay as it was when the migration ran.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The namespace 0001 used for councils, so that offer rows point at the same ids.
_NS = uuid.UUID("6f1c5a8e-2d5b-4c61-9a52-8f3f6a1b2c3d")

CITY = "E06000018"  # Nottingham City Council (unitary)
COUNTY = "E10000024"  # Nottinghamshire County Council (two-tier)
NOTTS_DISTRICTS = [f"E0700017{n}" for n in range(7)]  # Ashfield ... Rushcliffe, as in 0001
CHECKED = "2026-11-23"
PUBLISHED_AT = datetime(2026, 11, 23, tzinfo=UTC)
CITY_OFFER_FROM = "2018-11-01"  # seed 003 para 1.14: the City's Local Offer first published November 2018
COUNTY_OFFER_FROM = "2019-04-08"  # seed 001 para 57: Nottinghamshire's published 8 April 2019

SEED_000 = "../shared/domain/seeds/000_0b20f943b6d02e13.txt"
SEED_001 = "../shared/domain/seeds/001_e007e8d9b073f7e7.txt"
SEED_003 = "../shared/domain/seeds/003_da2b4270c2f1fb72.txt"
SEED_004 = "../shared/domain/seeds/004_d8584221ec000117.txt"
STATUTE = "../shared/domain/STATUTE.md"
BRIEF = "../shared/domain/BRIEF.md"
CITY_000 = (
    "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023)"
)
CITY_003 = (
    "Nottingham City Council, Corporate Parenting Board 17 May 2021, Care Leavers Annual Report 2020/21"
)
COUNTY_001 = "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022"

# id -> (citation, document, needs_checking)
SOURCES: dict[str, tuple[str, str, bool]] = {
    "statute-s1": (
        "Children Act 1989 ss19B, 23A, 23C and 24: legal status follows the care history, and the "
        "responsible council is the one that last looked after the young person (STATUTE.md section 1)",
        STATUTE,
        False,
    ),
    "pa-to-21": (
        "Children Act 1989 s23C and Care Leavers (England) Regulations 2010 reg 8: a personal adviser for "
        "eligible, relevant and former relevant young people (STATUTE.md sections 1 and 3)",
        STATUTE,
        False,
    ),
    "ca89-s23czb": (
        "Children Act 1989 s23CZB (Children and Social Work Act 2017, from April 2018): a personal adviser "
        "on request for former relevant young people from 21 to 25 (STATUTE.md sections 1 and 3)",
        STATUTE,
        False,
    ),
    "ca89-s23c5a": (
        "Children Act 1989 s23C(5A) and the Children Act 1989 (Higher Education Bursary) (England) "
        "Regulations 2009: £2,000 for a former relevant young person in higher education (STATUTE.md section 4)",
        STATUTE,
        False,
    ),
    "he-start-before-25": (
        "The course starts before the 25th birthday: this service's reading of the 2009 regulations",
        STATUTE,
        True,
    ),
    "ca89-s24b5": (
        "Children Act 1989 s24B(5): vacation accommodation, or enough money to secure it, for a young person "
        "in higher education or residential further education (STATUTE.md section 4); the statuses covered "
        "(former relevant and qualifying) are this service's reading",
        STATUTE,
        True,
    ),
    "ca89-s23cza": (
        "Children Act 1989 s23CZA: Staying Put, a former relevant young person fostered on their 18th birthday "
        "stays with that carer until 21, with support paid to the carer (STATUTE.md section 4)",
        STATUTE,
        False,
    ),
    "suha-guidance": (
        "Statutory guidance: setting-up-home allowance, recommended minimum £2,000, raised to £3,000 from "
        "1 April 2023, usually for relevant and former relevant young people, usable up to 25 (STATUTE.md section 4)",
        STATUTE,
        False,
    ),
    "council-tax": (
        "Council tax exemption is the billing authority's discretionary reduction, granted where the young "
        "person lives and only if they would otherwise be liable (STATUTE.md sections 1 and 4)",
        STATUTE,
        False,
    ),
    "to-25": (
        "Children and Social Work Act 2017: the leaving care offer extends from 21 to 25 (seed 000, "
        "'Care Leavers Local Offer'; STATUTE.md section 1)",
        SEED_000,
        False,
    ),
    "apprenticeship-bursary": (
        "Care leavers' apprenticeship bursary: £3,000 (three payments of £1,000) for apprenticeships starting "
        "from 1 August 2023, £1,000 before; under 25 at the start; a status letter from the council "
        "(STATUTE.md section 4)",
        STATUTE,
        False,
    ),
    "apprenticeship-bursary-2018": (
        "ESFA apprenticeship funding rules 2018 to 2019: the £1,000 care leavers' bursary for apprenticeships "
        "starting from 1 August 2018, for care leavers looked after 13 weeks since 14 (eligible, relevant, "
        "former relevant)",
        "https://www.gov.uk/government/publications/apprenticeship-funding-rules",
        True,
    ),
    "bursary-16-19": (
        "16 to 19 Bursary Fund, vulnerable group: up to £1,200 a year through the school or college for "
        "16-18-year-olds in care or care leavers in education (STATUTE.md section 4); the age test is on "
        "31 August of the academic year, approximated here as under 19 on the date asked",
        STATUTE,
        True,
    ),
    "housing-rate": (
        "Care leavers under 25 get the one-bedroom housing rate, not the shared accommodation rate "
        "(STATUTE.md section 4)",
        STATUTE,
        False,
    ),
    "recourse": (
        "Universal Credit and Housing Benefit need an immigration status with recourse to public funds; "
        "asylum-seeking care leavers awaiting a decision are supported by the council (BRIEF.md; seed 003 para 1.7)",
        BRIEF,
        False,
    ),
    "prescriptions": (
        "Free prescriptions, dental and eye care for care leavers under 25, announced December 2025 "
        "(STATUTE.md section 4: how it is claimed is still to be checked)",
        STATUTE,
        True,
    ),
    "brief-universities": (
        "University bursaries: Growing Lives (£500 bursary, support officer, campus visits) and NTU's Care "
        "Leavers and Foyer Resident Bursary (£1,000 a year) (BRIEF.md, from seeds 000 and 001)",
        BRIEF,
        False,
    ),
    # Nottingham City
    "city-offer": (
        f"{CITY_003}, para 1.14: Local Offer first published November 2018; care leavers named Council Tax "
        "exemption, Staying Put, Setting Up Home allowances and university support",
        SEED_003,
        False,
    ),
    "city-pa": (
        f"{CITY_003}, paras 1.12-1.13: every young person with a pathway plan has a PA; PA support from 21, "
        "or on request at any point from 21 to 25",
        SEED_003,
        False,
    ),
    "city-suha": (
        f"{CITY_000}, 'To prepare those children and young people for adulthood': Setting Up Home Allowance "
        "raised from £2,000 to £3,000 to furnish a first home, a TV licence and first-year contents insurance "
        "(the document says 'per year'; recorded here as a one-off allowance)",
        SEED_000,
        True,
    ),
    "city-suha-basis": (
        "The raise to £3,000 applies to those who turn 18 from 1 April 2023: this service's reading; seed 000 "
        "does not say to whom the raise applies",
        SEED_000,
        True,
    ),
    "city-he": (
        f"{CITY_000}, 'Further and Higher Education': HE bursary of at least £2,000 spread over the degree; "
        "a living allowance while studying; holiday accommodation for 21 weeks of non-term rent, or funding",
        SEED_000,
        False,
    ),
    "city-growing-lives": (
        f"{CITY_000}, 'Further and Higher Education': NTU and the University of Nottingham's Growing Lives "
        "programme: £500 bursary, support officer, campus visits; NTU accommodation guaranteed for first choice",
        SEED_000,
        False,
    ),
    "city-accommodation": (
        f"{CITY_000}, 'Transitions Planning': Staying Put with a former foster carer among the accommodation "
        f"options; {CITY_003}, para 1.7: 25 young people Staying Put after 18",
        SEED_000,
        False,
    ),
    "city-travel": (
        f"{CITY_000}, 'Employment & Training': free Robin Hood travel card for care leavers in part-time "
        "(14 hours a week) or full-time work, for an initial 20 or 50 days, then top-ups",
        SEED_000,
        False,
    ),
    "city-apprenticeships": (
        f"{CITY_000}, 'Apprenticeships': a guaranteed interview for every council apprenticeship when the "
        "criteria are met; help with travel to interviews and, where appropriate, interview clothing",
        SEED_000,
        False,
    ),
    "city-ykyom": (
        f"{CITY_000}, 'To act in the best interests...': You Know Your Own Mind, a personalised plan and "
        "budget for activities that promote positive mental health",
        SEED_000,
        False,
    ),
    # Nottinghamshire
    "county-offer": (
        f"{COUNTY_001}, para 57: Local Offer for Care Leavers approved 11 February 2019, published 8 April 2019",
        SEED_001,
        False,
    ),
    "county-council-tax": (
        f"{COUNTY_001}, para 59: exemption from Council Tax for all care leavers up to 25, delivered by the "
        "district and borough councils, if they would be liable in the first instance",
        SEED_001,
        False,
    ),
    "county-leisure": (
        f"{COUNTY_001}, para 61: free gym, swimming and fitness classes at district council leisure centres, "
        "introduced July 2019",
        SEED_001,
        False,
    ),
    "county-ykym": (
        f"{COUNTY_001}, para 27: You Know Your Mind, operational since 2018: a personal health budget of up to "
        "£500 each for children and young people aged 0 to 24 with mental health needs",
        SEED_001,
        False,
    ),
    "county-ntu": (
        f"{COUNTY_001}, para 39: Nottingham Trent University's £1,000 a year Care Leavers and Foyer Resident "
        "Bursary, student support advisers and money management workshops",
        SEED_001,
        False,
    ),
    "county-21plus": (
        f"{COUNTY_001}, paras 69-72: the 21Plus service, PA support for 21-24-year-olds on request, at least "
        "one contact a year, a birthday card",
        SEED_001,
        False,
    ),
    "county-pa": (f"{COUNTY_001}, para 75: personal advisers allocated by 17½", SEED_001, False),
    "county-heg-basis": (
        "Nottinghamshire's Home Establishment Grant: £3,000 for grants from 1 April 2023 (STATUTE.md section 4); "
        "whether the raise follows the date of the grant is this service's reading; the remainder is usable "
        "after 21 through 21Plus",
        STATUTE,
        True,
    ),
    "county-staying-put": (
        "Nottinghamshire Partnership Strategy for Looked After Children and Care Leavers 2018-21: every care "
        "leaver has the opportunity to 'stay put' or keep in contact with their foster carers",
        SEED_004,
        False,
    ),
    "county-growing-lives": (
        "Growing Lives is offered by the two Nottingham universities to care leavers from both councils "
        "(seed 000); whether Nottinghamshire lists it in its own offer is to be checked",
        SEED_000,
        True,
    ),
}

CITY_CONTACTS = [
    {
        "label": "Your personal adviser, Nottingham City Leaving Care Service",
        "url": None,
        "phone": None,
        "email": None,
    },
    {
        "label": "Nottingham City Local Offer for Care Leavers (Ask Lion)",
        "url": "https://www.asklion.co.uk/careleavers",
        "phone": None,
        "email": None,
    },
]
COUNTY_CONTACTS = [
    {
        "label": "Your personal adviser, Nottinghamshire Leaving Care Service",
        "url": None,
        "phone": None,
        "email": None,
    },
    {
        "label": "Nottinghamshire Local Offer for Care Leavers (Notts Help Yourself)",
        "url": "https://www.nottshelpyourself.org.uk/careleaverslo",
        "phone": None,
        "email": None,
    },
]


def _contact(label: str, url: str | None = None) -> dict[str, Any]:
    return {"label": label, "url": url, "phone": None, "email": None}


def _sources(*ids: str) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "citation": SOURCES[i][0],
            "document": SOURCES[i][1],
            "last_checked": CHECKED,
            "needs_checking": SOURCES[i][2],
        }
        for i in ids
    ]


def _money(values: list[tuple[str, int, str]], *, basis: str = "on", description: str) -> dict[str, Any]:
    return {
        "unit": "pence",
        "basis": basis,
        "description": description,
        "values": [{"effective_from": d, "value": v, "source": s} for d, v, s in values],
    }


def _looked_after_by(gss: str) -> dict[str, Any]:
    return {
        "fact": "local_authority",
        "in": [gss],
        "code": "local_authority.responsible",
        "source": "statute-s1",
    }


def _status(*statuses: str, source: str = "statute-s1") -> dict[str, Any]:
    return {"fact": "legal_status", "in": list(statuses), "source": source}


def _under(years: int, source: str, **extra: Any) -> dict[str, Any]:
    return {"age_under": years, "source": source, **extra}


def _is(fact: str, source: str, **extra: Any) -> dict[str, Any]:
    return {"fact": fact, "is": True, "source": source, **extra}


CARE_LEFT = ("relevant", "former_relevant")
NOTTINGHAM_STUDENT = "if you study at Nottingham Trent University or the University of Nottingham"
LIVES_IN_OWN_HOME = {
    "any": [{"fact": "moving_into_first_home", "is": True}, {"fact": "living_independently", "is": True}],
    "change": "when you move into your own home",
}
CAN_CLAIM_BENEFITS = {
    "fact": "immigration_status",
    "in": [
        "british_or_irish",
        "settled",
        "refugee_or_humanitarian_protection",
        "leave_with_recourse_to_public_funds",
    ],
    "source": "recourse",
    "code": "immigration_status.recourse_to_public_funds",
    "says": {
        "passed": "Your immigration status lets you claim benefits.",
        "failed": (
            "Universal Credit and Housing Benefit need an immigration status that lets you claim benefits. "
            "Until then the council helps with your housing: talk to your personal adviser."
        ),
        "unknown": "We don't know your immigration status yet: this help needs a status that lets you claim benefits.",
    },
}


def _shared(gss: str, offer_from: str, contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """National schemes and statutory duties that both councils' offers list in the same words."""
    council = "Nottingham City Council" if gss == CITY else "Nottinghamshire County Council"
    return [
        {
            "code": "higher-education-bursary",
            "title": "Higher education bursary",
            "summary": (
                "If you go to university (or on another higher-education course), the council gives you a "
                "bursary of £2,000 on top of student finance, as a lump sum or spread over your course."
            ),
            "category": "education",
            "basis": "statutory",
            "provider_kind": "council",
            "provider_name": f"{council} Leaving Care Service",
            "how_to_claim": "Tell your personal adviser about your course: the bursary goes into your pathway plan and is paid in the way you agree.",
            "evidence": ["Your offer letter or proof you have enrolled on the course"],
            "contacts": contacts,
            "rule": {
                "all": [
                    _looked_after_by(gss),
                    _status("former_relevant", source="ca89-s23c5a"),
                    _is("in_higher_education", "ca89-s23c5a"),
                    _under(25, "he-start-before-25", at="course_start"),
                ]
            },
            "parameters": {
                "amount": _money(
                    [(offer_from, 200000, "ca89-s23c5a")],
                    description="The statutory bursary, recorded from the council's first Local Offer",
                )
            },
            "amount": {
                "parameter": "amount",
                "period": "over_course",
                "qualifier": "at_least" if gss == CITY else "exactly",
            },
            "sources": _sources(
                "ca89-s23c5a", "statute-s1", "he-start-before-25", *(["city-he"] if gss == CITY else [])
            ),
        },
        {
            "code": "vacation-accommodation",
            "title": "Somewhere to live in the holidays",
            "summary": (
                "If you are at university, or at a college where you live away from home, the council makes sure "
                "you have somewhere to live in the holidays, or gives you the money to pay for it."
                + (" This covers up to 21 weeks of rent outside term time." if gss == CITY else "")
            ),
            "category": "home",
            "basis": "statutory",
            "provider_kind": "council",
            "provider_name": f"{council} Leaving Care Service",
            "how_to_claim": "Plan your holidays with your personal adviser before the end of each term.",
            "evidence": [],
            "contacts": contacts,
            "rule": {
                "all": [
                    _looked_after_by(gss),
                    _status("former_relevant", "qualifying", source="ca89-s24b5"),
                    _under(25, "to-25"),
                    {
                        "any": [
                            {"fact": "in_higher_education", "is": True},
                            {"fact": "in_residential_further_education", "is": True},
                        ],
                        "change": "if you start a university course, or a college course where you live away from home",
                    },
                ]
            },
            "parameters": (
                {
                    "vacation_weeks": {
                        "unit": "weeks",
                        "basis": "on",
                        "description": "Weeks of non-term-time rent covered",
                        "values": [{"effective_from": offer_from, "value": 21, "source": "city-he"}],
                    }
                }
                if gss == CITY
                else {}
            ),
            "amount": None,
            "sources": _sources("ca89-s24b5", "statute-s1", "to-25", *(["city-he"] if gss == CITY else [])),
        },
        {
            "code": "staying-put",
            "title": "Staying Put with your foster carers",
            "summary": (
                "If you lived with foster carers on your 18th birthday, you can keep living with them until you "
                "are 21 if you and they both want to. The council keeps supporting your carers."
            ),
            "category": "home",
            "basis": "statutory",
            "provider_kind": "council",
            "provider_name": f"{council}",
            "how_to_claim": "Talk to your social worker, personal adviser and foster carers before your 18th birthday so that it is in your pathway plan.",
            "evidence": [],
            "contacts": contacts,
            "rule": {
                "all": [
                    _looked_after_by(gss),
                    _status("former_relevant", source="ca89-s23cza"),
                    _under(21, "ca89-s23cza"),
                    _is("staying_put", "ca89-s23cza"),
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources(
                "ca89-s23cza", "statute-s1", "city-accommodation" if gss == CITY else "county-staying-put"
            ),
        },
        {
            "code": "personal-adviser",
            "title": "Your personal adviser",
            "summary": (
                "A personal adviser (PA) helps you plan for adult life, writes and reviews your pathway plan with you "
                "and is there when you need help, until you are at least 21. Your PA starts working with you by the "
                "time you are 17½."
            ),
            "category": "support",
            "basis": "statutory",
            "provider_kind": "council",
            "provider_name": f"{council} Leaving Care Service",
            "how_to_claim": "You do not need to claim: the Leaving Care Service gives you a PA. Ask your social worker if you do not know who yours is.",
            "evidence": [],
            "contacts": contacts,
            "rule": {
                "all": [
                    _looked_after_by(gss),
                    _status("eligible", "relevant", "former_relevant", source="pa-to-21"),
                    _under(21, "pa-to-21"),
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("pa-to-21", "statute-s1", "city-pa" if gss == CITY else "county-pa"),
        },
        {
            "code": "apprenticeship-bursary",
            "title": "Care leavers' apprenticeship bursary",
            "summary": (
                "If you start an apprenticeship before you are 25, you get a bursary paid through your training "
                "provider: £3,000 in three payments of £1,000 for apprenticeships starting from 1 August 2023."
            ),
            "category": "work",
            "basis": "national_scheme",
            "provider_kind": "training_provider",
            "provider_name": "Your apprenticeship training provider",
            "how_to_claim": "Ask your personal adviser for a letter confirming you are a care leaver and give it to your training provider, who claims the bursary and pays it to you.",
            "evidence": ["A letter from the council confirming you are a care leaver"],
            "contacts": contacts,
            "rule": {
                "all": [
                    _status("eligible", "relevant", "former_relevant", source="apprenticeship-bursary-2018"),
                    _is("in_apprenticeship", "apprenticeship-bursary"),
                    _under(25, "apprenticeship-bursary", at="apprenticeship_start"),
                ]
            },
            "parameters": {
                "amount": _money(
                    [
                        ("2018-08-01", 100000, "apprenticeship-bursary-2018"),
                        ("2023-08-01", 300000, "apprenticeship-bursary"),
                    ],
                    basis="apprenticeship_start",
                    description="Decided by the date the apprenticeship starts",
                )
            },
            "amount": {"parameter": "amount", "period": "once", "qualifier": "exactly"},
            "sources": _sources("apprenticeship-bursary", "apprenticeship-bursary-2018"),
        },
        {
            "code": "sixteen-to-nineteen-bursary",
            "title": "16 to 19 Bursary",
            "summary": (
                "If you are 16 to 18 and at school, sixth form or college, you can get up to £1,200 a year from "
                "your school or college to help with costs like travel, books and equipment."
            ),
            "category": "education",
            "basis": "national_scheme",
            "provider_kind": "school_or_college",
            "provider_name": "Your school or college",
            "how_to_claim": "Ask your school or college's student support team for the vulnerable group bursary; your personal adviser can confirm your status.",
            "evidence": ["A letter from the council confirming you are in care or a care leaver"],
            "contacts": contacts,
            "rule": {
                "all": [
                    _status("eligible", "relevant", "former_relevant", source="bursary-16-19"),
                    _is("in_further_education", "bursary-16-19"),
                    _under(19, "bursary-16-19"),
                ]
            },
            "parameters": {
                "amount": _money(
                    [(offer_from, 120000, "bursary-16-19")],
                    description="The vulnerable group bursary, recorded from the council's first Local Offer",
                )
            },
            "amount": {"parameter": "amount", "period": "per_year", "qualifier": "up_to"},
            "sources": _sources("bursary-16-19"),
        },
        {
            "code": "housing-costs-one-bedroom-rate",
            "title": "Help with rent at the one-bedroom rate",
            "summary": (
                "If you rent your own place and get Universal Credit or Housing Benefit, you get help with rent at "
                "the one-bedroom rate until you are 25, not the lower shared-room rate most young people get."
            ),
            "category": "home",
            "basis": "national_scheme",
            "provider_kind": "government",
            "provider_name": "Department for Work and Pensions (Universal Credit) or your local council (Housing Benefit)",
            "how_to_claim": "Tell the Jobcentre or council that you are a care leaver when you claim; your personal adviser can give you a letter to show it.",
            "evidence": [
                "A letter from the council confirming you are a care leaver",
                "Your tenancy agreement",
            ],
            "contacts": [*contacts, _contact("Universal Credit", "https://www.gov.uk/universal-credit")],
            "rule": {
                "all": [
                    _status("former_relevant", source="housing-rate"),
                    _under(25, "housing-rate"),
                    _is("living_independently", "housing-rate"),
                    CAN_CLAIM_BENEFITS,
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("housing-rate", "recourse"),
        },
        {
            "code": "free-prescriptions-dental-eye-care",
            "title": "Free prescriptions, dental treatment and eye care",
            "summary": (
                "Care leavers under 25 are to get free NHS prescriptions, dental treatment and eye care. This was "
                "announced in December 2025: ask your personal adviser how to claim it while the NHS sets it up."
            ),
            "category": "health_and_wellbeing",
            "basis": "national_scheme",
            "provider_kind": "nhs",
            "provider_name": "The NHS",
            "how_to_claim": "Ask your personal adviser: how to claim is still being confirmed.",
            "evidence": ["A letter from the council confirming you are a care leaver"],
            "contacts": contacts,
            "rule": {"all": [_status(*CARE_LEFT, source="prescriptions"), _under(25, "prescriptions")]},
            "parameters": {},
            "amount": None,
            "sources": _sources("prescriptions"),
        },
        {
            "code": "growing-lives",
            "title": "Growing Lives at Nottingham's universities",
            "summary": (
                "If you study at Nottingham Trent University or the University of Nottingham, Growing Lives gives "
                "you a £500 bursary, a support officer, campus visits and welcome activities. At NTU, university "
                "accommodation is guaranteed if NTU was your first choice."
            ),
            "category": "education",
            "basis": "discretionary",
            "provider_kind": "university",
            "provider_name": "Nottingham Trent University and the University of Nottingham",
            "how_to_claim": "Tick the care leaver box on your UCAS form and contact the university's care leaver support team.",
            "evidence": ["A letter from the council confirming you are a care leaver"],
            "contacts": contacts,
            "rule": {
                "all": [
                    _status("relevant", "former_relevant", "qualifying", source="brief-universities"),
                    _is("in_higher_education", "brief-universities", change=NOTTINGHAM_STUDENT),
                    {
                        "fact": "university",
                        "in": ["nottingham_trent_university", "university_of_nottingham"],
                        "source": "brief-universities",
                    },
                ]
            },
            "parameters": {
                "amount": _money(
                    [(offer_from, 50000, "city-growing-lives" if gss == CITY else "county-growing-lives")],
                    description="The Growing Lives bursary, recorded from the council's first Local Offer",
                )
            },
            "amount": {"parameter": "amount", "period": "once", "qualifier": "exactly"},
            "sources": _sources(
                "city-growing-lives" if gss == CITY else "county-growing-lives", "brief-universities"
            ),
        },
        {
            "code": "ntu-care-leavers-bursary",
            "title": "NTU Care Leavers and Foyer Resident Bursary",
            "summary": (
                "If you are a care leaver studying at Nottingham Trent University, NTU pays you £1,000 a year, and "
                "offers a student support adviser and money management workshops."
            ),
            "category": "education",
            "basis": "discretionary",
            "provider_kind": "university",
            "provider_name": "Nottingham Trent University",
            "how_to_claim": "Apply through NTU's student support team once you have enrolled.",
            "evidence": ["A letter from the council confirming you are a care leaver"],
            "contacts": contacts,
            "rule": {
                "all": [
                    _status("relevant", "former_relevant", "qualifying", source="brief-universities"),
                    _is(
                        "in_higher_education",
                        "county-ntu",
                        change="if you study at Nottingham Trent University",
                    ),
                    {"fact": "university", "in": ["nottingham_trent_university"], "source": "county-ntu"},
                ]
            },
            "parameters": {
                "amount": _money(
                    [(offer_from, 100000, "county-ntu")],
                    description="NTU's bursary, recorded from the council's first Local Offer",
                )
            },
            "amount": {"parameter": "amount", "period": "per_year", "qualifier": "exactly"},
            "sources": _sources("county-ntu", "brief-universities"),
        },
    ]


def _city_offer() -> list[dict[str, Any]]:
    la = _looked_after_by(CITY)
    own = [
        {
            "code": "setting-up-home-allowance",
            "title": "Setting up home allowance",
            "summary": (
                "Money to set up your first home: furniture, a cooker, bedding, a TV licence and contents insurance "
                "for your first year. The Leaving Care Service holds it for you, and you spend it with your "
                "personal adviser when you move in. It is £3,000 if you turned 18 on or after 1 April 2023."
            ),
            "category": "money",
            "basis": "statutory_guidance",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council Leaving Care Service",
            "how_to_claim": "Talk to your personal adviser when you are getting ready to move into your own home: you plan together what you need.",
            "evidence": ["Your tenancy agreement, or the offer of your new home"],
            "contacts": CITY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status(*CARE_LEFT, source="suha-guidance"),
                    _under(25, "suha-guidance"),
                    LIVES_IN_OWN_HOME,
                ]
            },
            "parameters": {
                "amount": _money(
                    [(CITY_OFFER_FROM, 200000, "city-suha"), ("2023-04-01", 300000, "city-suha-basis")],
                    basis="eighteenth_birthday",
                    description="Decided by the date you turned 18",
                )
            },
            "amount": {"parameter": "amount", "period": "once", "qualifier": "up_to"},
            "sources": _sources("suha-guidance", "statute-s1", "city-suha", "city-suha-basis", "city-offer"),
        },
        {
            "code": "council-tax-exemption",
            "title": "No council tax until you are 25",
            "summary": (
                "If you live in Nottingham and would have to pay council tax on your home, you pay nothing until "
                "your 25th birthday. The Leaving Care Service tells the council tax team for you."
            ),
            "category": "money",
            "basis": "discretionary",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council (council tax)",
            "how_to_claim": "Tell your personal adviser when you move in or get a council tax bill: the Leaving Care Service confirms your status to the council tax team.",
            "evidence": ["Your council tax bill or account number"],
            "contacts": CITY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status(*CARE_LEFT, source="city-offer"),
                    _under(25, "to-25"),
                    _is("liable_for_council_tax", "council-tax"),
                    {
                        "fact": "district",
                        "in": [CITY],
                        "source": "council-tax",
                        "code": "district.billing_authority",
                    },
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("city-offer", "council-tax", "to-25", "statute-s1"),
        },
    ]
    shared = {e["code"]: e for e in _shared(CITY, CITY_OFFER_FROM, CITY_CONTACTS)}
    extra = [
        {
            "code": "higher-education-living-allowance",
            "title": "Living allowance at university",
            "summary": "While you study at university, the council gives you a living allowance, agreed with your personal adviser in your pathway plan.",
            "category": "money",
            "basis": "discretionary",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council Leaving Care Service",
            "how_to_claim": "Agree the allowance with your personal adviser when you plan your course.",
            "evidence": ["Proof you have enrolled on the course"],
            "contacts": CITY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status("former_relevant", source="city-he"),
                    _is("in_higher_education", "city-he"),
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("city-he", "statute-s1"),
        },
        {
            "code": "personal-adviser-21-to-25",
            "title": "Personal adviser support from 21 to 25",
            "summary": "From 21 until your 25th birthday you can ask for a personal adviser again at any time, even if you said no before.",
            "category": "support",
            "basis": "statutory",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council Leaving Care Service",
            "how_to_claim": "Contact the Leaving Care Service and ask for PA support.",
            "evidence": [],
            "contacts": CITY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status("former_relevant", source="ca89-s23czb"),
                    {"age_at_least": 21, "source": "ca89-s23czb"},
                    _under(25, "ca89-s23czb"),
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("ca89-s23czb", "statute-s1", "city-pa"),
        },
        {
            "code": "council-apprenticeship-interview",
            "title": "Guaranteed interview for council apprenticeships",
            "summary": (
                "Nottingham City Council guarantees you an interview for any of its apprenticeships if you meet the "
                "job's criteria. If you get the place, you get extra support: reviews with your manager and PA, "
                "Maths and English help, coaching and mentoring."
            ),
            "category": "work",
            "basis": "discretionary",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council",
            "how_to_claim": "Say you are a Nottingham City care leaver when you apply; your PA and the Employability Advisor can help with the application.",
            "evidence": [],
            "contacts": CITY_CONTACTS,
            "rule": {"all": [la, _status(*CARE_LEFT, source="city-apprenticeships"), _under(25, "to-25")]},
            "parameters": {},
            "amount": None,
            "sources": _sources("city-apprenticeships", "statute-s1", "to-25"),
        },
        {
            "code": "interview-travel-and-clothing",
            "title": "Help with getting to interviews",
            "summary": (
                "Help with the cost of getting to interviews for college, training, apprenticeships and jobs, "
                "and money for interview clothes where you need it."
            ),
            "category": "work",
            "basis": "discretionary",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council Leaving Care Service",
            "how_to_claim": "Ask your personal adviser as soon as you have an interview date.",
            "evidence": ["The invitation to the interview"],
            "contacts": CITY_CONTACTS,
            "rule": {"all": [la, _status(*CARE_LEFT, source="city-apprenticeships"), _under(25, "to-25")]},
            "parameters": {},
            "amount": None,
            "sources": _sources("city-apprenticeships", "statute-s1", "to-25"),
        },
        {
            "code": "travel-card",
            "title": "Free Robin Hood travel card",
            "summary": (
                "If you work 14 hours a week or more, you can get a free Robin Hood travel card for buses and trams "
                "across the city, for 20 or 50 days to start with, and then topped up."
            ),
            "category": "travel_and_leisure",
            "basis": "discretionary",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council Leaving Care Service",
            "how_to_claim": "Ask your personal adviser, with proof of your hours.",
            "evidence": ["Your contract or payslips showing your hours"],
            "contacts": CITY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status(*CARE_LEFT, source="city-travel"),
                    _under(25, "to-25"),
                    {
                        "fact": "weekly_work_hours",
                        "at_least": {"param": "minimum_weekly_hours"},
                        "source": "city-travel",
                    },
                ]
            },
            "parameters": {
                "minimum_weekly_hours": {
                    "unit": "hours_per_week",
                    "basis": "on",
                    "description": "Hours of work a week needed, recorded from the City's first Local Offer",
                    "values": [{"effective_from": CITY_OFFER_FROM, "value": 14, "source": "city-travel"}],
                }
            },
            "amount": None,
            "sources": _sources("city-travel", "statute-s1", "to-25"),
        },
        {
            "code": "personal-health-budget",
            "title": "You Know Your Own Mind",
            "summary": (
                "If you need support with your mental health, you can have a personal plan and a budget to spend "
                "on activities that help you feel well and less alone."
            ),
            "category": "health_and_wellbeing",
            "basis": "discretionary",
            "provider_kind": "council",
            "provider_name": "Nottingham City Council Leaving Care Service, with Barnardo's",
            "how_to_claim": "Talk to your personal adviser or the Leaving Care Service's mental health practitioners.",
            "evidence": [],
            "contacts": CITY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status("eligible", "relevant", "former_relevant", "qualifying", source="city-ykyom"),
                    _under(25, "to-25"),
                    _is("has_mental_health_need", "city-ykyom"),
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("city-ykyom", "statute-s1", "to-25"),
        },
    ]
    order = [
        "setting-up-home-allowance", "council-tax-exemption", "housing-costs-one-bedroom-rate", "staying-put",
        "personal-adviser", "personal-adviser-21-to-25", "higher-education-bursary",
        "higher-education-living-allowance", "vacation-accommodation", "growing-lives", "ntu-care-leavers-bursary",
        "sixteen-to-nineteen-bursary", "apprenticeship-bursary", "council-apprenticeship-interview",
        "interview-travel-and-clothing", "travel-card", "personal-health-budget", "free-prescriptions-dental-eye-care",
    ]  # fmt: skip
    by_code = {e["code"]: e for e in own + extra} | shared
    return [by_code[code] for code in order]


def _county_offer() -> list[dict[str, Any]]:
    la = _looked_after_by(COUNTY)
    own = [
        {
            "code": "setting-up-home-allowance",
            "title": "Home Establishment Grant",
            "summary": (
                "Money to set up your first home, held by the Leaving Care Service and spent with your personal "
                "adviser on the essentials you need. It is £3,000 from 1 April 2023, and whatever is left after 21 "
                "can still be used through the 21Plus service until you are 25."
            ),
            "category": "money",
            "basis": "statutory_guidance",
            "provider_kind": "council",
            "provider_name": "Nottinghamshire County Council Leaving Care Service",
            "how_to_claim": "Plan what you need with your personal adviser (or the 21Plus team after 21) before you move in.",
            "evidence": ["Your tenancy agreement, or the offer of your new home"],
            "contacts": COUNTY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status(*CARE_LEFT, source="suha-guidance"),
                    _under(25, "suha-guidance"),
                    LIVES_IN_OWN_HOME,
                ]
            },
            "parameters": {
                "amount": _money(
                    [
                        (COUNTY_OFFER_FROM, 200000, "suha-guidance"),
                        ("2023-04-01", 300000, "county-heg-basis"),
                    ],
                    basis="on",
                    description="Decided by the date the grant is made",
                )
            },
            "amount": {"parameter": "amount", "period": "once", "qualifier": "up_to"},
            "sources": _sources("suha-guidance", "statute-s1", "county-heg-basis", "county-offer"),
        },
        {
            "code": "council-tax-exemption",
            "title": "No council tax until you are 25",
            "summary": (
                "If you live in Nottinghamshire and would have to pay council tax, your district or borough council "
                "exempts you until your 25th birthday. The Leaving Care Service tells your council every month."
            ),
            "category": "money",
            "basis": "discretionary",
            "provider_kind": "district_council",
            "provider_name": "Your district or borough council",
            "how_to_claim": "Tell your personal adviser your address when you move in: the Leaving Care Service sends it to your district council, which takes the charge off your bill.",
            "evidence": ["Your council tax bill or account number"],
            "contacts": COUNTY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status(*CARE_LEFT, source="county-council-tax"),
                    _under(25, "county-council-tax"),
                    _is("liable_for_council_tax", "county-council-tax"),
                    {
                        "fact": "district",
                        "in": NOTTS_DISTRICTS,
                        "source": "council-tax",
                        "code": "district.billing_authority",
                    },
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("county-council-tax", "council-tax", "statute-s1"),
        },
    ]
    shared = {e["code"]: e for e in _shared(COUNTY, COUNTY_OFFER_FROM, COUNTY_CONTACTS)}
    extra = [
        {
            "code": "personal-adviser-21-to-25",
            "title": "21Plus: support from 21 to 25",
            "summary": (
                "From 21 until your 25th birthday, the 21Plus team is there whenever you need help, and you can have "
                "a personal adviser again at any time. They get in touch at least once a year and send you a "
                "birthday card with their details."
            ),
            "category": "support",
            "basis": "statutory",
            "provider_kind": "council",
            "provider_name": "Nottinghamshire County Council 21Plus service",
            "how_to_claim": "Contact the 21Plus team: you can refer yourself.",
            "evidence": [],
            "contacts": COUNTY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status("former_relevant", source="ca89-s23czb"),
                    {"age_at_least": 21, "source": "ca89-s23czb"},
                    _under(25, "ca89-s23czb"),
                ]
            },
            "parameters": {},
            "amount": None,
            "sources": _sources("ca89-s23czb", "statute-s1", "county-21plus"),
        },
        {
            "code": "leisure-pass",
            "title": "Free gym, swimming and fitness classes",
            "summary": "Join your district council's leisure centres for free: gym, swimming and fitness classes.",
            "category": "travel_and_leisure",
            "basis": "discretionary",
            "provider_kind": "district_council",
            "provider_name": "Your district or borough council's leisure centres",
            "how_to_claim": "Ask your personal adviser to confirm your status to your local leisure centre.",
            "evidence": ["A letter from the council confirming you are a care leaver"],
            "contacts": COUNTY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status(*CARE_LEFT, source="county-leisure"),
                    _under(25, "to-25"),
                    {"fact": "district", "in": NOTTS_DISTRICTS, "source": "county-leisure"},
                ]
            },
            "parameters": {},
            "amount": None,
            "available_from": date(2019, 7, 1),
            "sources": _sources("county-leisure", "statute-s1", "to-25"),
        },
        {
            "code": "personal-health-budget",
            "title": "You Know Your Mind",
            "summary": (
                "If you are under 25 and need support with your mental health, you can have a personal health budget "
                "of up to £500 to spend on what helps you, like a bike, gym membership, music lessons or art materials."
            ),
            "category": "health_and_wellbeing",
            "basis": "discretionary",
            "provider_kind": "nhs",
            "provider_name": "Nottinghamshire County Council and the NHS",
            "how_to_claim": "Talk to your personal adviser, who helps you apply with a professional who knows you.",
            "evidence": [],
            "contacts": COUNTY_CONTACTS,
            "rule": {
                "all": [
                    la,
                    _status("eligible", "relevant", "former_relevant", "qualifying", source="county-ykym"),
                    _under(25, "county-ykym"),
                    _is("has_mental_health_need", "county-ykym"),
                ]
            },
            "parameters": {
                "amount": _money(
                    [(COUNTY_OFFER_FROM, 50000, "county-ykym")],
                    description="The personal health budget, recorded from the county's first Local Offer",
                )
            },
            "amount": {"parameter": "amount", "period": "once", "qualifier": "up_to"},
            "sources": _sources("county-ykym", "statute-s1"),
        },
    ]
    order = [
        "setting-up-home-allowance", "council-tax-exemption", "housing-costs-one-bedroom-rate", "staying-put",
        "personal-adviser", "personal-adviser-21-to-25", "higher-education-bursary", "vacation-accommodation",
        "growing-lives", "ntu-care-leavers-bursary", "sixteen-to-nineteen-bursary", "apprenticeship-bursary",
        "leisure-pass", "personal-health-budget", "free-prescriptions-dental-eye-care",
    ]  # fmt: skip
    by_code = {e["code"]: e for e in own + extra} | shared
    return [by_code[code] for code in order]


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(_NS, "/".join(parts))


def upgrade() -> None:
    offer_version = op.create_table(
        "offer_version",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="offerstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_offer_version_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_version")),
        sa.UniqueConstraint(
            "local_authority_id", "number", name=op.f("uq_offer_version_local_authority_id_number")
        ),
    )
    op.create_index(
        op.f("ix_offer_version_local_authority_id"), "offer_version", ["local_authority_id"], unique=False
    )
    entitlement = op.create_table(
        "entitlement",
        sa.Column("offer_version_id", sa.Uuid(), nullable=False),
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "money",
                "home",
                "education",
                "work",
                "health_and_wellbeing",
                "travel_and_leisure",
                "relationships",
                "support",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "basis",
            sa.Enum(
                "statutory",
                "statutory_guidance",
                "discretionary",
                "national_scheme",
                name="basis",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "provider_kind",
            sa.Enum(
                "council",
                "district_council",
                "university",
                "school_or_college",
                "nhs",
                "training_provider",
                "government",
                name="providerkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("provider_name", sa.String(length=160), nullable=False),
        sa.Column("how_to_claim", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("amount", sa.JSON(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("withdrawn_from", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_entitlement_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_version_id"],
            ["offer_version.id"],
            name=op.f("fk_entitlement_offer_version_id_offer_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlement")),
        sa.UniqueConstraint("offer_version_id", "code", name=op.f("uq_entitlement_offer_version_id_code")),
    )
    op.create_index(
        op.f("ix_entitlement_local_authority_id"), "entitlement", ["local_authority_id"], unique=False
    )
    _load_offers(offer_version, entitlement)


def _load_offers(offer_version: sa.Table, entitlement: sa.Table) -> None:
    # SQLite keeps no offset: store UTC without one, as app.db.base.UtcDateTime does.
    sqlite = op.get_bind().dialect.name == "sqlite"
    published = PUBLISHED_AT.replace(tzinfo=None) if sqlite else PUBLISHED_AT
    offers = {
        CITY: (
            _city_offer(),
            "Nottingham City Council's Local Offer for Care Leavers, as set out in seeds 000 and 003.",
        ),
        COUNTY: (
            _county_offer(),
            "Nottinghamshire County Council's Local Offer for Care Leavers, as set out in seeds 001 and 004.",
        ),
    }
    for gss, (entitlements, notes) in offers.items():
        version_id = _id("offer", gss, "1")
        la_id = _id(gss)
        op.bulk_insert(
            offer_version,
            [
                {
                    "id": version_id,
                    "local_authority_id": la_id,
                    "number": 1,
                    "status": "published",
                    "notes": notes,
                    "created_at": published,
                    "published_at": published,
                }
            ],
        )
        op.bulk_insert(
            entitlement,
            [
                {
                    "id": _id("entitlement", gss, "1", e["code"]),
                    "offer_version_id": version_id,
                    "local_authority_id": la_id,
                    "position": position,
                    "available_from": e.get("available_from"),
                    "withdrawn_from": None,
                    **{k: v for k, v in e.items() if k != "available_from"},
                }
                for position, e in enumerate(entitlements, start=1)
            ],
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_entitlement_local_authority_id"), table_name="entitlement")
    op.drop_table("entitlement")
    op.drop_index(op.f("ix_offer_version_local_authority_id"), table_name="offer_version")
    op.drop_table("offer_version")
