"""Recording audit events in the unit of work of the read or change they describe.

An event about young people goes through `record_about`, which takes the people themselves: their ids feed each
one's access log (UK GDPR Art. 15 right of access), and the council the event is filed under comes from them, so
no use case can name a person yet file the event where that person's access log does not look. `record` is for
events that concern no young person (accounts, teams, sign-in, the audit trail itself)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Uuid, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.models import AuditEvent, AuditEventSubject
from app.audit.repository import AuditRepository
from app.core.clock import utc_now
from app.core.logging import request_id_var
from app.core.types import uuid7
from app.db.pagination import Position, Window
from app.db.session import after_rollback


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it, as the audit trail records them: role and organisation, never a password or token."""

    id: uuid.UUID | None
    kind: str
    role: str | None
    organisation: str | None


ANONYMOUS = Actor(id=None, kind="anonymous", role=None, organisation=None)


class Person(Protocol):
    """Anything that names one young person and their council: a `CareLeaver` row, a row about them (a plan, a
    request), or `Concerned`. Named by `care_leaver_id`, not `id`: every row has an `id`, and a plan's is no
    person's."""

    @property
    def care_leaver_id(self) -> uuid.UUID: ...

    @property
    def local_authority_id(self) -> uuid.UUID: ...


@dataclass(frozen=True, slots=True)
class Concerned:
    """A young person known only by id (from an account, a query's row), with their council."""

    care_leaver_id: uuid.UUID
    local_authority_id: uuid.UUID


class MixedCouncils(ValueError):
    """One event was given people filed under different councils, or under another council than it names."""


def _council_of(people: Sequence[Person], named: uuid.UUID | None) -> uuid.UUID | None:
    councils = {p.local_authority_id for p in people}
    if not councils:
        return named
    if len(councils) > 1 or (named is not None and named not in councils):
        # The access log reads a council's events only: an event filed elsewhere would be invisible to the person.
        raise MixedCouncils(f"an audit event names people of {len(councils | {named} - {None})} councils")
    return councils.pop()


async def record(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    *,
    resource_id: uuid.UUID | str | None = None,
    local_authority_id: uuid.UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Add one event that concerns no young person to the session; it commits or rolls back with the change."""
    return await _add(
        session, actor, action, resource_type, (), resource_id, local_authority_id, outcome, details
    )


async def record_about(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    people: Sequence[Person],
    *,
    resource_id: uuid.UUID | str | None = None,
    local_authority_id: uuid.UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Add one event about `people` (and its links to each of them) to the session, filed under their council.

    `local_authority_id` is needed only when `people` is empty (an empty page); given with people, it must be
    theirs. People of two councils in one event raise `MixedCouncils`."""
    council = _council_of(people, local_authority_id)
    ids = [p.care_leaver_id for p in people]
    return await _add(session, actor, action, resource_type, ids, resource_id, council, outcome, details)


async def _add(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    subjects: Sequence[uuid.UUID],
    resource_id: uuid.UUID | str | None,
    local_authority_id: uuid.UUID | None,
    outcome: AuditOutcome,
    details: dict[str, Any] | None,
) -> uuid.UUID:
    event_id = uuid7()
    people = list(dict.fromkeys(subjects))  # de-duplicated, order kept
    session.add(
        AuditEvent(
            id=event_id,
            occurred_at=utc_now(),
            request_id=request_id_var.get(),
            actor_id=actor.id,
            actor_kind=actor.kind,
            actor_role=actor.role,
            actor_organisation=actor.organisation,
            action=action,
            resource_type=resource_type,
            resource_id=str(resource_id) if resource_id is not None else None,
            local_authority_id=local_authority_id,
            outcome=outcome,
            subject_count=len(people),
            details=details or {},
        )
    )
    if people:
        # Core insert: a list of 100 people is one statement, not 100 ORM objects.
        await session.flush()
        await session.execute(
            insert(AuditEventSubject), [{"event_id": event_id, "care_leaver_id": p} for p in people]
        )
    return event_id


async def record_about_evenly(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    people: Sequence[Person],
    *,
    local_authority_id: uuid.UUID,
    details: dict[str, Any] | None = None,
) -> uuid.UUID:
    """As `record_about`, in the same statements whether `people` is empty or not: for an answer whose
    timing must not tell whether anyone matched (a partner's status check). The event is flushed, then
    its links inserted by one INSERT ... SELECT, which selects no row when there is nobody."""
    council = _council_of(people, local_authority_id)
    ids = list(dict.fromkeys(p.care_leaver_id for p in people))
    if len(ids) > 1:
        return await _add(
            session, actor, action, resource_type, ids, None, council, AuditOutcome.SUCCESS, details
        )
    event_id = uuid7()
    session.add(
        AuditEvent(
            id=event_id,
            occurred_at=utc_now(),
            request_id=request_id_var.get(),
            actor_id=actor.id,
            actor_kind=actor.kind,
            actor_role=actor.role,
            actor_organisation=actor.organisation,
            action=action,
            resource_type=resource_type,
            local_authority_id=council,
            outcome=AuditOutcome.SUCCESS,
            subject_count=len(ids),
            details=details or {},
        )
    )
    await session.flush()
    subject = ids[0] if ids else uuid.UUID(int=0)
    await session.execute(
        insert(AuditEventSubject).from_select(
            ["event_id", "care_leaver_id"],
            select(AuditEvent.id, literal(subject, Uuid)).where(
                AuditEvent.id == event_id, literal(bool(ids))
            ),
        )
    )
    return event_id


def record_even_if_rolled_back(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    *,
    people: Sequence[Person] = (),
    resource_id: uuid.UUID | str | None = None,
    local_authority_id: uuid.UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> None:
    """For events about a failure (a refused sign-in, a denied read): written after the rollback, about `people`
    (as `record_about`) if it concerns any."""
    council = _council_of(people, local_authority_id)  # checked now, in the use case, not after the rollback
    ids = [p.care_leaver_id for p in people]

    async def write(fresh: AsyncSession) -> None:
        await _add(fresh, actor, action, resource_type, ids, resource_id, council, outcome, details)

    after_rollback(session, write)


async def list_events(
    session: AsyncSession,
    viewer: Actor,
    local_authority_id: uuid.UUID,
    *,
    limit: int,
    cursor: Position | None,
    **filters: Any,
) -> tuple[Window[AuditEvent], dict[uuid.UUID, list[uuid.UUID]]]:
    """A council's audit trail for its admin; reading it is itself recorded."""
    repo = AuditRepository(session)
    window = await repo.page(local_authority_id=local_authority_id, limit=limit, cursor=cursor, **filters)
    subjects = await repo.subjects_of([e.id for e in window.items])
    await record(
        session,
        viewer,
        AuditAction.LIST,
        "audit_event",
        local_authority_id=local_authority_id,
        details={"count": len(window.items), "filters": sorted(k for k, v in filters.items() if v)},
    )
    return window, subjects


async def access_log(
    session: AsyncSession,
    viewer: Actor,
    local_authority_id: uuid.UUID,
    care_leaver_id: uuid.UUID,
    *,
    include_own: bool,
    limit: int,
    cursor: Position | None,
) -> Window[AuditEvent]:
    """Who looked at or changed a young person's record, for the young person themself."""
    window = await AuditRepository(session).page(
        local_authority_id=local_authority_id,
        care_leaver_id=care_leaver_id,
        exclude_actor_id=None if include_own else viewer.id,
        limit=limit,
        cursor=cursor,
    )
    await record_about(
        session,
        viewer,
        AuditAction.READ,
        "access_log",
        [Concerned(care_leaver_id, local_authority_id)],
        resource_id=care_leaver_id,
    )
    return window
