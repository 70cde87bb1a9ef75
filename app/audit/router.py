"""The audit trail over HTTP: a council's admin reads it; a young person sees who looked at their record.

Nothing here (or anywhere) updates or deletes an event.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.conditional import IfNoneMatch, PrivateRead
from app.api.deps import SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.audit import service
from app.audit.enums import AuditAction
from app.audit.models import AuditEvent
from app.audit.schemas import AccessLogEntry, ActorRead, AuditEventRead
from app.auth.deps import CareLeaverSelf, LaAdmin
from app.core.schemas import IsoDateTime

router = APIRouter(prefix="/v1", tags=["Audit"])


def _read(event: AuditEvent, subjects: list[uuid.UUID]) -> AuditEventRead:
    return AuditEventRead(
        id=event.id,
        occurred_at=event.occurred_at,
        request_id=event.request_id,
        actor=ActorRead(
            id=event.actor_id,
            kind=event.actor_kind,
            role=event.actor_role,
            organisation=event.actor_organisation,
        ),
        action=event.action,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        care_leaver_ids=subjects,
        subject_count=event.subject_count,
        outcome=event.outcome,
        details=event.details,
    )


@router.get("/audit-events", summary="Read the council's audit trail", responses=problem_responses(401, 403))
async def list_audit_events(
    request: Request,
    response: Response,
    principal: LaAdmin,
    session: SessionDep,
    care_leaver_id: Annotated[uuid.UUID | None, Query(description="Only events about this person")] = None,
    actor_id: Annotated[uuid.UUID | None, Query(description="Only events by this account")] = None,
    action: Annotated[AuditAction | None, Query(description="Only this kind of event")] = None,
    occurred_from: Annotated[
        IsoDateTime | None, Query(description="At or after (ISO 8601 with offset)")
    ] = None,
    occurred_to: Annotated[
        IsoDateTime | None, Query(description="At or before (ISO 8601 with offset)")
    ] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[AuditEventRead]:
    """Newest first. Every read and change of personal data in the council, and every sign-in."""
    assert principal.local_authority_id is not None
    listing = open_list(request, principal.user_id, cursor)
    window, subjects = await service.list_events(
        session,
        principal.as_actor(),
        principal.local_authority_id,
        limit=limit,
        cursor=listing.after,
        care_leaver_id=care_leaver_id,
        actor_id=actor_id,
        action=action,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    return listing.page(response, window.map(lambda e: _read(e, subjects.get(e.id, []))), limit)


MY_ACCESS_LOG = PrivateRead(Page[AccessLogEntry])


@router.get(
    "/me/access-log",
    summary="Who has looked at my record?",
    response_model=Page[AccessLogEntry],
    responses={**MY_ACCESS_LOG.doc(), **problem_responses(401, 403)},
)
async def get_my_access_log(
    request: Request,
    response: Response,
    principal: CareLeaverSelf,
    session: SessionDep,
    include_own: Annotated[bool, Query(description="Include what you did yourself")] = False,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Newest first: when your record was looked at or changed, and by which role and team or organisation."""
    assert principal.local_authority_id is not None and principal.care_leaver_id is not None
    listing = open_list(request, principal.user_id, cursor)
    window = await service.access_log(
        session,
        principal.as_actor(),
        principal.local_authority_id,
        principal.care_leaver_id,
        include_own=include_own,
        limit=limit,
        cursor=listing.after,
    )
    entries = window.map(
        lambda e: AccessLogEntry(
            occurred_at=e.occurred_at,
            action=e.action,
            what=e.resource_type,
            role=e.actor_role,
            organisation=e.actor_organisation,
            outcome=e.outcome,
        )
    )
    return MY_ACCESS_LOG.answer(listing.page(response, entries, limit), if_none_match, response)
