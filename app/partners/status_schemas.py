"""A status check and its answer: yes or no, and nothing else."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.auth.client_schemas import EntitlementCode
from app.core.schemas import AsOfDate, DateOfBirth, InputModel
from app.local_authorities.schemas import GssCode

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
# A UK postcode, however it is spaced or cased ("ng17 7bq", "NG177BQ").
Postcode = Annotated[
    str, StringConstraints(pattern=r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$", max_length=12)
]


class StatusCheckCreate(InputModel):
    """Is the person with these details a care leaver of this council, entitled to this on this date?"""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "given_name": "Chloe",
                    "family_name": "Smith-Jones",
                    "date_of_birth": "2004-09-30",
                    "postcode": "NG17 7BQ",
                    "local_authority": "E10000024",
                    "entitlement": "council-tax-exemption",
                    "on": "2026-12-01",
                }
            ]
        }
    )

    given_name: Name = Field(
        description="As on the partner's record: case, spaces, hyphens and apostrophes are ignored"
    )
    family_name: Name
    date_of_birth: DateOfBirth
    postcode: Postcode = Field(description="Of their current address; spacing and case are ignored")
    local_authority: GssCode = Field(description="GSS code of the council whose care leaver they would be")
    entitlement: EntitlementCode = Field(description="A code from the council's Local Offer")
    on: AsOfDate | None = Field(default=None, description="The date asked about (default today)")


class StatusCheckAnswer(BaseModel):
    """`yes` only when the person was found, agreed to share with your kind of organisation, and was
    entitled on the date; `no` otherwise, with nothing to tell those cases apart."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": "yes"}, {"answer": "no"}]})

    answer: Literal["yes", "no"]
