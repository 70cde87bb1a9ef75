"""The words of the contact log. Contact methods are the record's own (`app.care_leavers.enums.ContactMethod`)."""

from enum import StrEnum


class ContactOutcome(StrEnum):
    """Whether the young person was reached. Only `seen` and `spoken` meet the contact policy: a text
    that got no reply is an attempt, however many are sent."""

    SEEN = "seen"  # face to face, or on video
    SPOKEN = "spoken"  # by phone, or a two-way exchange in writing
    ATTEMPT = "attempt"  # no reply, no answer, not in


COUNTING_OUTCOMES = frozenset({ContactOutcome.SEEN, ContactOutcome.SPOKEN})


class ContactInitiator(StrEnum):
    STAFF = "staff"  # their adviser, the duty service or another council worker
    YOUNG_PERSON = "young_person"
    SOMEONE_ELSE = "someone_else"  # a carer, relative or another agency


class ActionOwnerKind(StrEnum):
    YOUNG_PERSON = "young_person"
    ADVISER = "adviser"  # council staff: a named account, or whoever is their adviser
    PARTNER = "partner"  # another organisation, named in `owner_name`


class ContactRequestStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"  # the young person no longer needs it
