from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic.config import JsonDict

from app.auth.enums import ConsentRecipient
from app.core.clock import uk_today
from app.core.schemas import InputModel, IsoDate

PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CaseReference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
GssCode = Annotated[str, StringConstraints(pattern=r"^E\d{8}$")]

_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80"
_PERSON: JsonDict = {
    "id": _ID,
    "local_authority": "E06000018",
    "case_reference": "MOSAIC-100234",
    "given_name": "Aisha",
    "family_name": "Example",
    "preferred_name": "Ash",
    "date_of_birth": "2006-05-14",
    "age": 20,
    "district_gss_code": "E06000018",
    "adviser": {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70", "display_name": "Priya Adviser (demo)"},
    "created_at": "2026-01-05T09:30:00+00:00",
    "updated_at": "2026-11-02T14:12:00+00:00",
}


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
    date_of_birth: date
    age: int = Field(description="Completed years today")
    district_gss_code: str | None = Field(
        description="Where they live now (district or unitary council GSS code)"
    )
    adviser: AdviserRef | None = Field(description="Their current personal adviser, if allocated")
    created_at: datetime
    updated_at: datetime


def _not_future(value: date) -> date:
    if value > uk_today():
        raise ValueError("cannot be in the future")
    return value


class CareLeaverCreate(InputModel):
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
                }
            ]
        },
    )

    case_reference: CaseReference
    given_name: PersonName
    family_name: PersonName
    preferred_name: PersonName | None = None
    date_of_birth: IsoDate
    district_gss_code: GssCode | None = Field(default=None, description="Where they live now")

    _dob = field_validator("date_of_birth")(_not_future)


class CareLeaverUpdate(InputModel):
    """Identity fields staff may correct. Council, case reference and status are not settable here."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"preferred_name": "Ash"}, {"family_name": "Example-Jones"}]}
    )

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    preferred_name: PersonName | None = None
    date_of_birth: IsoDate | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _dob_not_future(cls, value: date | None) -> date | None:
        return None if value is None else _not_future(value)


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


class ConsentRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e92",
                    "recipient": "district_council",
                    "given_at": "2026-03-01T10:00:00+00:00",
                    "withdrawn_at": None,
                }
            ]
        },
    )

    id: uuid.UUID
    recipient: ConsentRecipient
    given_at: datetime
    withdrawn_at: datetime | None


class ConsentCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"recipient": "district_council"}]})

    recipient: ConsentRecipient = Field(
        description="Who the young person agrees their status may be shared with"
    )


class CareLeaverAccountCreate(InputModel):
    """An app account for the young person, linked to their record."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "aisha@example.demo", "password": "a long passphrase here"}]
        },
    )

    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"),
    ]
    password: Annotated[str, StringConstraints(min_length=12, max_length=1024)]
