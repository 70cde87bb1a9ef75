"""The words a council's offer is organised by (issue 4: categories, basis, providers)."""

from enum import StrEnum


class Category(StrEnum):
    MONEY = "money"
    HOME = "home"
    EDUCATION = "education"
    WORK = "work"
    HEALTH_AND_WELLBEING = "health_and_wellbeing"
    TRAVEL_AND_LEISURE = "travel_and_leisure"
    RELATIONSHIPS = "relationships"
    SUPPORT = "support"


class Basis(StrEnum):
    """Why it is given: a duty in statute, statutory guidance, the council's choice, or a national scheme."""

    STATUTORY = "statutory"
    STATUTORY_GUIDANCE = "statutory_guidance"
    DISCRETIONARY = "discretionary"
    NATIONAL_SCHEME = "national_scheme"


class ProviderKind(StrEnum):
    COUNCIL = "council"
    DISTRICT_COUNCIL = "district_council"
    UNIVERSITY = "university"
    SCHOOL_OR_COLLEGE = "school_or_college"
    NHS = "nhs"
    TRAINING_PROVIDER = "training_provider"
    GOVERNMENT = "government"  # a national department, e.g. DWP for housing costs


class OfferStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class LegalStatusName(StrEnum):
    """The statuses a caller may state (Children Act 1989 Schedule 2 para 19B, ss23A, 23C and 24); the
    engine derives them otherwise."""

    ELIGIBLE = "eligible"
    RELEVANT = "relevant"
    FORMER_RELEVANT = "former_relevant"
    QUALIFYING = "qualifying"


class ImmigrationStatus(StrEnum):
    BRITISH_OR_IRISH = "british_or_irish"
    SETTLED = "settled"
    REFUGEE_OR_HUMANITARIAN_PROTECTION = "refugee_or_humanitarian_protection"
    LEAVE_WITH_RECOURSE_TO_PUBLIC_FUNDS = "leave_with_recourse_to_public_funds"
    LEAVE_NO_RECOURSE_TO_PUBLIC_FUNDS = "leave_no_recourse_to_public_funds"
    AWAITING_HOME_OFFICE_DECISION = "awaiting_home_office_decision"


class University(StrEnum):
    NOTTINGHAM_TRENT_UNIVERSITY = "nottingham_trent_university"
    UNIVERSITY_OF_NOTTINGHAM = "university_of_nottingham"
    OTHER = "other"
