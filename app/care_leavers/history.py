"""The record's history: legal status (derived and overridden), dated circumstances, case closure."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record
from app.auth.enums import Role
from app.auth.principal import Principal
from app.care_leavers import hooks
from app.care_leavers.circumstances import (
    CircumstanceEntry,
    ResidenceEntry,
    check_against_person,
    details_of,
    in_education_or_training,
)
from app.care_leavers.enums import CircumstanceKind, ClosureReason, RecordStatus
from app.care_leavers.errors import ReadOnlyAccess
from app.care_leavers.legal_status import CareHistory, StatusDecision, decide_status
from app.care_leavers.models import CareLeaver, Circumstance, LegalStatusOverride
from app.care_leavers.repository import CareLeaverRepository
from app.core.clock import UK, uk_today, utc_now
from app.core.errors import InvalidInput, field_error


def check_care_history(person: CareLeaver) -> None:
    """A history that cannot be true is refused with the field that breaks it."""
    if person.still_looked_after and person.left_care_on is not None and person.left_care_on <= uk_today():
        raise InvalidInput(
            "Someone still looked after has no leaving date in the past.",
            errors=[field_error("left_care_on", "set still_looked_after to false, or clear this")],
        )
    for name in ("entered_care_on", "left_care_on"):
        value: date | None = getattr(person, name)
        if value is not None and value < person.date_of_birth:
            raise InvalidInput(
                f"{name} is before the date of birth.", errors=[field_error(name, "before birth")]
            )
    if person.entered_care_on and person.left_care_on and person.left_care_on < person.entered_care_on:
        raise InvalidInput(
            "Left care before entering it.", errors=[field_error("left_care_on", "before entered_care_on")]
        )
    since_14, after_16 = person.weeks_looked_after_since_14, person.weeks_looked_after_after_16
    if since_14 is not None and after_16 is not None and after_16 > since_14:
        raise InvalidInput(
            "Weeks after 16 are part of the weeks since 14.",
            errors=[field_error("weeks_looked_after_after_16", "more than weeks_looked_after_since_14")],
        )


def _history(person: CareLeaver) -> CareHistory:
    return CareHistory(
        date_of_birth=person.date_of_birth,
        still_looked_after=person.still_looked_after,
        left_care_on=person.left_care_on,
        weeks_looked_after_since_14=person.weeks_looked_after_since_14,
    )


def _override_on(overrides: list[LegalStatusOverride], on: date) -> LegalStatusOverride | None:
    """The override in force on `on`: recorded on or before that day, and not ended by then."""
    in_force = [
        o
        for o in overrides
        if o.recorded_at.astimezone(UK).date() <= on
        and (o.ended_at is None or o.ended_at.astimezone(UK).date() > on)
    ]
    return in_force[-1] if in_force else None


def _decide(
    person: CareLeaver,
    on: date,
    snapshot: dict[CircumstanceKind, Circumstance],
    overrides: list[LegalStatusOverride],
) -> StatusDecision:
    override = _override_on(overrides, on)
    return decide_status(
        _history(person),
        on,
        in_education_or_training=in_education_or_training({k: e.details for k, e in snapshot.items()}),
        override=(RecordStatus(override.status), override.reason) if override else None,
    )


def decide_loaded(
    person: CareLeaver,
    on: date,
    snapshot: dict[CircumstanceKind, Circumstance],
    overrides: list[LegalStatusOverride],
) -> StatusDecision:
    """`decide` for a caller that has loaded the snapshot and overrides itself (the stored decisions
    walk many dates of one person without a query per date)."""
    return _decide(person, on, snapshot, overrides)


async def decide(
    session: AsyncSession,
    person: CareLeaver,
    on: date,
    snapshot: dict[CircumstanceKind, Circumstance] | None = None,
) -> StatusDecision:
    """The status on any date, with reasons, from the history, circumstances and overrides as they stood then.
    Pass `snapshot` (from `snapshot_on`, for the same date) when the caller has it already."""
    if snapshot is None:
        snapshot = await snapshot_on(session, person, on)
    overrides = (await CareLeaverRepository(session).overrides([person.id]))[person.id]
    return _decide(person, on, snapshot, overrides)


async def refresh_status(session: AsyncSession, person: CareLeaver, today: date) -> StatusDecision:
    """Keep the record's status current: after any change to the history, or when it expires."""
    return (await refresh_statuses(session, [person], today))[person.id]


async def refresh_statuses(
    session: AsyncSession, people: list[CareLeaver], today: date
) -> dict[uuid.UUID, StatusDecision]:
    """The same for many people in two queries (an import, the statuses a birthday has made stale)."""
    repo = CareLeaverRepository(session)
    ids = [p.id for p in people]
    snapshots = await repo.snapshots(ids, today)
    overrides = await repo.overrides(ids)
    decisions = {}
    for person in people:
        decision = _decide(person, today, snapshots[person.id], overrides[person.id])
        person.legal_status, person.legal_status_until = decision.status, decision.valid_until
        decisions[person.id] = decision
    return decisions


async def refresh_stale_statuses(session: AsyncSession, local_authority_id: uuid.UUID, today: date) -> int:
    """Statuses whose day has passed (a birthday) are derived again before a list is read."""
    stale = await CareLeaverRepository(session).stale_statuses(local_authority_id, today)
    if stale:
        await refresh_statuses(session, stale, today)
        await session.flush()  # the list that follows filters on the fresh values
    return len(stale)


async def add_circumstance(
    session: AsyncSession, principal: Principal, person: CareLeaver, entry: CircumstanceEntry
) -> Circumstance:
    today = uk_today()
    check_against_person(entry, person.date_of_birth, today)
    row = Circumstance(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        kind=CircumstanceKind(entry.kind),
        valid_from=entry.valid_from,
        details=details_of(entry),
        recorded_at=utc_now(),
        recorded_by=principal.user_id,
    )
    session.add(row)
    await session.flush()
    if isinstance(entry, ResidenceEntry):
        # The current district decides which district council may see them: keep it current.
        current = await snapshot_on(session, person, today)
        residence = current.get(CircumstanceKind.RESIDENCE)
        person.district_gss_code = residence.details.get("district_gss_code") if residence else None
    await refresh_status(session, person, today)
    await hooks.record_changed(session, person.id)
    await record(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "circumstance",
        resource_id=row.id,
        subjects=[person.id],
        local_authority_id=person.local_authority_id,
        details={"kind": row.kind.value, "valid_from": row.valid_from.isoformat()},
    )
    return row


async def snapshot_on(
    session: AsyncSession, person: CareLeaver, on: date
) -> dict[CircumstanceKind, Circumstance]:
    return (await CareLeaverRepository(session).snapshots([person.id], on))[person.id]


async def set_override(
    session: AsyncSession, principal: Principal, person: CareLeaver, status: RecordStatus, reason: str
) -> StatusDecision:
    repo = CareLeaverRepository(session)
    current = await repo.active_override(person.id)
    now = utc_now()
    if current is not None:
        current.ended_at = now
    session.add(
        LegalStatusOverride(
            local_authority_id=person.local_authority_id,
            care_leaver_id=person.id,
            status=status,
            reason=reason,
            recorded_at=now,
            recorded_by=principal.user_id,
        )
    )
    await session.flush()
    decision = await refresh_status(session, person, uk_today())
    await hooks.record_changed(session, person.id)
    await record(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "legal_status",
        resource_id=person.id,
        subjects=[person.id],
        local_authority_id=person.local_authority_id,
        details={"override": status.value},
    )
    return decision


async def end_override(session: AsyncSession, principal: Principal, person: CareLeaver) -> StatusDecision:
    current = await CareLeaverRepository(session).active_override(person.id)
    if current is not None:
        current.ended_at = utc_now()
        await session.flush()
        await record(
            session,
            principal.as_actor(),
            AuditAction.UPDATE,
            "legal_status",
            resource_id=person.id,
            subjects=[person.id],
            local_authority_id=person.local_authority_id,
            details={"override": None},
        )
    decision = await refresh_status(session, person, uk_today())
    await hooks.record_changed(session, person.id)
    return decision


async def close_case(
    session: AsyncSession, principal: Principal, person: CareLeaver, closed_on: date, reason: ClosureReason
) -> CareLeaver:
    """Closing keeps the record (care records are kept to the 75th birthday: STATUTE.md s7)."""
    _manager_or_admin(principal)
    if closed_on < person.date_of_birth or closed_on > uk_today():
        raise InvalidInput(
            "A case closes on a date between birth and today.",
            errors=[field_error("closed_on", "not between birth and today")],
        )
    person.closed_on, person.closure_reason = closed_on, reason
    await session.flush()
    await hooks.record_changed(session, person.id)  # a closed case has no contact due
    await _audit_closure(
        session, principal, person, {"closed_on": closed_on.isoformat(), "reason": reason.value}
    )
    return person


async def reopen_case(session: AsyncSession, principal: Principal, person: CareLeaver) -> CareLeaver:
    _manager_or_admin(principal)
    person.closed_on, person.closure_reason = None, None
    await session.flush()
    await hooks.record_changed(session, person.id)
    await _audit_closure(session, principal, person, {"reopened": True})
    return person


def _manager_or_admin(principal: Principal) -> None:
    if not principal.has(Role.TEAM_MANAGER, Role.LA_ADMIN):
        raise ReadOnlyAccess("Only a team manager or an admin closes or reopens a case.")


async def _audit_closure(
    session: AsyncSession, principal: Principal, person: CareLeaver, details: dict[str, Any]
) -> None:
    await record(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "case_closure",
        resource_id=person.id,
        subjects=[person.id],
        local_authority_id=person.local_authority_id,
        details=details,
    )
