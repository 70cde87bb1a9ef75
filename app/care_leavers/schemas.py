from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from app.auth.enums import ConsentRecipient
from app.auth.schemas import Email, Phone
from app.care_leavers.enums import CircumstanceKind, ClosureReason, ContactMethod, RecordStatus
from app.care_leavers.episode_schemas import CareEpisodeCreate
from app.core.schemas import Count, DateOfBirth, Flag, InputModel, IsoDate
from app.local_authorities.schemas import GssCode

PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CaseReference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]

_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80"
_PERSON: JsonDict = {
    "id": _ID,
    "local_authority": "E06000018",
    "case_reference": "MOSAIC-100234",
    "given_name": "Aisha",
    "family_name": "Example",
    "preferred_name": "Ash",
    "pronouns": "she/her",
    "date_of_birth": "2006-05-14",
    "age": 20,
    "phone": "07700 900123",
    "email": "aisha@example.demo",
    "address": "Flat 2, 1 Example Street, Nottingham NG1 1AA",
    "preferred_contact_method": "whatsapp",
    "district_gss_code": "E06000018",
    "entered_care_on": "2019-03-02",
    "left_care_on": "2024-05-14",
    "still_looked_after": False,
    "weeks_looked_after_since_14": 200,
    "weeks_looked_after_after_16": 104,
    "legal_status": "former_relevant",
    "adviser": {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70", "display_name": "Priya Adviser (demo)"},
    "last_contact_at": "2026-11-02T14:00:00+00:00",
    "next_contact_due_on": "2026-12-28",
    "closed_on": None,
    "closure_reason": None,
    "created_at": "2026-01-05T09:30:00+00:00",
    "updated_at": "2026-11-02T14:12:00+00:00",
}

Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Pronouns = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Weeks = Annotated[Count, Field(ge=0, le=600)]
# Free text in a query string: no control characters (PostgreSQL refuses NUL in a LIKE pattern).
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]


class AdviserRef(BaseModel):
    id: uuid.UUID
    display_name: str


class CareLeaverRead(BaseModel):
    """A young person's record as staff (or the young person themself) see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PERSON]})

    id: uuid.UUID
    local_authority: str = Field(description="GSS code of the responsible council")
    case_reference: str = Field(description="The council's case-management id, unique within the council")
    given_name: str
    family_name: str
    preferred_name: str | None
    pronouns: str | None
    date_of_birth: date
    age: int = Field(description="Completed years today")
    phone: str | None
    email: str | None
    address: str | None
    preferred_contact_method: ContactMethod | None
    district_gss_code: str | None = Field(
        description="Where they live now (district or unitary council GSS code)"
    )
    entered_care_on: date | None
    left_care_on: date | None
    still_looked_after: bool
    weeks_looked_after_since_14: int | None
    weeks_looked_after_after_16: int | None
    legal_status: RecordStatus | None = Field(
        description="Derived from the care history today (null while the history is incomplete); "
        "`/legal-status` gives the reasons"
    )
    adviser: AdviserRef | None = Field(description="Their current personal adviser, if allocated")
    last_contact_at: datetime | None = Field(description="When they were last seen or spoken to")
    next_contact_due_on: date | None = Field(
        description="When the council's contact policy says contact is due"
    )
    closed_on: date | None
    closure_reason: ClosureReason | None
    created_at: datetime
    updated_at: datetime


class _Details(InputModel):
    """Contact details and care history: fields shared by create and update."""

    preferred_name: PersonName | None = None
    pronouns: Pronouns | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    preferred_contact_method: ContactMethod | None = None
    entered_care_on: IsoDate | None = None
    left_care_on: IsoDate | None = Field(default=None, description="Null while still looked after")
    weeks_looked_after_since_14: Weeks | None = Field(
        default=None, description="Weeks looked after in total since the 14th birthday (13 or more: eligible)"
    )
    weeks_looked_after_after_16: Weeks | None = Field(
        default=None, description="Of those, weeks after the 16th birthday"
    )


class CareLeaverCreate(_Details):
    """A new record in the caller's council (the council is never taken from the body)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_reference": "MOSAIC-100234",
                    "given_name": "Aisha",
                    "family_name": "Example",
                    "preferred_name": "Ash",
                    "date_of_birth": "2006-05-14",
                    "district_gss_code": "E06000018",
                    "left_care_on": "2024-05-14",
                    "weeks_looked_after_since_14": 200,
                    "weeks_looked_after_after_16": 104,
                }
            ]
        },
    )

    case_reference: CaseReference
    given_name: PersonName
    family_name: PersonName
    date_of_birth: DateOfBirth
    district_gss_code: GssCode | None = Field(
        default=None, description="Where they live now; afterwards, record moves as residence circumstances"
    )
    still_looked_after: Flag = False
    care_episodes: Annotated[list[CareEpisodeCreate], Field(max_length=200)] | None = Field(
        default=None,
        description="The care history as episodes (see `/care-episodes`). The older summary fields "
        "(entered_care_on, left_care_on, still_looked_after, weeks_looked_after_*) are still accepted "
        "instead, and recorded as one episode converted from that summary",
    )


class CareLeaverUpdate(_Details):
    """Fields staff may correct. Council, case reference, status and adviser are not settable here:
    the status is derived (override it at `/legal-status/override`), the adviser is allocated."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"preferred_name": "Ash"},
                {"phone": "07700 900123", "preferred_contact_method": "text"},
            ]
        }
    )

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    date_of_birth: DateOfBirth | None = None
    still_looked_after: Flag | None = None


class LegalStatusReason(BaseModel):
    code: str
    text: str


class LegalStatusRead(BaseModel):
    """The legal status on a date, with the reasons a council can show."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "on": "2026-11-23",
                    "status": "former_relevant",
                    "derived": "former_relevant",
                    "overridden": False,
                    "valid_until": "2027-05-13",
                    "reasons": [
                        {
                            "code": "history.former_relevant",
                            "text": "From your care history (you were looked after for 13 weeks or more after your "
                            "14th birthday, and left care on 14 May 2024 aged 18), your leaving-care status is "
                            "former relevant.",
                        }
                    ],
                }
            ]
        }
    )

    on: date
    status: RecordStatus | None
    derived: RecordStatus | None = Field(description="What the care history alone gives, before any override")
    overridden: bool
    valid_until: date | None = Field(
        description="The last day this holds by itself (a birthday, a leaving date)"
    )
    reasons: list[LegalStatusReason]


class LegalStatusOverrideCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "qualifying",
                    "reason": "Special guardianship order made on 3 March 2024, after their 16th birthday.",
                }
            ]
        }
    )

    status: RecordStatus
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=1000)] = Field(
        description="Why the history does not show it; kept with the record"
    )


class ClosureCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"closed_on": "2026-11-23", "reason": "moved_away"}]}
    )

    closed_on: IsoDate = Field(description="Today or before, and not before the date of birth")
    reason: ClosureReason


class CircumstanceRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e95",
                    "kind": "residence",
                    "valid_from": "2026-09-01",
                    "details": {"district_gss_code": "E07000170", "accommodation": "U", "suitable": True},
                    "recorded_at": "2026-09-02T10:00:00+00:00",
                }
            ]
        },
    )

    id: uuid.UUID
    kind: CircumstanceKind
    valid_from: date
    details: dict[str, Any]
    recorded_at: datetime


class CircumstancesOn(BaseModel):
    """What was true on one date: the entry in force for each kind (null where nothing was recorded)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "on": "2025-06-30",
                    "residence": {
                        "district_gss_code": "E07000170",
                        "accommodation": "D",
                        "suitable": True,
                        "ssda903_accommodation": "D1",
                        "valid_from": "2024-05-14",
                    },
                    "activity": {"code": "F2", "valid_from": "2024-09-01"},
                    "higher_education": None,
                    "work_hours": None,
                    "staying_put": None,
                    "immigration_status": None,
                    "parenthood": None,
                }
            ]
        }
    )

    on: date
    residence: dict[str, Any] | None
    activity: dict[str, Any] | None
    higher_education: dict[str, Any] | None
    work_hours: dict[str, Any] | None
    staying_put: dict[str, Any] | None
    immigration_status: dict[str, Any] | None
    parenthood: dict[str, Any] | None


class ConsentRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e92",
                    "recipient": "district_council",
                    "partner_organisation_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e30",
                    "given_at": "2026-03-01T10:00:00+00:00",
                    "withdrawn_at": None,
                }
            ]
        },
    )

    id: uuid.UUID
    recipient: ConsentRecipient
    partner_organisation_id: uuid.UUID | None = Field(
        description="The organisation it names (for a district council, the billing authority); none: "
        "it names no organisation and shares with no one"
    )
    given_at: datetime
    withdrawn_at: datetime | None


class ConsentCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"recipient": "district_council"},
                {"recipient": "district_council", "organisation_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e30"},
            ]
        }
    )

    recipient: ConsentRecipient = Field(
        description="Who the young person agrees their status may be shared with"
    )
    organisation_id: uuid.UUID | None = Field(
        default=None,
        description="The partner organisation named (one of your council's partners of that kind). Left "
        "out for a district council: the billing authority where they live now, if one shares with you",
    )


class CareLeaverAccountCreate(InputModel):
    """An app account for the young person, linked to their record. Staff never choose its password:
    the answer carries an invitation the young person redeems with a password of their own."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "aisha@example.demo"}]})

    email: Email


class ImportRowRead(BaseModel):
    line: int = Field(description="Line in the file (the header is line 1)")
    case_reference: str | None
    outcome: str = Field(description="created, updated, unchanged or invalid")
    errors: list[dict[str, str]] = Field(description="For an invalid row: each field and why")


class ImportReportRead(BaseModel):
    """What an import did, or (dry run, or refused) would have done, row by row."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "mode": "valid_rows",
                    "dry_run": False,
                    "imported": True,
                    "counts": {"created": 1, "updated": 0, "unchanged": 0, "invalid": 1},
                    "rows": [
                        {"line": 2, "case_reference": "MOSAIC-1", "outcome": "created", "errors": []},
                        {
                            "line": 3,
                            "case_reference": "MOSAIC-2",
                            "outcome": "invalid",
                            "errors": [
                                {
                                    "field": "date_of_birth",
                                    "message": "must be a date as YYYY-MM-DD or DD/MM/YYYY",
                                }
                            ],
                        },
                    ],
                }
            ]
        }
    )

    mode: str
    dry_run: bool
    imported: bool
    counts: dict[str, int]
    rows: list[ImportRowRead]


class EpisodeImportPersonRead(BaseModel):
    case_reference: str = Field(description="The file's CHILD: the record's case reference in your council")
    care_leaver_id: uuid.UUID | None = Field(description="Null when no record has that case reference")
    outcome: str = Field(
        description="changed (episodes recorded, corrected or removed), unchanged, or invalid (none of "
        "this child's rows was imported)"
    )
    episodes_removed: int = Field(
        description="Recorded episodes the file no longer holds (kept, marked removed)"
    )
    legal_status_before: RecordStatus | None
    legal_status: RecordStatus | None = Field(description="Derived again after the import; null in a dry run")


class EpisodeImportReportRead(BaseModel):
    """What an SSDA903 episodes import did, or (dry run, or refused) would have done: row by row, and
    person by person."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "mode": "valid_rows",
                    "dry_run": False,
                    "imported": True,
                    "counts": {"created": 2, "updated": 0, "unchanged": 0, "invalid": 1},
                    "episodes_removed": 0,
                    "rows": [
                        {"line": 2, "case_reference": "MOSAIC-1", "outcome": "created", "errors": []},
                        {"line": 3, "case_reference": "MOSAIC-1", "outcome": "created", "errors": []},
                        {
                            "line": 4,
                            "case_reference": "MOSAIC-2",
                            "outcome": "invalid",
                            "errors": [{"field": "LS", "message": "Input should be 'C1', 'C2', ..."}],
                        },
                    ],
                    "people": [
                        {
                            "case_reference": "MOSAIC-1",
                            "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                            "outcome": "changed",
                            "episodes_removed": 0,
                            "legal_status_before": "not_a_care_leaver",
                            "legal_status": "former_relevant",
                        },
                        {
                            "case_reference": "MOSAIC-2",
                            "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e81",
                            "outcome": "invalid",
                            "episodes_removed": 0,
                            "legal_status_before": "eligible",
                            "legal_status": "eligible",
                        },
                    ],
                }
            ]
        }
    )

    mode: str
    dry_run: bool
    imported: bool
    counts: dict[str, int] = Field(description="Rows by outcome: created, updated, unchanged, invalid")
    episodes_removed: int
    rows: list[ImportRowRead]
    people: list[EpisodeImportPersonRead]
