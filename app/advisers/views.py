"""Building the reads of advisers' work: profiles, caseload lines, the duty-line wording a young person
sees, and the 21-plus queue. Pure: the use cases pass in what was loaded and today's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.advisers.schemas import (
    AdviserContact,
    AdviserRead,
    CaseloadEntry,
    MyAdviser,
    SupportRequestRead,
    UnallocatedYoungPerson,
)
from app.auth.models import Team, UserAccount
from app.auth.schemas import TeamRef
from app.care_leavers.models import CareLeaver, SupportRequest
from app.contacts.service import ContactSummary
from app.core.dates import age_on
from app.local_authorities.models import LocalAuthority
from app.pathway_plans.service import PlanSummary


def adviser_read(adviser: UserAccount, caseload_size: int) -> AdviserRead:
    return AdviserRead(
        id=adviser.id,
        display_name=adviser.display_name,
        email=adviser.email,
        phone=adviser.phone,
        job_title=adviser.job_title,
        working_pattern=adviser.working_pattern,
        team=TeamRef.model_validate(adviser.team) if adviser.team else None,
        caseload_size=caseload_size,
    )


@dataclass(frozen=True, slots=True)
class CaseloadLine:
    person: CareLeaver
    allocated_on: date
    contact: ContactSummary | None
    plan: PlanSummary | None


def caseload_entry(line: CaseloadLine, today: date) -> CaseloadEntry:
    person, contact, plan = line.person, line.contact, line.plan
    return CaseloadEntry(
        care_leaver_id=person.id,
        name=person.display_name,
        age=age_on(person.date_of_birth, today),
        legal_status=person.legal_status,
        allocated_on=line.allocated_on,
        last_contact_at=person.last_contact_at,
        next_contact_due_on=person.next_contact_due_on,
        days_contact_overdue=contact.days_overdue if contact else 0,
        open_contact_requests=contact.open_contact_requests if contact else 0,
        overdue_actions=contact.overdue_actions if contact else 0,
        overdue_plan_actions=plan.overdue_actions if plan else 0,
        plan_review_due_on=plan.review_due_on if plan else None,
    )


def unallocated(person: CareLeaver, allocate_by: date, today: date) -> UnallocatedYoungPerson:
    return UnallocatedYoungPerson(
        care_leaver_id=person.id,
        name=person.display_name,
        date_of_birth=person.date_of_birth,
        allocate_by=allocate_by,
        days_left=(allocate_by - today).days,
    )


def duty_line_message(
    adviser: UserAccount | None, can_ask: bool, duty: str | None, out_of_hours: str | None
) -> str:
    """What the app says to a young person about who to call, in plain words."""
    if adviser is not None:
        message = f"If you can't reach {adviser.display_name.split(' ')[0]}, call the duty line"
    elif can_ask:
        message = (
            "You can ask for a personal adviser at any time until you are 25. Until then, call the duty line"
        )
    else:
        message = "Call the leaving care duty line"
    message += f" on {duty}." if duty else "."
    if out_of_hours:
        message += f" Out of hours, call {out_of_hours}."
    return message


def my_adviser(
    adviser: UserAccount | None, team: Team | None, authority: LocalAuthority, can_ask: bool
) -> MyAdviser:
    duty = (team.duty_phone if team else None) or authority.duty_phone
    return MyAdviser(
        adviser=AdviserContact(
            name=adviser.display_name,
            phone=adviser.phone,
            email=adviser.email,
            working_pattern=adviser.working_pattern,
            team=team.name if team else None,
        )
        if adviser
        else None,
        team_duty_phone=team.duty_phone if team else None,
        council_duty_phone=authority.duty_phone,
        out_of_hours_phone=authority.out_of_hours_phone,
        can_ask_for_an_adviser=can_ask,
        message=duty_line_message(adviser, can_ask, duty, authority.out_of_hours_phone),
    )


def support_request_read(request: SupportRequest, person: CareLeaver, today: date) -> SupportRequestRead:
    return SupportRequestRead(
        id=request.id,
        care_leaver_id=person.id,
        name=person.display_name,
        age=age_on(person.date_of_birth, today),
        message=request.message,
        status=request.status,
        created_at=request.created_at,
        resolved_at=request.resolved_at,
    )
