from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class CouncilTaxExemption(BaseModel):
    """What a district council needs to grant the exemption, and nothing more."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "given_name": "Chloe",
                    "family_name": "Demo",
                    "date_of_birth": "2004-09-30",
                    "district_gss_code": "E07000170",
                    "exempt_until": "2029-09-29",
                    "consent_given_at": "2026-03-01T10:00:00+00:00",
                }
            ]
        }
    )

    care_leaver_id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: date
    district_gss_code: str
    exempt_until: date = Field(description="The day before their 25th birthday")
    consent_given_at: datetime
