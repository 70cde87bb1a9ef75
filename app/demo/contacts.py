"""Demo contact logs: visits, calls and unanswered texts, follow-up actions, and an open call-back request.

Everything is fictional and dated relative to the day the demo loads, so the overdue list always has
someone on it: Ben and Leah (Nottingham) and Uma and Jade (Nottinghamshire) are overdue; Ellis has only
been texted and rung without an answer; Ruby turned 21 after her last visit, so Nottinghamshire's yearly
21Plus contact applies and she is not overdue; Aisha (leaver1@nottingham.demo) has asked to be called back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.enums import ContactMethod
from app.care_leavers.models import CareLeaver
from app.contacts.due_dates import refresh_every_council
from app.contacts.enums import ActionOwnerKind, ContactInitiator, ContactOutcome, ContactRequestStatus
from app.contacts.models import Contact, ContactAction, ContactRequest
from app.core.clock import UK, uk_today
from app.demo.ids import demo_id

Method, Outcome, By = ContactMethod, ContactOutcome, ContactInitiator


@dataclass(frozen=True)
class DemoAction:
    description: str
    owner: ActionOwnerKind
    due_in_days: int  # negative: was due that many days ago
    owner_name: str | None = None


@dataclass(frozen=True)
class DemoContact:
    person: str  # key of the demo person (app.demo.people)
    days_ago: int
    hour: int
    method: ContactMethod
    outcome: ContactOutcome
    initiated_by: ContactInitiator
    purpose: str
    summary: str
    author: str  # email of the demo account that recorded it
    actions: tuple[DemoAction, ...] = ()


CITY_PA1, CITY_PA2, CITY_PA3 = "pa1@nottingham.demo", "pa2@nottingham.demo", "pa3@nottingham.demo"
CITY_MANAGER, COUNTY_PA1, COUNTY_PA2 = "manager@nottingham.demo", "pa1@notts.demo", "pa2@notts.demo"
COUNTY_MANAGER = "manager@notts.demo"
MANAGERS = {CITY_MANAGER, COUNTY_MANAGER}

CONTACTS = [
    DemoContact(
        "city-1",
        20,
        15,
        Method.FACE_TO_FACE_HOME,
        Outcome.SEEN,
        By.STAFF,
        "Statutory visit",
        "Visited Ash at her flat. Settling in well; the gas meter is on a high tariff. Starting college in "
        "January and wants help with the bursary form.",
        CITY_PA1,
        (
            DemoAction("Send the college bursary form", ActionOwnerKind.ADVISER, 5),
            DemoAction("Bring proof of enrolment to the office", ActionOwnerKind.YOUNG_PERSON, -6),
        ),
    ),
    DemoContact(
        "city-1",
        2,
        10,
        Method.TEXT,
        Outcome.ATTEMPT,
        By.STAFF,
        "Arrange the next visit",
        "Texted to arrange the next visit; no reply yet.",
        CITY_PA1,
    ),
    DemoContact(
        "city-2",
        70,
        11,
        Method.PHONE,
        Outcome.SPOKEN,
        By.YOUNG_PERSON,
        "Money worries",
        "Ben rang about a universal credit sanction. Talked through the appeal; he will bring the letter in.",
        CITY_PA2,
    ),
    DemoContact(
        "city-2",
        6,
        13,
        Method.WHATSAPP,
        Outcome.ATTEMPT,
        By.STAFF,
        "Keeping in touch",
        "WhatsApp message to check in; read but no reply.",
        CITY_PA2,
    ),
    DemoContact(
        "city-3",
        40,
        9,
        Method.TEXT,
        Outcome.ATTEMPT,
        By.STAFF,
        "Introduction",
        "Texted to introduce myself; no reply.",
        CITY_PA1,
    ),
    DemoContact(
        "city-3",
        12,
        17,
        Method.WHATSAPP,
        Outcome.ATTEMPT,
        By.STAFF,
        "Introduction",
        "WhatsApp message; not delivered.",
        CITY_PA1,
    ),
    DemoContact(
        "city-3",
        3,
        12,
        Method.PHONE,
        Outcome.ATTEMPT,
        By.STAFF,
        "Introduction",
        "Rang twice; voicemail full.",
        CITY_PA1,
    ),
    DemoContact(
        "city-4",
        100,
        14,
        Method.FACE_TO_FACE_ELSEWHERE,
        Outcome.SEEN,
        By.STAFF,
        "Pathway plan review",
        "Met at the youth centre to review the pathway plan. Wants to move nearer her sister.",
        CITY_PA2,
    ),
    DemoContact(
        "city-4",
        30,
        16,
        Method.PHONE,
        Outcome.ATTEMPT,
        By.STAFF,
        "Keeping in touch",
        "No answer.",
        CITY_PA2,
    ),
    DemoContact(
        "city-4",
        9,
        10,
        Method.LETTER,
        Outcome.ATTEMPT,
        By.STAFF,
        "Keeping in touch",
        "Letter asking her to get in touch, with the duty number.",
        CITY_PA2,
    ),
    DemoContact(
        "city-5",
        50,
        11,
        Method.VIDEO,
        Outcome.SEEN,
        By.STAFF,
        "Statutory visit",
        "Video call; all well at work.",
        CITY_PA3,
    ),
    DemoContact(
        "city-9",
        61,
        15,
        Method.FACE_TO_FACE_HOME,
        Outcome.SEEN,
        By.STAFF,
        "Statutory visit",
        "Home visit. Flat in good order; asked about driving lessons.",
        CITY_PA3,
    ),
    DemoContact(
        "city-10",
        80,
        10,
        Method.PHONE,
        Outcome.SPOKEN,
        By.YOUNG_PERSON,
        "Duty call",
        "Rang the duty line about a boiler repair; passed to the landlord. Not allocated: for the team manager.",
        CITY_MANAGER,
    ),
    DemoContact(
        "county-1",
        30,
        14,
        Method.FACE_TO_FACE_ELSEWHERE,
        Outcome.SEEN,
        By.STAFF,
        "Statutory visit",
        "Met at Kirkby library. Doing well on the course; council tax bill arrived by mistake.",
        COUNTY_PA1,
        (
            DemoAction(
                "Confirm the council tax exemption",
                ActionOwnerKind.PARTNER,
                14,
                "Ashfield District Council (demo)",
            ),
        ),
    ),
    DemoContact(
        "county-2",
        200,
        12,
        Method.PHONE,
        Outcome.SPOKEN,
        By.STAFF,
        "21Plus yearly contact",
        "Yearly call from 21Plus. Working full time; knows how to reach us.",
        COUNTY_PA1,
    ),
    DemoContact(
        "county-3",
        70,
        16,
        Method.FACE_TO_FACE_HOME,
        Outcome.SEEN,
        By.STAFF,
        "Statutory visit",
        "Visit a few weeks before her 21st birthday; talked about the 21Plus service.",
        COUNTY_PA2,
    ),
    DemoContact(
        "county-6",
        90,
        11,
        Method.FACE_TO_FACE_HOME,
        Outcome.SEEN,
        By.STAFF,
        "Statutory visit",
        "Home visit; new baby due in spring.",
        COUNTY_PA2,
    ),
    DemoContact(
        "county-8",
        400,
        10,
        Method.PHONE,
        Outcome.SPOKEN,
        By.STAFF,
        "21Plus yearly contact",
        "Yearly call; applying for an apprenticeship.",
        COUNTY_PA1,
    ),
    DemoContact(
        "county-13",
        20,
        9,
        Method.LETTER,
        Outcome.ATTEMPT,
        By.STAFF,
        "Keeping in touch",
        "Letter with the duty number; no allocated adviser yet.",
        COUNTY_MANAGER,
    ),
]


def _at(days_ago: int, hour: int, today: date) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=UK)


async def _add_if_missing(session: AsyncSession, obj: Contact | ContactAction | ContactRequest) -> int:
    if await session.get(type(obj), obj.id) is not None:
        return 0
    session.add(obj)
    await session.flush()
    return 1


async def _add_contact(
    session: AsyncSession, index: int, demo: DemoContact, person: CareLeaver, today: date
) -> int:
    entry_id = demo_id("contact", demo.person, str(index))
    author = demo_id("user", demo.author)
    added = await _add_if_missing(
        session,
        Contact(
            id=entry_id,
            entry_id=entry_id,
            version=1,
            local_authority_id=person.local_authority_id,
            care_leaver_id=person.id,
            occurred_at=_at(demo.days_ago, demo.hour, today),
            method=demo.method,
            initiated_by=demo.initiated_by,
            outcome=demo.outcome,
            purpose=demo.purpose,
            summary=demo.summary,
            recorded_by=author,
            recorded_by_role="team_manager" if demo.author in MANAGERS else "personal_adviser",
            recorded_at=_at(demo.days_ago, demo.hour + 1, today),
        ),
    )
    for number, action in enumerate(demo.actions):
        added += await _add_if_missing(
            session,
            ContactAction(
                id=demo_id("contact-action", demo.person, str(index), str(number)),
                local_authority_id=person.local_authority_id,
                care_leaver_id=person.id,
                contact_id=entry_id,
                description=action.description,
                owner_kind=action.owner,
                owner_user_id=author if action.owner is ActionOwnerKind.ADVISER else None,
                owner_name=action.owner_name,
                due_on=today + timedelta(days=action.due_in_days),
                created_by=author,
            ),
        )
    return added


async def load_contacts(session: AsyncSession) -> int:
    today = uk_today()
    people = {p.id: p for p in (await session.execute(select(CareLeaver))).scalars()}
    added = 0
    for index, demo in enumerate(CONTACTS):
        person = people.get(demo_id("care-leaver", demo.person))
        if person is not None:  # the people step decides who exists
            added += await _add_contact(session, index, demo, person, today)
    aisha = people.get(demo_id("care-leaver", "city-1"))
    if aisha is not None:
        added += await _add_if_missing(
            session,
            ContactRequest(
                id=demo_id("contact-request", "city-1"),
                local_authority_id=aisha.local_authority_id,
                care_leaver_id=aisha.id,
                window_starts_at=_at(-1, 16, today),
                window_ends_at=_at(-1, 18, today),
                preferred_method=ContactMethod.PHONE,
                message="Can you ring me about my college bursary form?",
                status=ContactRequestStatus.OPEN,
            ),
        )
    # The people step writes records directly: give every one of them its due date.
    await refresh_every_council(session)
    return added
