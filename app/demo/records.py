"""Demo care histories, circumstances, council numbers and advisers' working patterns (all fictional)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import UserAccount
from app.care_leavers.enums import CircumstanceKind, SupportRequestStatus
from app.care_leavers.history import refresh_statuses
from app.care_leavers.models import CareLeaver, Circumstance, SupportRequest
from app.core.clock import uk_today
from app.core.dates import birthday
from app.demo.ids import demo_id
from app.demo.people import ACCOUNTS, CITY, COUNTY, DemoPerson, people
from app.local_authorities.models import LocalAuthority

# Ofcom's drama range for Nottingham: 0115 496 0000 to 0999.
COUNCIL_NUMBERS = {CITY: ("0115 496 0050", "0115 496 0990"), COUNTY: ("0115 496 0060", "0115 496 0991")}
PATTERNS = [
    "Monday to Thursday, 9am to 5pm",
    "Monday to Friday, 10am to 6pm",
    "Tuesday to Friday, 8am to 4pm",
]
ACTIVITIES = ["F2", "F5", "G5", "P4", "F1", "P5", "G6"]
HOMES = [("U", True), ("D", True), ("E", True), ("B", True), ("S", False), ("U", False)]


async def load_records(session: AsyncSession) -> int:
    added = await _council_numbers(session) + await _working_patterns(session)
    rng = random.Random(23112026)  # noqa: S311 - not security: the same fictional lives on every machine
    given: list[CareLeaver] = []
    for demo in people():
        person = await session.get(CareLeaver, demo_id("care-leaver", demo.key))
        if person is None or person.weeks_looked_after_since_14 is not None:
            continue  # not loaded, or already given a history
        added += _history(person, demo, rng)
        added += await _circumstances(session, person, demo, rng)
        given.append(person)
    await session.flush()
    await refresh_statuses(session, given, uk_today())  # all of them in two queries
    added += await _twenty_one_plus_request(session)
    return added


async def _council_numbers(session: AsyncSession) -> int:
    changed = 0
    for authority in (await session.execute(select(LocalAuthority))).scalars():
        if authority.gss_code in COUNCIL_NUMBERS and authority.duty_phone is None:
            authority.duty_phone, authority.out_of_hours_phone = COUNCIL_NUMBERS[authority.gss_code]
            changed += 1
    return changed


async def _working_patterns(session: AsyncSession) -> int:
    changed = 0
    advisers = [a for a in ACCOUNTS if a.email.startswith("pa")]
    for index, account in enumerate(advisers):
        user = await session.get(UserAccount, demo_id("user", account.email))
        if user is not None and user.working_pattern is None:
            user.working_pattern = PATTERNS[index % len(PATTERNS)]
            changed += 1
    return changed


def _history(person: CareLeaver, demo: DemoPerson, rng: random.Random) -> int:
    eighteenth = birthday(person.date_of_birth, 18)
    person.entered_care_on = birthday(person.date_of_birth, rng.randint(6, 15))
    if eighteenth > uk_today():
        person.still_looked_after = True
        person.weeks_looked_after_since_14 = rng.randint(20, 150)
    else:
        # Most left care at 18; a few later arrivals after 16 without 13 weeks (qualifying).
        qualifying = demo.key.endswith("7")
        person.left_care_on = eighteenth if not qualifying else birthday(person.date_of_birth, 17)
        person.weeks_looked_after_since_14 = 8 if qualifying else rng.randint(60, 200)
    person.weeks_looked_after_after_16 = min(person.weeks_looked_after_since_14 or 0, rng.randint(5, 104))
    return 1


async def _circumstances(
    session: AsyncSession, person: CareLeaver, demo: DemoPerson, rng: random.Random
) -> int:
    start = max(person.left_care_on or uk_today() - timedelta(days=300), uk_today() - timedelta(days=700))
    home, suitable = HOMES[rng.randrange(len(HOMES))]
    activity = rng.choice(ACTIVITIES)
    entries: list[tuple[CircumstanceKind, date, dict[str, Any]]] = [
        (
            CircumstanceKind.RESIDENCE,
            start,
            {"district_gss_code": demo.district, "accommodation": home, "suitable": suitable},
        ),
        (CircumstanceKind.ACTIVITY, start, {"code": activity, "note": None}),
    ]
    if activity == "F1":
        entries.append(
            (
                CircumstanceKind.HIGHER_EDUCATION,
                start,
                {
                    "institution": "Nottingham Trent University",
                    "university": "nottingham_trent_university",
                    "course": "BA (Hons) Fictional Studies",
                    "started_on": start.isoformat(),
                    "expected_end_on": None,
                    "studying": True,
                },
            )
        )
    added = 0
    for kind, valid_from, details in entries:
        entry_id = demo_id("circumstance", demo.key, kind.value)
        if await session.get(Circumstance, entry_id) is None:
            session.add(
                Circumstance(
                    id=entry_id,
                    local_authority_id=person.local_authority_id,
                    care_leaver_id=person.id,
                    kind=kind,
                    valid_from=valid_from,
                    details=details,
                )
            )
            added += 1
    return added


async def _twenty_one_plus_request(session: AsyncSession) -> int:
    """One young person of 21-plus without an adviser has asked for one: the 21-plus queue is not empty."""
    for demo in people():
        person = await session.get(CareLeaver, demo_id("care-leaver", demo.key))
        if person is None or demo.adviser is not None or demo.council != COUNTY:
            continue
        request_id = demo_id("support-request", demo.key)
        if await session.get(SupportRequest, request_id) is not None:
            return 0
        session.add(
            SupportRequest(
                id=request_id,
                local_authority_id=person.local_authority_id,
                care_leaver_id=person.id,
                message="I'd like some help with a college application.",
                status=SupportRequestStatus.OPEN,
            )
        )
        return 1
    return 0
