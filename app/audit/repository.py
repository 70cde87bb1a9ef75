from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.models import AuditEvent, AuditEventSubject
from app.db.pagination import Position, SortKey, Window, keyset_page

NEWEST_FIRST = SortKey("-occurred_at", (AuditEvent.occurred_at, AuditEvent.id), descending=True)
_SUBJECTS_SHOWN = 100


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(
        self,
        *,
        local_authority_id: uuid.UUID,
        care_leaver_id: uuid.UUID | None = None,
        actor_id: uuid.UUID | None = None,
        action: AuditAction | None = None,
        occurred_from: datetime | None = None,
        occurred_to: datetime | None = None,
        exclude_actor_id: uuid.UUID | None = None,
        limit: int,
        cursor: Position | None,
    ) -> Window[AuditEvent]:
        stmt = select(AuditEvent).where(AuditEvent.local_authority_id == local_authority_id)
        if care_leaver_id is not None:
            stmt = stmt.join(AuditEventSubject, AuditEventSubject.event_id == AuditEvent.id).where(
                AuditEventSubject.care_leaver_id == care_leaver_id
            )
        if actor_id is not None:
            stmt = stmt.where(AuditEvent.actor_id == actor_id)
        if exclude_actor_id is not None:
            stmt = stmt.where((AuditEvent.actor_id != exclude_actor_id) | AuditEvent.actor_id.is_(None))
        if action is not None:
            stmt = stmt.where(AuditEvent.action == action)
        if occurred_from is not None:
            stmt = stmt.where(AuditEvent.occurred_at >= occurred_from)
        if occurred_to is not None:
            stmt = stmt.where(AuditEvent.occurred_at <= occurred_to)
        return await keyset_page(self.session, stmt, NEWEST_FIRST, limit=limit, cursor=cursor)

    async def has_event(
        self, *, actor_id: uuid.UUID, action: AuditAction, resource_type: str, resource_id: str
    ) -> bool:
        """Whether this actor did this to this resource (e.g. who published a version of an offer)."""
        stmt = (
            select(AuditEvent.id)
            .where(
                AuditEvent.actor_id == actor_id,
                AuditEvent.action == action,
                AuditEvent.resource_type == resource_type,
                AuditEvent.resource_id == resource_id,
            )
            .limit(1)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def subjects_of(self, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """The people each event is about, for a page of events in one query."""
        if not event_ids:
            return {}
        stmt = select(AuditEventSubject.event_id, AuditEventSubject.care_leaver_id).where(
            AuditEventSubject.event_id.in_(event_ids)
        )
        subjects: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for event_id, care_leaver_id in (await self.session.execute(stmt)).all():
            if len(subjects[event_id]) < _SUBJECTS_SHOWN:
                subjects[event_id].append(care_leaver_id)
        return subjects
