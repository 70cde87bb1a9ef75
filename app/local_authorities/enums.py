from enum import StrEnum


class AuthorityKind(StrEnum):
    """Unitary councils collect their own council tax; counties leave it to their districts."""

    UNITARY = "unitary"
    COUNTY = "county"


class DistrictKind(StrEnum):
    DISTRICT = "district"
    BOROUGH = "borough"
