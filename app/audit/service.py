"""Recording audit events. Every person-level read or change calls `record` in its unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
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


async def record(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    *,
    resource_id: uuid.UUID | str | None = None,
    subjects: Iterable[uuid.UUID] = (),
    local_authority_id: uuid.UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    details: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Add one event (and its subject links) to the session; it commits or rolls back with the change."""
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


def record_even_if_rolled_back(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    resource_type: str,
    **kwargs: Any,
) -> None:
    """For events about a failure (a refused sign-in, a denied read): written after the rollback."""

    async def write(fresh: AsyncSession) -> None:
        await record(fresh, actor, action, resource_type, **kwargs)

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
    await record(
        session,
        viewer,
        AuditAction.READ,
        "access_log",
        resource_id=care_leaver_id,
        subjects=[care_leaver_id],
        local_authority_id=local_authority_id,
    )
    return window
