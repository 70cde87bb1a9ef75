from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from app.local_authorities.enums import AuthorityKind, DistrictKind

GssCode = Annotated[str, StringConstraints(pattern=r"^E\d{8}$")]

_NOTTS_EXAMPLE: JsonDict = {
    "gss_code": "E10000024",
    "name": "Nottinghamshire County Council",
    "short_name": "Nottinghamshire",
    "kind": "county",
    "dfe_la_number": 891,
    "website": "https://www.nottinghamshire.gov.uk",
    "collects_council_tax": False,
    "duty_phone": "0115 496 0050",
    "out_of_hours_phone": "0115 496 0999",
}
_ASHFIELD_EXAMPLE: JsonDict = {
    "gss_code": "E07000170",
    "name": "Ashfield",
    "council_name": "Ashfield District Council",
    "kind": "district",
}


class LocalAuthorityRef(BaseModel):
    """A council by its GSS code and name, where another record names it."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"gss_code": "E10000024", "name": "Nottinghamshire County Council"}]},
    )

    gss_code: str
    name: str


class DistrictRead(BaseModel):
    """A district or borough council: where a Nottinghamshire care leaver claims council tax exemption."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_ASHFIELD_EXAMPLE]})

    gss_code: str = Field(description="ONS GSS code")
    name: str
    council_name: str
    kind: DistrictKind


class LocalAuthoritySummary(BaseModel):
    """A council with children's services, the corporate parent of its care leavers."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_NOTTS_EXAMPLE]})

    gss_code: str = Field(description="ONS GSS code, e.g. E06000018 for Nottingham")
    name: str
    short_name: str
    kind: AuthorityKind
    dfe_la_number: int = Field(description="DfE local authority number, as in the SSDA903 return")
    website: str
    collects_council_tax: bool = Field(
        description="True for a unitary council; in a county, the district councils collect it"
    )
    duty_phone: str | None = Field(description="The leaving care service's duty line")
    out_of_hours_phone: str | None = Field(description="Out of hours: the emergency duty number")


class LocalAuthorityRead(LocalAuthoritySummary):
    """A council with its districts (empty for a unitary council)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{**_NOTTS_EXAMPLE, "districts": [_ASHFIELD_EXAMPLE]}]},
    )

    districts: list[DistrictRead]
