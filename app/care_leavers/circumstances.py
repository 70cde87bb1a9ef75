"""Dated circumstances: what a young person's life was like on any date.

Each kind has its own body schema and rules; entries are never changed, only superseded, so "what
was true on date X" is answered from the entries valid on X (the latest `valid_from` on or before X,
and of two for the same date, the one recorded later: a correction).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.care_leavers.enums import EDUCATION_OR_TRAINING, Accommodation, Activity, CircumstanceKind
from app.core.dates import age_on
from app.core.errors import InvalidInput, field_error
from app.core.schemas import Count, Flag, InputModel, IsoDate
from app.entitlements.enums import ImmigrationStatus, University
from app.local_authorities.schemas import GssCode

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# Where no place in England applies.
_NO_DISTRICT = {
    Accommodation.GONE_ABROAD,
    Accommodation.DEPORTED,
    Accommodation.NOT_KNOWN,
    Accommodation.NO_INFORMATION,
}


class _Entry(InputModel):
    valid_from: IsoDate = Field(description="The date this became true")


class ResidenceEntry(_Entry):
    """Where they live: the district (GSS code) and the SSDA903 accommodation type, suitable or not."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "residence",
                    "valid_from": "2026-09-01",
                    "district_gss_code": "E07000170",
                    "accommodation": "U",
                    "suitable": True,
                }
            ]
        }
    )

    kind: Literal[CircumstanceKind.RESIDENCE]
    district_gss_code: GssCode | None = Field(
        default=None, description="GSS code of the district or unitary council"
    )
    accommodation: Accommodation
    suitable: Flag | None = Field(
        default=None, description="The suitability judgement (not for 'no information')"
    )
    same_home: Flag = Field(
        default=False,
        description="True when they have not moved (for example a new suitability judgement for the same "
        "home). Otherwise a new dated residence entry is a move, which brings the pathway plan review forward.",
    )

    @model_validator(mode="after")
    def _ssda903_rules(self) -> ResidenceEntry:
        # SSDA903 ACCOM validation (STATUTE.md s5): custody is never suitable, homelessness only S2.
        if self.accommodation in {Accommodation.CUSTODY, Accommodation.NO_FIXED_ABODE}:
            if self.suitable:
                raise ValueError(f"accommodation {self.accommodation.value} is never suitable")
            self.suitable = False
        if self.accommodation in {Accommodation.NO_INFORMATION, Accommodation.NOT_KNOWN}:
            if self.suitable is not None:
                raise ValueError("suitability cannot be judged without information about the accommodation")
        elif self.suitable is None:
            raise ValueError("say whether the accommodation is suitable")
        if self.district_gss_code is None and self.accommodation not in _NO_DISTRICT:
            raise ValueError("district_gss_code is needed unless they are abroad or their home is not known")
        return self


class ActivityEntry(_Entry):
    """What they do: the SSDA903 activity code (education, training, employment, or why not)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"kind": "activity", "valid_from": "2026-09-01", "code": "F2"}]}
    )

    kind: Literal[CircumstanceKind.ACTIVITY]
    code: Activity
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class HigherEducationEntry(_Entry):
    """A university or college course: set `studying` false from the day they finish or leave."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "higher_education",
                    "valid_from": "2026-09-21",
                    "institution": "Nottingham Trent University",
                    "university": "nottingham_trent_university",
                    "course": "BA Social Work",
                    "started_on": "2026-09-21",
                    "expected_end_on": "2029-06-30",
                    "studying": True,
                }
            ]
        }
    )

    kind: Literal[CircumstanceKind.HIGHER_EDUCATION]
    institution: Text
    university: University | None = None
    course: Text
    started_on: IsoDate
    expected_end_on: IsoDate | None = None
    studying: Flag = True
    vacation_accommodation_weeks: Count | None = Field(
        default=None,
        ge=0,
        le=52,
        description="Weeks of vacation accommodation they need outside term time (CA89 s24B(5)), as the "
        "university or their adviser records it",
    )

    @model_validator(mode="after")
    def _dates(self) -> HigherEducationEntry:
        if self.expected_end_on is not None and self.expected_end_on <= self.started_on:
            raise ValueError("expected_end_on must be after started_on")
        return self


class WorkHoursEntry(_Entry):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "work_hours", "valid_from": "2026-10-01", "weekly_hours": 16}]
        }
    )

    kind: Literal[CircumstanceKind.WORK_HOURS]
    weekly_hours: Annotated[Count, Field(ge=0, le=100)]


class StayingPutEntry(_Entry):
    """Staying with former foster carers after 18 (CA89 s23CZA)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "staying_put", "valid_from": "2026-05-14", "staying_put": True}]
        }
    )

    kind: Literal[CircumstanceKind.STAYING_PUT]
    staying_put: Flag


class ImmigrationStatusEntry(_Entry):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "immigration_status",
                    "valid_from": "2025-03-01",
                    "status": "awaiting_home_office_decision",
                }
            ]
        }
    )

    kind: Literal[CircumstanceKind.IMMIGRATION_STATUS]
    status: ImmigrationStatus


class ParenthoodEntry(_Entry):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "parenthood", "valid_from": "2026-02-10", "is_parent": True, "children": 1}]
        }
    )

    kind: Literal[CircumstanceKind.PARENTHOOD]
    is_parent: Flag
    children: Annotated[Count, Field(ge=0, le=20)] | None = None


CircumstanceEntry = Annotated[
    ResidenceEntry
    | ActivityEntry
    | HigherEducationEntry
    | WorkHoursEntry
    | StayingPutEntry
    | ImmigrationStatusEntry
    | ParenthoodEntry,
    Field(discriminator="kind"),
]


def details_of(entry: _Entry) -> dict[str, Any]:
    return entry.model_dump(mode="json", exclude={"kind", "valid_from"})


def check_against_person(entry: _Entry, date_of_birth: date, today: date) -> None:
    """Rules that need the person: not before birth, not in the future, SSDA903 age rules."""
    if entry.valid_from < date_of_birth:
        raise InvalidInput(
            "A circumstance cannot start before birth.",
            errors=[field_error("valid_from", "before their date of birth")],
        )
    if entry.valid_from > today:
        raise InvalidInput(
            "Record what is true from today or earlier; a planned change is recorded when it happens.",
            errors=[field_error("valid_from", "in the future")],
        )
    if isinstance(entry, ResidenceEntry):
        age = age_on(date_of_birth, entry.valid_from)
        # SSDA903: a foyer is not recorded under 18, former foster carers not at 17 (STATUTE.md s5).
        if entry.accommodation is Accommodation.FOYER and age < 18:
            raise InvalidInput(
                "A foyer is not recorded for under-18s (SSDA903).",
                errors=[field_error("accommodation", "T only from 18")],
            )
        if entry.accommodation is Accommodation.FORMER_FOSTER_CARERS and age == 17:
            raise InvalidInput(
                "'With former foster carers' is not recorded at 17 (SSDA903).",
                errors=[field_error("accommodation", "Z not at 17")],
            )


def ssda903_accommodation(details: dict[str, Any]) -> str:
    """The SSDA903 ACCOM value: the letter, then 1 (suitable) or 2 (unsuitable); '0' for no information."""
    letter = str(details.get("accommodation", "0"))
    if letter in {"0", "R"} or details.get("suitable") is None:
        return letter if letter != "R" else "R"
    return f"{letter}{1 if details['suitable'] else 2}"


def in_education_or_training(snapshot: dict[CircumstanceKind, dict[str, Any]]) -> bool | None:
    """From the circumstances on a date: studying, or an education or training activity. None if unknown."""
    higher = snapshot.get(CircumstanceKind.HIGHER_EDUCATION)
    if higher is not None and higher.get("studying"):
        return True
    activity = snapshot.get(CircumstanceKind.ACTIVITY)
    if activity is None:
        return None if higher is None else False
    return activity.get("code") in EDUCATION_OR_TRAINING
