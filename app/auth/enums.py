from enum import IntEnum, StrEnum


class SubjectKind(StrEnum):
    """What kind of account signed in."""

    STAFF = "staff"
    PARTNER = "partner"
    CARE_LEAVER = "care_leaver"


class Role(StrEnum):
    CARE_LEAVER = "care_leaver"
    PERSONAL_ADVISER = "personal_adviser"
    TEAM_MANAGER = "team_manager"
    LA_ADMIN = "la_admin"
    PARTNER = "partner"
    SYSTEM_ADMIN = "system_admin"


# Roles that work inside one council's data (a system admin has none of them by default).
COUNCIL_STAFF_ROLES = frozenset({Role.PERSONAL_ADVISER, Role.TEAM_MANAGER, Role.LA_ADMIN})


class PartnerKind(StrEnum):
    DISTRICT_COUNCIL = "district_council"
    UNIVERSITY = "university"
    HOUSING_PROVIDER = "housing_provider"


class PartnerPurpose(StrEnum):
    """What a partner organisation's agreement with the council lets it use the service for."""

    STATUS_CHECK = "status_check"  # is this person a care leaver entitled to X on a date: yes or no


class ConsentRecipient(StrEnum):
    """Who a young person has agreed their status may be shared with: recorded per recipient, and
    withdrawn the moment they say so."""

    DISTRICT_COUNCIL = "district_council"
    UNIVERSITY = "university"
    HOUSING_PROVIDER = "housing_provider"


class Access(IntEnum):
    """How much of a person's record a principal may reach. Ordered: more is more."""

    NONE = 0
    PARTNER = 1  # only the narrow view meant for that partner
    READ = 2
    WRITE = 3
