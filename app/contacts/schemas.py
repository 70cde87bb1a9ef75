from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from app.care_leavers.enums import ContactMethod
from app.care_leavers.schemas import AdviserRef
from app.contacts.enums import ActionOwnerKind, ContactInitiator, ContactOutcome, ContactRequestStatus
from app.core.clock import uk_today, utc_now
from app.core.schemas import AsOfDate, AsOfDateTime, Count, Flag, InputModel

CLOCK_SKEW = timedelta(minutes=5)  # a device's clock a little ahead of ours is not "the future"
CALL_BACK_HORIZON = timedelta(days=28)  # later than that, book a visit with the adviser instead


def _happened(value: datetime) -> datetime:
    if value > utc_now() + CLOCK_SKEW:
        raise ValueError("cannot be in the future")
    return value


def _call_back_time(value: datetime) -> datetime:
    # No lower bound but the log's: the app works offline, and a request it sends a day late still
    # tells the adviser when suits the young person.
    if value > utc_now() + CALL_BACK_HORIZON:
        raise ValueError("must be within the next 28 days")
    return value


def _not_after_today(value: date | None) -> date | None:
    if value is not None and value > uk_today():
        raise ValueError("cannot be in the future")
    return value


def _text(max_length: int) -> object:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


# The log starts with this service's records (2000-01-01 at the earliest); older paper records stay
# where they are. The bound also keeps offsets at the ends of the calendar from overflowing in UTC.
Happened = Annotated[AsOfDateTime, AfterValidator(_happened)]
CallBackTime = Annotated[AsOfDateTime, AfterValidator(_call_back_time)]
BoundedDate = AsOfDate
Purpose = Annotated[str, _text(200)]
Summary = Annotated[str, _text(20_000)]
Reason = Annotated[str, _text(1000)]
ShortText = Annotated[str, _text(500)]
Name = Annotated[str, _text(160)]

_STAFF: JsonDict = {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70", "display_name": "Priya Adviser (demo)"}
_PERSON_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80"
_ACTION: JsonDict = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6ea1",
    "contact_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6ea0",
    "description": "Send the housing application form",
    "owner_kind": "adviser",
    "owner_user_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70",
    "owner_name": None,
    "due_on": "2026-11-30",
    "done_on": None,
    "overdue": False,
}
_CONTACT: JsonDict = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6ea0",
    "care_leaver_id": _PERSON_ID,
    "occurred_at": "2026-11-20T15:30:00+00:00",
    "method": "face_to_face_home",
    "initiated_by": "staff",
    "outcome": "seen",
    "purpose": "Statutory visit",
    "summary": "Visited at home. Settled in the flat; worried about the gas bill. Agreed to apply for housing.",
    "answers_request_id": None,
    "recorded_by": _STAFF,
    "recorded_by_role": "personal_adviser",
    "recorded_at": "2026-11-20T17:02:00+00:00",
    "version": 1,
    "amended_at": None,
    "amended_by": None,
    "amendment_reason": None,
    "actions": [_ACTION],
}


class StaffRef(BaseModel):
    id: uuid.UUID
    display_name: str


class ContactActionCreate(InputModel):
    """A follow-up agreed in the contact: what, who and by when."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "description": "Send the housing application form",
                    "owner_kind": "adviser",
                    "due_on": "2026-11-30",
                },
                {
                    "description": "Ask about a council tax exemption",
                    "owner_kind": "partner",
                    "owner_name": "Ashfield District Council",
                    "due_on": "2026-12-15",
                },
            ]
        }
    )

    description: ShortText
    owner_kind: ActionOwnerKind
    owner_user_id: uuid.UUID | None = Field(
        default=None, description="adviser only: a staff account of the council; omitted, their adviser"
    )
    owner_name: Name | None = Field(default=None, description="partner only: the organisation or person")
    due_on: BoundedDate


class ContactCreate(InputModel):
    """One entry in the contact log. An `attempt` (no reply, not in) is recorded but never counts as a contact."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "occurred_at": "2026-11-20T15:30:00+00:00",
                    "method": "face_to_face_home",
                    "initiated_by": "staff",
                    "outcome": "seen",
                    "purpose": "Statutory visit",
                    "summary": "Visited at home. Settled in the flat; worried about the gas bill.",
                    "actions": [
                        {
                            "description": "Send the housing application form",
                            "owner_kind": "adviser",
                            "due_on": "2026-11-30",
                        }
                    ],
                },
                {
                    "occurred_at": "2026-11-18T10:00:00+00:00",
                    "method": "text",
                    "initiated_by": "staff",
                    "outcome": "attempt",
                    "purpose": "Arrange a visit",
                    "summary": "Texted to arrange a visit; no reply.",
                },
            ]
        }
    )

    occurred_at: Happened = Field(description="When it happened (not when it is recorded); not in the future")
    method: ContactMethod
    initiated_by: ContactInitiator
    outcome: ContactOutcome = Field(
        description="seen or spoken: the young person was reached; attempt: they were not"
    )
    purpose: Purpose
    summary: Summary = Field(description="What was discussed. Staff only: never shown to the young person")
    actions: list[ContactActionCreate] = Field(default_factory=list, max_length=20)
    answers_request_id: uuid.UUID | None = Field(
        default=None, description="The open call-back request this contact answers; it is closed"
    )


class ContactAmend(InputModel):
    """A correction: the fields that change, and why. The entry keeps every earlier version."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "spoken",
                    "reason": "Recorded as an attempt by mistake: she rang back within the hour.",
                }
            ]
        }
    )

    occurred_at: Happened | None = None
    method: ContactMethod | None = None
    initiated_by: ContactInitiator | None = None
    outcome: ContactOutcome | None = None
    purpose: Purpose | None = None
    summary: Summary | None = None
    reason: Reason = Field(description="Why the entry is amended; kept with the new version")


class ContactActionUpdate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"done_on": "2026-11-28"}, {"done_on": None}]})

    done_on: Annotated[BoundedDate | None, AfterValidator(_not_after_today)] = Field(
        description="When it was done (today or before); null reopens it"
    )


class ContactActionRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ACTION]})

    id: uuid.UUID
    contact_id: uuid.UUID
    description: str
    owner_kind: ActionOwnerKind
    owner_user_id: uuid.UUID | None
    owner_name: str | None
    due_on: date
    done_on: date | None
    overdue: bool = Field(description="Not done and its due date has passed")


class ContactRead(BaseModel):
    """An entry of the contact log as it stands. The young person sees their own entries without the
    staff-only fields (`purpose`, `summary`, who by name, amendments, actions): those are null."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CONTACT]})

    id: uuid.UUID = Field(description="The entry's id; it stays the same when the entry is amended")
    care_leaver_id: uuid.UUID
    occurred_at: datetime
    method: ContactMethod
    initiated_by: ContactInitiator
    outcome: ContactOutcome
    purpose: str | None = Field(description="Staff only")
    summary: str | None = Field(description="Staff only")
    answers_request_id: uuid.UUID | None
    recorded_by: StaffRef | None = Field(description="Who recorded the entry (staff only)")
    recorded_by_role: str = Field(description="Their role, which the young person sees too")
    recorded_at: datetime
    version: int = Field(description="1, plus one for each amendment; the ETag of the entry")
    amended_at: datetime | None
    amended_by: StaffRef | None = Field(description="Staff only")
    amendment_reason: str | None = Field(description="Staff only")
    actions: list[ContactActionRead] | None = Field(description="Follow-up actions (staff only)")


class ContactVersionRead(BaseModel):
    """An earlier version of an entry, exactly as it was recorded."""

    version: int
    occurred_at: datetime
    method: ContactMethod
    initiated_by: ContactInitiator
    outcome: ContactOutcome
    purpose: str
    summary: str
    recorded_by: StaffRef | None
    recorded_by_role: str
    recorded_at: datetime
    amendment_reason: str | None


class ContactDetail(ContactRead):
    """One entry with its earlier versions, oldest first (staff only; null for the young person)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_CONTACT,
                    "outcome": "spoken",
                    "version": 2,
                    "amended_at": "2026-11-21T09:00:00+00:00",
                    "amended_by": _STAFF,
                    "amendment_reason": "Recorded as an attempt by mistake: she rang back within the hour.",
                    "previous_versions": [
                        {
                            "version": 1,
                            "occurred_at": "2026-11-20T15:30:00+00:00",
                            "method": "phone",
                            "initiated_by": "staff",
                            "outcome": "attempt",
                            "purpose": "Statutory visit",
                            "summary": "Rang, no answer.",
                            "recorded_by": _STAFF,
                            "recorded_by_role": "personal_adviser",
                            "recorded_at": "2026-11-20T17:02:00+00:00",
                            "amendment_reason": None,
                        }
                    ],
                }
            ]
        }
    )

    previous_versions: list[ContactVersionRead] | None


class ContactRequestCreate(InputModel):
    """Ask your personal adviser to get in touch, with when suits you."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "window_starts_at": "2026-11-24T16:00:00+00:00",
                    "window_ends_at": "2026-11-24T18:00:00+00:00",
                    "preferred_method": "phone",
                    "message": "About my college bursary",
                }
            ]
        }
    )

    window_starts_at: CallBackTime = Field(description="From when you would like to be contacted")
    window_ends_at: CallBackTime = Field(
        description="Until when (the same as the start for a set time); within the next 28 days"
    )
    preferred_method: ContactMethod | None = None
    message: Annotated[str, _text(1000)] | None = None


class ContactRequestUpdate(InputModel):
    """Staff mark a request answered; the young person may withdraw their own."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "answered"}, {"status": "withdrawn"}]}
    )

    status: Literal[ContactRequestStatus.ANSWERED, ContactRequestStatus.WITHDRAWN]


class ContactRequestRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6eb0",
                    "care_leaver_id": _PERSON_ID,
                    "window_starts_at": "2026-11-24T16:00:00+00:00",
                    "window_ends_at": "2026-11-24T18:00:00+00:00",
                    "preferred_method": "phone",
                    "message": "About my college bursary",
                    "status": "open",
                    "requested_at": "2026-11-23T19:12:00+00:00",
                    "answered_at": None,
                    "answered_by": None,
                    "answered_by_contact_id": None,
                    "withdrawn_at": None,
                }
            ]
        }
    )

    id: uuid.UUID
    care_leaver_id: uuid.UUID
    window_starts_at: datetime
    window_ends_at: datetime
    preferred_method: ContactMethod | None
    message: str | None
    status: ContactRequestStatus
    requested_at: datetime
    answered_at: datetime | None
    answered_by: StaffRef | None
    answered_by_contact_id: uuid.UUID | None = Field(description="The contact log entry that answered it")
    withdrawn_at: datetime | None


class CareLeaverRef(BaseModel):
    id: uuid.UUID
    display_name: str = Field(description="Preferred (or given) name and family name")
    case_reference: str


class OverdueContactRead(BaseModel):
    """A young person whose next contact was due before today."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver": {
                        "id": _PERSON_ID,
                        "display_name": "Ash Example",
                        "case_reference": "MOSAIC-100234",
                    },
                    "adviser": _STAFF,
                    "last_contact_at": "2026-09-01T11:00:00+00:00",
                    "next_contact_due_on": "2026-10-27",
                    "days_overdue": 27,
                    "open_contact_requests": 1,
                }
            ]
        }
    )

    care_leaver: CareLeaverRef
    adviser: AdviserRef | None = Field(description="Their current personal adviser, if allocated")
    last_contact_at: datetime | None = Field(description="Last seen or spoken to; null if never")
    next_contact_due_on: date
    days_overdue: int = Field(ge=1)
    open_contact_requests: int = Field(description="Call-back requests waiting for an answer")


_BAND: JsonDict = {
    "min_age": 21,
    "max_age": 25,
    "max_interval_days": 365,
    "description": "The 21Plus service contacts every care leaver aged 21 to 24 at least once a year.",
    "source": "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, para 72",
    "needs_checking": True,
}


class ContactPolicyBandWrite(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_BAND]})

    min_age: Count = Field(ge=0, le=30, description="From this birthday (inclusive)")
    max_age: Count = Field(ge=1, le=30, description="Until the day before this birthday")
    max_interval_days: Count = Field(ge=1, le=730, description="Longest gap between contacts that count")
    description: ShortText
    source: Annotated[str, _text(2000)] = Field(description="Where the figure comes from")
    needs_checking: Flag = False


class ContactPolicyWrite(InputModel):
    """The council's whole contact standard: bands that do not overlap."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bands": [
                        {
                            "min_age": 16,
                            "max_age": 21,
                            "max_interval_days": 56,
                            "description": "Care leavers under 21 are seen or spoken to at least every 8 weeks.",
                            "source": "Care Leavers (England) Regulations 2010 reg 8",
                            "needs_checking": False,
                        },
                        _BAND,
                    ]
                }
            ]
        }
    )

    bands: list[ContactPolicyBandWrite] = Field(min_length=1, max_length=20)


class ContactPolicyBandRead(BaseModel):
    min_age: int = Field(description="From this birthday (inclusive)")
    max_age: int = Field(description="Until the day before this birthday")
    max_interval_days: int
    description: str
    source: str
    last_checked: date
    needs_checking: bool


class ContactPolicyRead(BaseModel):
    """How often a council's care leavers must be seen or spoken to, by age."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "local_authority": "E10000024",
                    "bands": [
                        {
                            "min_age": 16,
                            "max_age": 21,
                            "max_interval_days": 56,
                            "description": "Care leavers under 21 are seen or spoken to at least every 8 weeks.",
                            "source": "Care Leavers (England) Regulations 2010 reg 8",
                            "last_checked": "2026-11-23",
                            "needs_checking": True,
                        },
                        {**_BAND, "last_checked": "2026-11-23"},
                    ],
                }
            ]
        }
    )

    local_authority: str = Field(description="GSS code of the council")
    bands: list[ContactPolicyBandRead]
