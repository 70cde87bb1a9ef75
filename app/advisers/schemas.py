from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from app.auth.schemas import Phone, TeamRef
from app.care_leavers.enums import RecordStatus, SupportRequestStatus
from app.core.schemas import InputModel, IsoDate

_ADVISER: JsonDict = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70",
    "display_name": "Priya Adviser (demo)",
    "email": "pa1@nottingham.demo",
    "phone": "0115 496 0102",
    "job_title": "Personal adviser",
    "working_pattern": "Monday to Thursday, 9am to 5pm",
    "team": {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e81", "name": "Leaving Care Team (demo)"},
    "caseload_size": 14,
}


class AdviserRead(BaseModel):
    """A personal adviser: how to reach them, when they work, and how many young people they support."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ADVISER]})

    id: uuid.UUID
    display_name: str
    email: str
    phone: str | None
    job_title: str | None
    working_pattern: str | None
    team: TeamRef | None
    caseload_size: int = Field(description="Young people currently allocated")


class AdviserUpdate(InputModel):
    """What an adviser (or their manager, or an admin) keeps up to date."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"working_pattern": "Monday to Friday, 10am to 6pm; late on Wednesdays"}]
        }
    )

    phone: Phone | None = None
    working_pattern: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None
    ) = None
    job_title: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None
    ) = None


class CaseloadEntry(BaseModel):
    """One young person on a caseload, with what the adviser needs to act on."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "name": "Ash Example",
                    "age": 20,
                    "legal_status": "former_relevant",
                    "allocated_on": "2026-01-05",
                    "last_contact_at": "2026-10-02T14:00:00+00:00",
                    "next_contact_due_on": "2026-11-27",
                    "days_contact_overdue": 0,
                    "open_contact_requests": 1,
                    "overdue_actions": 0,
                    "overdue_plan_actions": 1,
                    "plan_review_due_on": "2027-03-02",
                }
            ]
        }
    )

    care_leaver_id: uuid.UUID
    name: str = Field(description="Preferred name (or given name) and family name")
    age: int
    legal_status: RecordStatus | None
    allocated_on: date
    last_contact_at: datetime | None
    next_contact_due_on: date | None
    days_contact_overdue: int
    open_contact_requests: int = Field(description="'Call me back' requests not yet answered")
    overdue_actions: int = Field(description="Contact follow-up actions past their due date")
    overdue_plan_actions: int = Field(
        description="Actions in the current pathway plan past their date, neither done nor dropped"
    )
    plan_review_due_on: date | None = Field(
        description="When the current pathway plan is next due for review (none: no plan authorised yet)"
    )


class UnallocatedYoungPerson(BaseModel):
    """Someone still in care, 17¼ or older, with no personal adviser: one is due by 17½."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "name": "Jade Sample",
                    "date_of_birth": "2009-06-01",
                    "allocate_by": "2026-12-01",
                    "days_left": 8,
                }
            ]
        }
    )

    care_leaver_id: uuid.UUID
    name: str
    date_of_birth: date
    allocate_by: date = Field(description="The day they turn 17½")
    days_left: int = Field(description="Days until `allocate_by` (negative: overdue)")


class AdviserContact(BaseModel):
    name: str
    phone: str | None
    email: str
    working_pattern: str | None
    team: str | None


class MyAdviser(BaseModel):
    """For the app: who your personal adviser is, how and when to reach them, and who to call otherwise."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "adviser": {
                        "name": "Priya Adviser (demo)",
                        "phone": "0115 496 0102",
                        "email": "pa1@nottingham.demo",
                        "working_pattern": "Monday to Thursday, 9am to 5pm",
                        "team": "Leaving Care Team (demo)",
                    },
                    "team_duty_phone": "0115 496 0100",
                    "council_duty_phone": "0115 496 0050",
                    "out_of_hours_phone": "0115 496 0999",
                    "can_ask_for_an_adviser": False,
                    "message": "If you can't reach Priya, call the duty line. Out of hours, call 0115 496 0999.",
                }
            ]
        }
    )

    adviser: AdviserContact | None
    team_duty_phone: str | None
    council_duty_phone: str | None
    out_of_hours_phone: str | None
    can_ask_for_an_adviser: bool = Field(
        description="True if you are 21 to 24 without an adviser: you can ask for one"
    )
    message: str


class AllocationCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"adviser_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70", "started_on": "2026-11-23"}]
        },
    )

    adviser_id: uuid.UUID = Field(description="A personal adviser of the same council")
    started_on: IsoDate | None = Field(
        default=None, description="Defaults to today; ends the previous allocation"
    )


class AllocationRead(BaseModel):
    """One allocation: the adviser was theirs from `started_on` until the day before `ended_on`."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e91",
                    "adviser_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70",
                    "started_on": "2026-01-05",
                    "ended_on": None,
                }
            ]
        },
    )

    id: uuid.UUID
    adviser_id: uuid.UUID
    started_on: date
    ended_on: date | None


class SupportRequestCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"message": "I'm starting college in January and need help."}]}
    )

    message: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)] | None
    ) = None


class SupportRequestRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e97",
                    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "name": "Ben Sample",
                    "age": 22,
                    "message": "I'd like help with a college application.",
                    "status": "open",
                    "created_at": "2026-11-20T18:30:00+00:00",
                    "resolved_at": None,
                }
            ]
        }
    )

    id: uuid.UUID
    care_leaver_id: uuid.UUID
    name: str
    age: int
    message: str | None
    status: SupportRequestStatus
    created_at: datetime
    resolved_at: datetime | None


class SupportRequestUpdate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "withdrawn"}]})

    status: SupportRequestStatus = Field(description="A young person may withdraw their own request")


class ServiceContacts(InputModel):
    """The numbers a young person can always call: the leaving care duty line and out of hours."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"duty_phone": "0115 496 0050", "out_of_hours_phone": "0115 496 0999"}]
        }
    )

    duty_phone: Phone | None = None
    out_of_hours_phone: Phone | None = None
