"""Building the reads of the care-leaver record. Pure: the use cases pass in what was loaded and today's date."""

from __future__ import annotations

from datetime import date

from app.auth.invitations import IssuedInvitation
from app.auth.models import UserAccount
from app.auth.schemas import InvitationRead, InvitedUserRead, UserRead
from app.care_leavers.circumstances import ssda903_accommodation
from app.care_leavers.enums import CircumstanceKind
from app.care_leavers.legal_status import StatusDecision
from app.care_leavers.models import CareLeaver, Circumstance
from app.care_leavers.schemas import (
    AdviserRef,
    CareLeaverRead,
    CircumstanceRead,
    CircumstancesOn,
    LegalStatusRead,
    LegalStatusReason,
)
from app.core.dates import age_on

_RECORD_FIELDS = [
    name for name in CareLeaverRead.model_fields if name not in {"local_authority", "age", "adviser"}
]


def care_leaver_read(
    person: CareLeaver, gss: str, adviser: UserAccount | None, today: date
) -> CareLeaverRead:
    return CareLeaverRead(
        local_authority=gss,
        age=age_on(person.date_of_birth, today),
        adviser=AdviserRef(id=adviser.id, display_name=adviser.display_name) if adviser else None,
        **{name: getattr(person, name) for name in _RECORD_FIELDS},
    )


def status_read(decision: StatusDecision, on: date) -> LegalStatusRead:
    return LegalStatusRead(
        on=on,
        status=decision.status,
        derived=decision.derived,
        overridden=decision.overridden,
        valid_until=decision.valid_until,
        reasons=[LegalStatusReason(code=r.code, text=r.text) for r in decision.reasons],
    )


def circumstance_read(entry: Circumstance) -> CircumstanceRead:
    return CircumstanceRead.model_validate(entry)


def circumstances_on(snapshot: dict[CircumstanceKind, Circumstance], on: date) -> CircumstancesOn:
    """What was true on `on`: each kind's entry in force (or null), residence with its SSDA903 code."""
    fields: dict[str, dict[str, object] | None] = {kind.value: None for kind in CircumstanceKind}
    for kind, entry in snapshot.items():
        shown: dict[str, object] = {**entry.details, "valid_from": entry.valid_from.isoformat()}
        if kind is CircumstanceKind.RESIDENCE:
            shown["ssda903_accommodation"] = ssda903_accommodation(entry.details)
        fields[kind.value] = shown
    return CircumstancesOn.model_validate({"on": on, **fields})


def invited_user_read(user: UserAccount, issued: IssuedInvitation) -> InvitedUserRead:
    read = UserRead.model_validate(user)
    return InvitedUserRead(
        **read.model_dump(), invitation=InvitationRead(code=issued.code, expires_at=issued.expires_at)
    )
