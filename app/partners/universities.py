"""A university's view of its students, with their consent: the course as recorded, the higher-education
bursary's instalments and what is paid of them, and its confirmation of enrolment and vacation needs.

A university partner sees a young person only while a consent naming that university is in force
(`app.auth.policy.partner_in_scope`); withdrawal removes them at once. Nothing is decided again here: the
bursary is read from the stored decisions and the ledger (`app.claims.money.allowances`), and a
confirmation is recorded as a dated higher-education circumstance through the record's own use case, so
the record's hooks refresh the stored decisions and the instalments follow the new course dates.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.enums import Access, PartnerKind, Role
from app.auth.models import PartnerOrganisation
from app.auth.policy import person_access
from app.auth.principal import Principal
from app.care_leavers import history
from app.care_leavers.circumstances import HigherEducationEntry, details_of
from app.care_leavers.enums import CircumstanceKind
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.models import CareLeaver, Circumstance, Consent
from app.care_leavers.repository import BY_NAME, CareLeaverRepository
from app.claims.money import allowances
from app.claims.schemas import Balance
from app.core.clock import uk_today
from app.core.errors import Forbidden
from app.core.schemas import Flag, InputModel, IsoDate
from app.db.pagination import Position, Window, keyset_page

RESOURCE = "university_student"
BURSARY = "higher-education-bursary"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Weeks = Annotated[StrictInt, Field(ge=0, le=52)]

_COURSE: dict[str, Any] = {
    "institution": "Nottingham Trent University",
    "course": "BA Social Work",
    "started_on": "2026-09-21",
    "expected_end_on": "2029-06-30",
    "studying": True,
    "vacation_accommodation_weeks": 12,
    "recorded_from": "2026-09-21",
}
_BURSARY: dict[str, Any] = {
    "entitlement_code": BURSARY,
    "title": "Higher education bursary",
    "period": "whole",
    "eligible_today": True,
    "cap_pence": 200000,
    "committed_pence": 0,
    "paid_pence": 66667,
    "remaining_pence": 133333,
    "available_now_pence": 0,
    "instalments": [
        {"academic_year": "2026/27", "from_on": "2026-08-01", "amount_pence": 66667},
        {"academic_year": "2027/28", "from_on": "2027-08-01", "amount_pence": 66667},
        {"academic_year": "2028/29", "from_on": "2028-08-01", "amount_pence": 66666},
    ],
    "cap": {"amount_pence": 200000, "display": "£2,000.00"},
    "committed": {"amount_pence": 0, "display": "£0.00"},
    "paid": {"amount_pence": 66667, "display": "£666.67"},
    "remaining": {"amount_pence": 133333, "display": "£1,333.33"},
}


class CourseRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_COURSE]})

    institution: str
    course: str
    started_on: date
    expected_end_on: date | None
    studying: bool
    vacation_accommodation_weeks: int | None = Field(
        description="Weeks of vacation accommodation needed outside term time, if recorded"
    )
    recorded_from: date = Field(description="The date the record holds this course from")


class UniversityStudent(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "given_name": "Chloe",
                    "family_name": "Demo",
                    "date_of_birth": "2006-09-30",
                    "course": _COURSE,
                    "bursary": _BURSARY,
                }
            ]
        }
    )

    care_leaver_id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: date
    course: CourseRead | None = Field(description="The course on the record today, if any")
    bursary: Balance | None = Field(
        description="The higher-education bursary as the stored decisions and the ledger stand today: its "
        "instalments by academic year, and what is committed and paid. None if they have no such allowance"
    )


class EnrolmentPut(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "course": "BA Social Work",
                    "started_on": "2026-09-21",
                    "expected_end_on": "2029-06-30",
                    "studying": True,
                    "vacation_accommodation_weeks": 12,
                }
            ]
        }
    )

    course: Text
    started_on: IsoDate
    expected_end_on: IsoDate | None = None
    studying: Flag = Field(default=True, description="False from the day they finished or left the course")
    vacation_accommodation_weeks: Weeks | None = Field(
        default=None, description="Weeks of vacation accommodation they need outside term time"
    )

    @model_validator(mode="after")
    def _dates(self) -> EnrolmentPut:
        if self.expected_end_on is not None and self.expected_end_on <= self.started_on:
            raise ValueError("expected_end_on must be after started_on")
        return self


def university_of(principal: Principal) -> uuid.UUID:
    """The university organisation a partner acts for; 403 for any other kind of partner."""
    if (
        not principal.has(Role.PARTNER)
        or principal.partner_kind is not PartnerKind.UNIVERSITY
        or principal.partner_organisation_id is None
    ):
        raise Forbidden("Only a university sees and confirms its students' courses.")
    return principal.partner_organisation_id


def _course(entry: Circumstance | None) -> CourseRead | None:
    if entry is None:
        return None
    d: dict[str, Any] = entry.details
    ends = d.get("expected_end_on")
    return CourseRead(
        institution=d["institution"],
        course=d["course"],
        started_on=date.fromisoformat(d["started_on"]),
        expected_end_on=date.fromisoformat(ends) if ends else None,
        studying=bool(d.get("studying", True)),
        vacation_accommodation_weeks=d.get("vacation_accommodation_weeks"),
        recorded_from=entry.valid_from,
    )


async def _student(
    session: AsyncSession, person: CareLeaver, course: Circumstance | None, today: date
) -> UniversityStudent:
    bursary = next(
        (b for b in await allowances(session, person.id, today) if b.entitlement_code == BURSARY), None
    )
    return UniversityStudent(
        care_leaver_id=person.id,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        course=_course(course),
        bursary=bursary,
    )


async def list_students(
    session: AsyncSession, principal: Principal, *, limit: int, cursor: Position | None
) -> Window[UniversityStudent]:
    """A page, by name, of the young people whose consent to share with this university is in force."""
    organisation_id = university_of(principal)
    consenting = select(Consent.care_leaver_id).where(
        Consent.partner_organisation_id == organisation_id, Consent.withdrawn_at.is_(None)
    )
    stmt = select(CareLeaver).where(
        CareLeaver.local_authority_id == principal.local_authority_id, CareLeaver.id.in_(consenting)
    )
    window = await keyset_page(session, stmt, BY_NAME, limit=limit, cursor=cursor)
    today = uk_today()
    snapshots = await CareLeaverRepository(session).snapshots([p.id for p in window.items], today)
    items = [
        await _student(session, p, snapshots[p.id].get(CircumstanceKind.HIGHER_EDUCATION), today)
        for p in window.items
    ]
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        RESOURCE,
        window.items,
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    return Window(items=items, next=window.next)


async def confirm_enrolment(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, body: EnrolmentPut
) -> UniversityStudent:
    """Records the course as the university confirms it, from today, unless the record already says
    exactly that (the same confirmation again changes nothing). 404 without the young person's consent."""
    organisation_id = university_of(principal)
    today = uk_today()
    found = await CareLeaverRepository(session).scope(care_leaver_id, today)
    if found is None or person_access(principal, found[1]) < Access.PARTNER:
        raise CareLeaverNotFound("No care leaver with that id has agreed to share with your university.")
    person = found[0]
    university = await session.get(PartnerOrganisation, organisation_id)
    assert university is not None
    current = (await history.snapshot_on(session, person, today)).get(CircumstanceKind.HIGHER_EDUCATION)
    carried = current.details.get("university") if current is not None else None
    entry = HigherEducationEntry(
        kind=CircumstanceKind.HIGHER_EDUCATION,
        valid_from=today,
        institution=university.name,
        university=carried if current and current.details.get("institution") == university.name else None,
        course=body.course,
        started_on=body.started_on,
        expected_end_on=body.expected_end_on,
        studying=body.studying,
        vacation_accommodation_weeks=body.vacation_accommodation_weeks,
    )
    if current is None or current.details != details_of(entry):
        # The record's own use case: status refreshed, stored decisions refreshed, audited about them.
        current = await history.add_circumstance(session, principal, person, entry)
    else:
        await record_about(
            session, principal.as_actor(), AuditAction.READ, RESOURCE, [person], resource_id=person.id
        )
    return await _student(session, person, current, today)
