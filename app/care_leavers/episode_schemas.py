"""Bodies and views of care episodes (`/v1/care-leavers/{id}/care-episodes`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.care_leavers.care_history import Detention, EpisodeKind, LegalBasis, PlacementType
from app.core.schemas import Flag, InputModel, IsoDate

_EXAMPLE: JsonDict = {
    "kind": "looked_after",
    "start_on": "2026-09-08",
    "end_on": None,
    "legal_basis": "C2",
    "placement_type": "U6",
    "planned_short_break": False,
}


class CareEpisodeCreate(InputModel):
    """A period looked after (`looked_after`: start, end, SSDA903 legal status and placement type), a
    special guardianship order (`special_guardianship_order`: `start_on` is the day it was made), or
    custody or hospital on the 16th birthday (`custody_or_hospital_on_16th_birthday`: from `start_on`,
    the day detained or admitted, to `end_on`, with `detention`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    kind: EpisodeKind = EpisodeKind.LOOKED_AFTER
    start_on: IsoDate = Field(
        description="The first day (SSDA903 DECOM); not before birth, not in the future"
    )
    end_on: IsoDate | None = Field(
        default=None,
        description="The day it ended (SSDA903 DEC: looked after until the day before); null while it lasts. "
        "A period looked after ends by the 18th birthday",
    )
    legal_basis: LegalBasis | None = Field(
        default=None,
        description="SSDA903 legal status (LS): C1 interim care order, C2 care order, V2 accommodated under "
        "s20, V3/V4 planned short breaks, J1 remand... Required for a period looked after",
    )
    placement_type: PlacementType | None = Field(
        default=None, description="SSDA903 placement type (PLACE): U1-U6 fostering, K2 children's home..."
    )
    planned_short_break: Flag | None = Field(
        default=None,
        description="Part of a planned series of short breaks (legal status V3 or V4), which do not count "
        "towards the 13 weeks. Defaults from the legal status",
    )
    detention: Detention | None = Field(
        default=None, description="For custody or hospital on the 16th birthday"
    )


class CareEpisodeUpdate(InputModel):
    """The fields to correct; the rest stay. Send `If-Match` with the episode's ETag."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"end_on": "2027-03-01"}]})

    start_on: IsoDate | None = None
    end_on: IsoDate | None = None
    legal_basis: LegalBasis | None = None
    placement_type: PlacementType | None = None
    planned_short_break: Flag | None = None
    detention: Detention | None = None


class CareEpisodeRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE,
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e99",
                    "detention": None,
                    "converted_from_summary": False,
                    "details": {},
                    "version": 1,
                    "recorded_at": "2026-09-09T10:00:00+00:00",
                    "updated_at": "2026-09-09T10:00:00+00:00",
                }
            ]
        },
    )

    id: uuid.UUID
    kind: EpisodeKind
    start_on: date | None = Field(
        description="Null only for a summary converted from a record that had no date"
    )
    end_on: date | None
    legal_basis: LegalBasis | None
    placement_type: PlacementType | None
    planned_short_break: bool
    detention: Detention | None
    converted_from_summary: bool = Field(
        description="Made from the counters records kept before episodes; `details.original` has them"
    )
    details: dict[str, Any]
    version: int
    recorded_at: datetime
    updated_at: datetime
