"""Demo accounts for every role in both councils, teams, partners, and fictional care leavers.

Every name is invented and marked as such (surnames like Example and Sample); phone numbers are in
Ofcom's drama range for Nottingham (0115 496 0xxx). The demo password is `demo`, and demo
accounts sign in only in demo mode.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import ConsentRecipient, PartnerKind, Role, SubjectKind
from app.auth.models import PartnerOrganisation, Team, UserAccount
from app.auth.passwords import hash_password
from app.care_leavers.models import AdviserAllocation, CareLeaver, Consent
from app.core.clock import uk_today, utc_now
from app.db.base import Base
from app.demo.ids import demo_id
from app.local_authorities.models import LocalAuthority

CITY, COUNTY = "E06000018", "E10000024"
ASHFIELD, RUSHCLIFFE, GEDLING, MANSFIELD = "E07000170", "E07000176", "E07000173", "E07000174"
BASSETLAW, BROXTOWE, NEWARK = "E07000171", "E07000172", "E07000175"
# Fictional streets in each billing authority's area, for the addresses its council-tax list shows.
TOWNS = {
    CITY: ("Example Road", "Nottingham", "NG7"),
    ASHFIELD: ("Sample Street", "Sutton-in-Ashfield", "NG17"),
    RUSHCLIFFE: ("Demo Lane", "West Bridgford", "NG2"),
    GEDLING: ("Placeholder Avenue", "Arnold", "NG5"),
    MANSFIELD: ("Mockley Close", "Mansfield", "NG18"),
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    kind: SubjectKind
    roles: tuple[Role, ...]
    council: str | None
    team: str | None = None
    partner: str | None = None
    care_leaver: str | None = None  # key of the demo person
    phone: str | None = None
    job_title: str | None = None


TEAMS = [
    (CITY, "Leaving Care Team (demo)", "0115 496 0100"),
    (CITY, "21 Plus Team (demo)", "0115 496 0110"),
    (COUNTY, "Leaving Care Service North (demo)", "0115 496 0200"),
    (COUNTY, "21Plus Service (demo)", "0115 496 0210"),
]

# The billing authorities: Nottinghamshire's seven districts, and Nottingham City's own council tax team
# (a unitary council bills its own residents), each a partner of the council whose care leavers it bills.
PARTNERS = [
    (COUNTY, "Ashfield District Council (demo)", PartnerKind.DISTRICT_COUNCIL, ASHFIELD),
    (COUNTY, "Bassetlaw District Council (demo)", PartnerKind.DISTRICT_COUNCIL, BASSETLAW),
    (COUNTY, "Broxtowe Borough Council (demo)", PartnerKind.DISTRICT_COUNCIL, BROXTOWE),
    (COUNTY, "Gedling Borough Council (demo)", PartnerKind.DISTRICT_COUNCIL, GEDLING),
    (COUNTY, "Mansfield District Council (demo)", PartnerKind.DISTRICT_COUNCIL, MANSFIELD),
    (COUNTY, "Newark and Sherwood District Council (demo)", PartnerKind.DISTRICT_COUNCIL, NEWARK),
    (COUNTY, "Rushcliffe Borough Council (demo)", PartnerKind.DISTRICT_COUNCIL, RUSHCLIFFE),
    (CITY, "Nottingham City Council council tax team (demo)", PartnerKind.DISTRICT_COUNCIL, CITY),
]

S, P, C = SubjectKind.STAFF, SubjectKind.PARTNER, SubjectKind.CARE_LEAVER
ACCOUNTS = [
    DemoAccount(
        "admin@nottingham.demo", "Alex Admin (demo)", S, (Role.LA_ADMIN,), CITY, job_title="Service manager"
    ),
    DemoAccount(
        "manager@nottingham.demo",
        "Morgan Manager (demo)",
        S,
        (Role.TEAM_MANAGER,),
        CITY,
        team="Leaving Care Team (demo)",
        phone="0115 496 0101",
        job_title="Team manager",
    ),
    DemoAccount(
        "pa1@nottingham.demo",
        "Priya Adviser (demo)",
        S,
        (Role.PERSONAL_ADVISER,),
        CITY,
        team="Leaving Care Team (demo)",
        phone="0115 496 0102",
        job_title="Personal adviser",
    ),
    DemoAccount(
        "pa2@nottingham.demo",
        "Paul Adviser (demo)",
        S,
        (Role.PERSONAL_ADVISER,),
        CITY,
        team="Leaving Care Team (demo)",
        phone="0115 496 0103",
        job_title="Personal adviser",
    ),
    DemoAccount(
        "pa3@nottingham.demo",
        "Jo Adviser (demo)",
        S,
        (Role.PERSONAL_ADVISER,),
        CITY,
        team="21 Plus Team (demo)",
        phone="0115 496 0111",
        job_title="Personal adviser, 21 plus",
    ),
    DemoAccount(
        "leaver1@nottingham.demo", "Aisha Example", C, (Role.CARE_LEAVER,), CITY, care_leaver="city-1"
    ),
    DemoAccount("leaver2@nottingham.demo", "Ben Sample", C, (Role.CARE_LEAVER,), CITY, care_leaver="city-2"),
    DemoAccount(
        "admin@notts.demo", "Sam Admin (demo)", S, (Role.LA_ADMIN,), COUNTY, job_title="Service manager"
    ),
    DemoAccount(
        "manager@notts.demo",
        "Riley Manager (demo)",
        S,
        (Role.TEAM_MANAGER,),
        COUNTY,
        team="Leaving Care Service North (demo)",
        phone="0115 496 0201",
        job_title="Team manager",
    ),
    DemoAccount(
        "pa1@notts.demo",
        "Casey Adviser (demo)",
        S,
        (Role.PERSONAL_ADVISER,),
        COUNTY,
        team="Leaving Care Service North (demo)",
        phone="0115 496 0202",
        job_title="Personal adviser",
    ),
    DemoAccount(
        "pa2@notts.demo",
        "Drew Adviser (demo)",
        S,
        (Role.PERSONAL_ADVISER,),
        COUNTY,
        team="21Plus Service (demo)",
        phone="0115 496 0211",
        job_title="Personal adviser, 21Plus",
    ),
    DemoAccount("leaver1@notts.demo", "Chloe Demo", C, (Role.CARE_LEAVER,), COUNTY, care_leaver="county-1"),
    DemoAccount(
        "ashfield@partners.demo",
        "Ashfield council tax team (demo)",
        P,
        (Role.PARTNER,),
        COUNTY,
        partner="Ashfield District Council (demo)",
    ),
    DemoAccount(
        "rushcliffe@partners.demo",
        "Rushcliffe council tax team (demo)",
        P,
        (Role.PARTNER,),
        COUNTY,
        partner="Rushcliffe Borough Council (demo)",
    ),
    DemoAccount(
        "counciltax@nottingham.demo",
        "Nottingham City council tax team (demo)",
        P,
        (Role.PARTNER,),
        CITY,
        partner="Nottingham City Council council tax team (demo)",
    ),
    DemoAccount("system@demo", "System Administrator (demo)", S, (Role.SYSTEM_ADMIN,), None),
]


@dataclass(frozen=True)
class DemoPerson:
    key: str
    council: str
    given: str
    family: str
    age_days: int  # age on the day the demo loads, so ages stay sensible
    district: str | None
    adviser: str | None  # email
    consents: tuple[ConsentRecipient, ...] = ()
    preferred: str | None = None


_GIVEN = [
    "Jade",
    "Kyle",
    "Leah",
    "Mo",
    "Nia",
    "Owen",
    "Ruby",
    "Tariq",
    "Uma",
    "Vik",
    "Wes",
    "Zara",
    "Ellis",
    "Fern",
]
_FAMILY = ["Example", "Sample", "Demo", "Placeholder", "Mockley", "Fakeham", "Testwood", "Specimen", "Trial"]


def people() -> list[DemoPerson]:
    year = 365
    named = [
        DemoPerson(
            "city-1", CITY, "Aisha", "Example", 19 * year + 40, CITY, "pa1@nottingham.demo", preferred="Ash"
        ),
        DemoPerson("city-2", CITY, "Ben", "Sample", 21 * year + 200, CITY, "pa2@nottingham.demo"),
        DemoPerson(
            "county-1",
            COUNTY,
            "Chloe",
            "Demo",
            20 * year + 100,
            ASHFIELD,
            "pa1@notts.demo",
            (ConsentRecipient.DISTRICT_COUNCIL,),
        ),
    ]
    rng = random.Random(20261123)  # noqa: S311 - not security: the same fictional people on every machine
    generated = []
    city_advisers = ["pa1@nottingham.demo", "pa2@nottingham.demo", "pa3@nottingham.demo", None]
    county_advisers = ["pa1@notts.demo", "pa2@notts.demo", None]
    districts = [ASHFIELD, ASHFIELD, RUSHCLIFFE, RUSHCLIFFE, GEDLING, MANSFIELD, CITY]
    for index in range(12):
        generated.append(
            DemoPerson(
                f"city-{index + 3}",
                CITY,
                rng.choice(_GIVEN),
                rng.choice(_FAMILY),
                rng.randint(16 * year + 200, 24 * year),
                CITY,
                city_advisers[index % len(city_advisers)],
                (ConsentRecipient.DISTRICT_COUNCIL,) if index % 4 != 3 else (),
            )
        )
    for index in range(14):
        consent = (ConsentRecipient.DISTRICT_COUNCIL,) if index % 3 != 2 else ()
        generated.append(
            DemoPerson(
                f"county-{index + 2}",
                COUNTY,
                rng.choice(_GIVEN),
                rng.choice(_FAMILY),
                rng.randint(17 * year, 24 * year + 300),
                districts[index % len(districts)],
                county_advisers[index % len(county_advisers)],
                consent,
            )
        )
    return named + generated


async def _add_if_missing(session: AsyncSession, obj: Base, obj_id: uuid.UUID) -> int:
    if await session.get(type(obj), obj_id) is not None:
        return 0
    session.add(obj)
    return 1


async def load_people(session: AsyncSession) -> int:
    councils = {la.gss_code: la.id for la in (await session.execute(select(LocalAuthority))).scalars()}
    added = 0
    teams: dict[str, uuid.UUID] = {}
    for council, name, phone in TEAMS:
        teams[name] = demo_id("team", name)
        added += await _add_if_missing(
            session,
            Team(id=teams[name], local_authority_id=councils[council], name=name, duty_phone=phone),
            teams[name],
        )
    partners: dict[str, uuid.UUID] = {}
    for council, name, kind, district in PARTNERS:
        partners[name] = demo_id("partner", name)
        organisation = PartnerOrganisation(
            id=partners[name],
            local_authority_id=councils[council],
            name=name,
            kind=kind,
            district_gss_code=district,
        )
        added += await _add_if_missing(session, organisation, partners[name])
    await session.flush()
    added += await _load_care_leavers(session, councils)
    password = hash_password("demo")
    for account in ACCOUNTS:
        user_id = demo_id("user", account.email)
        fields: dict[str, Any] = {
            "id": user_id,
            "email": account.email,
            "display_name": account.name,
            "kind": account.kind,
            "roles": [r.value for r in account.roles],
            "password_hash": password,
            "is_demo": True,
            "local_authority_id": councils[account.council] if account.council else None,
            "team_id": teams[account.team] if account.team else None,
            "partner_organisation_id": partners[account.partner] if account.partner else None,
            "care_leaver_id": demo_id("care-leaver", account.care_leaver) if account.care_leaver else None,
            "phone": account.phone,
            "job_title": account.job_title,
        }
        added += await _add_if_missing(session, UserAccount(**fields), user_id)
    await session.flush()
    added += await _load_allocations(session, councils)
    return added


async def _load_care_leavers(session: AsyncSession, councils: dict[str, uuid.UUID]) -> int:
    today = uk_today()
    added = 0
    for number, person in enumerate(people(), start=1):
        person_id = demo_id("care-leaver", person.key)
        record = CareLeaver(
            id=person_id,
            local_authority_id=councils[person.council],
            case_reference=f"DEMO-{number:04d}",
            given_name=person.given,
            family_name=person.family,
            preferred_name=person.preferred,
            date_of_birth=today - timedelta(days=person.age_days),
            district_gss_code=person.district,
            address=_address(number, person.district),
        )
        added += await _add_if_missing(session, record, person_id)
        for recipient in person.consents:
            consent_id = demo_id("consent", person.key, recipient.value)
            consent = Consent(
                id=consent_id,
                local_authority_id=councils[person.council],
                care_leaver_id=person_id,
                recipient=recipient,
                # The billing authority where they live, when one bills there for their council.
                partner_organisation_id=billing_authority(person),
                given_at=utc_now() - timedelta(days=400),
            )
            added += await _add_if_missing(session, consent, consent_id)
    await session.flush()
    return added


def billing_authority(person: DemoPerson) -> uuid.UUID | None:
    for council, name, kind, district in PARTNERS:
        if council == person.council and kind is PartnerKind.DISTRICT_COUNCIL and district == person.district:
            return demo_id("partner", name)
    return None


def _address(number: int, district: str | None) -> str | None:
    if district not in TOWNS:
        return None
    street, town, area = TOWNS[district]
    return f"{number} {street}, {town} {area} {number % 9 + 1}DX"


async def _load_allocations(session: AsyncSession, councils: dict[str, uuid.UUID]) -> int:
    added = 0
    started = uk_today() - timedelta(days=200)
    for person in people():
        if person.adviser is None:
            continue
        allocation_id = demo_id("allocation", person.key)
        allocation = AdviserAllocation(
            id=allocation_id,
            local_authority_id=councils[person.council],
            care_leaver_id=demo_id("care-leaver", person.key),
            adviser_id=demo_id("user", person.adviser),
            started_on=started,
        )
        added += await _add_if_missing(session, allocation, allocation_id)
    return added
