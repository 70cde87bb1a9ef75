"""The words of the care-leaver record, with their sources."""

from enum import StrEnum


class RecordStatus(StrEnum):
    """Legal status (Children Act 1989 Schedule 2 para 19B, ss23A, 23C, 23CA, 23CZB and 24)."""

    ELIGIBLE = "eligible"
    RELEVANT = "relevant"
    FORMER_RELEVANT = "former_relevant"
    # A former relevant young person of 21 to 24 on a course or training (continuing or returning).
    FORMER_RELEVANT_IN_EDUCATION = "former_relevant_in_education"
    QUALIFYING = "qualifying"
    NOT_A_CARE_LEAVER = "not_a_care_leaver"  # no leaving-care status on that date (too young, or 25)


class ContactMethod(StrEnum):
    FACE_TO_FACE_HOME = "face_to_face_home"
    FACE_TO_FACE_ELSEWHERE = "face_to_face_elsewhere"
    PHONE = "phone"
    TEXT = "text"
    WHATSAPP = "whatsapp"
    VIDEO = "video"
    EMAIL = "email"
    LETTER = "letter"


class ClosureReason(StrEnum):
    REACHED_25 = "reached_25"
    MOVED_AWAY = "moved_away"
    DIED = "died"
    DECLINED_SUPPORT = "declined_support"
    RETURNED_HOME = "returned_home"  # SSDA903 RHOM: home to parents for six months or more
    NO_LONGER_REQUIRES_SERVICES = "no_longer_requires_services"  # SSDA903 NREQ


class CircumstanceKind(StrEnum):
    RESIDENCE = "residence"
    ACTIVITY = "activity"
    HIGHER_EDUCATION = "higher_education"
    WORK_HOURS = "work_hours"
    STAYING_PUT = "staying_put"
    IMMIGRATION_STATUS = "immigration_status"
    PARENTHOOD = "parenthood"


class SupportRequestStatus(StrEnum):
    OPEN = "open"
    ALLOCATED = "allocated"  # an adviser was allocated
    WITHDRAWN = "withdrawn"  # the young person changed their mind


class Accommodation(StrEnum):
    """ACCOM letters of the Department for Education's SSDA903 return; suitability is recorded separately."""

    PARENTS_OR_RELATIVES = "B"
    COMMUNITY_HOME = "C"
    SEMI_INDEPENDENT = "D"
    SUPPORTED_LODGINGS = "E"
    GONE_ABROAD = "G"
    DEPORTED = "H"
    ORDINARY_LODGINGS = "K"
    NOT_KNOWN = "R"
    NO_FIXED_ABODE = "S"
    FOYER = "T"
    INDEPENDENT_LIVING = "U"
    EMERGENCY = "V"
    BED_AND_BREAKFAST = "W"
    CUSTODY = "X"
    OTHER = "Y"
    FORMER_FOSTER_CARERS = "Z"
    NO_INFORMATION = "0"


class Activity(StrEnum):
    """ACTIV codes of the Department for Education's SSDA903 return: F full-time, P part-time, G not in EET."""

    HIGHER_EDUCATION_FULL_TIME = "F1"
    HIGHER_EDUCATION_PART_TIME = "P1"
    OTHER_EDUCATION_FULL_TIME = "F2"
    OTHER_EDUCATION_PART_TIME = "P2"
    APPRENTICESHIP_FULL_TIME = "F4"
    APPRENTICESHIP_PART_TIME = "P4"
    TRAINING_OR_EMPLOYMENT_FULL_TIME = "F5"
    TRAINING_OR_EMPLOYMENT_PART_TIME = "P5"
    NEET_ILLNESS_OR_DISABILITY = "G4"
    NEET_OTHER = "G5"
    NEET_PREGNANCY_OR_PARENTING = "G6"
    NO_INFORMATION = "0"


# Education or training, for the former relevant status continuing to 25 (CA89 s23CA).
EDUCATION_OR_TRAINING = frozenset(
    {
        Activity.HIGHER_EDUCATION_FULL_TIME,
        Activity.HIGHER_EDUCATION_PART_TIME,
        Activity.OTHER_EDUCATION_FULL_TIME,
        Activity.OTHER_EDUCATION_PART_TIME,
        Activity.APPRENTICESHIP_FULL_TIME,
        Activity.APPRENTICESHIP_PART_TIME,
    }
)
