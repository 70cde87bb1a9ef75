"""The words of the care-leaver record, with their sources."""

from enum import StrEnum


class RecordStatus(StrEnum):
    """Legal status (STATUTE.md section 1; Children Act 1989 ss19B, 23A, 23C, 23CA, 23CZB, 24)."""

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
