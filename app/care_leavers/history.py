"""The record's history: legal status (derived and overridden), dated circumstances, case closure."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.enums import Role
from app.auth.principal import Principal
from app.care_leavers import hooks
from app.care_leavers.care_history import Episode
from app.care_leavers.circumstances import (
    CircumstanceEntry,
    ResidenceEntry,
    check_against_person,
    details_of,
    in_education_or_training,
)
from app.care_leavers.enums import CircumstanceKind, ClosureReason, RecordStatus
from app.care_leavers.episode_repository import EpisodeRepository, to_episode
from app.care_leavers.episode_status import decide_from_episodes, history_on
from app.care_leavers.errors import ReadOnlyAccess
from app.care_leavers.legal_status import CareHistory, StatusDecision, decide_status
from app.care_leavers.models import CareLeaver, Circumstance, LegalStatusOverride
from app.care_leavers.repository import CareLeaverRepository
from app.core.clock import UK, uk_today, utc_now
from app.core.dates import birthday
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
    if errors := check_counters(person, uk_today()):
        raise InvalidInput("More weeks looked after than have passed since that birthday.", errors=errors)


def check_counters(person: CareLeaver, today: date) -> list[dict[str, str]]:
    """Weeks looked after cannot exceed the weeks lived since the birthday they count from (a
    14-year-old cannot have 100 weeks since 14), up to leaving care (or today)."""
    until = person.left_care_on if person.left_care_on and not person.still_looked_after else today
    until = min(until, today)
    errors = []
    for name, age in (("weeks_looked_after_since_14", 14), ("weeks_looked_after_after_16", 16)):
        weeks: int | None = getattr(person, name)
        possible = max(0, (until - birthday(person.date_of_birth, age)).days // 7)
        if weeks is not None and weeks > possible:
            errors.append(
                field_error(
                    name,
                    f"at most {possible}: the weeks from the {age}th birthday to "
                    f"{'leaving care' if until < today else 'today'}",
                )
            )
    return errors


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
    episodes: list[Episode],
) -> StatusDecision:
    override = _override_on(overrides, on)
    education = in_education_or_training({k: e.details for k, e in snapshot.items()})
    given = (RecordStatus(override.status), override.reason) if override else None
    if episodes:
        return decide_from_episodes(
            person.date_of_birth, episodes, on, in_education_or_training=education, override=given
        )
    # A record with no episodes (made outside the API, never converted): its fields are the history.
    return decide_status(_history(person), on, in_education_or_training=education, override=given)


async def episodes_of(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Episode]]:
    rows = await EpisodeRepository(session).current(ids)
    return {i: [to_episode(r) for r in found] for i, found in rows.items()}


async def care_history_on(session: AsyncSession, person: CareLeaver, on: date) -> CareHistory:
    """The care history as it stood on `on`: from the episodes, or the record's own fields without any."""
    episodes = (await episodes_of(session, [person.id]))[person.id]
    return history_on(person.date_of_birth, episodes, on)[0] if episodes else _history(person)


def _keep_fields_derived(person: CareLeaver, episodes: list[Episode], today: date) -> None:
    """The record's care-history fields, for lists and older clients: derived from the episodes today."""
    if not episodes:
        return
    _, facts = history_on(person.date_of_birth, episodes, today)
    person.still_looked_after = facts.still_looked_after
    person.left_care_on = facts.left_care_on
    person.entered_care_on = facts.entered_care_on
    person.weeks_looked_after_since_14 = facts.weeks_since_14
    person.weeks_looked_after_after_16 = facts.weeks_after_16


def decide_loaded(
    person: CareLeaver,
    on: date,
    snapshot: dict[CircumstanceKind, Circumstance],
    overrides: list[LegalStatusOverride],
    episodes: list[Episode],
) -> StatusDecision:
    """`decide` for a caller that has loaded the snapshot, overrides and episodes itself (the stored
    decisions walk many dates of one person without a query per date)."""
    return _decide(person, on, snapshot, overrides, episodes)


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
    episodes = (await episodes_of(session, [person.id]))[person.id]
    return _decide(person, on, snapshot, overrides, episodes)


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
    episodes = await episodes_of(session, ids)
    decisions = {}
    for person in people:
        _keep_fields_derived(person, episodes[person.id], today)
        decision = _decide(person, today, snapshots[person.id], overrides[person.id], episodes[person.id])
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
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "circumstance",
        [person],
        resource_id=row.id,
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
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "legal_status",
        [person],
        resource_id=person.id,
        details={"override": status.value},
    )
    return decision


async def end_override(session: AsyncSession, principal: Principal, person: CareLeaver) -> StatusDecision:
    current = await CareLeaverRepository(session).active_override(person.id)
    if current is not None:
        current.ended_at = utc_now()
        await session.flush()
        await record_about(
            session,
            principal.as_actor(),
            AuditAction.UPDATE,
            "legal_status",
            [person],
            resource_id=person.id,
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
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "case_closure",
        [person],
        resource_id=person.id,
        details=details,
    )
