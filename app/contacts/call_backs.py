"""Call-back requests: a young person asks their adviser to get in touch, with a time that suits them.

The request stays open, and counts in their adviser's caseload, until a contact in which they were
seen or spoken to answers it, staff mark it answered, or the young person withdraws it.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.enums import Role
from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.service import advisers_by_id, load_for_read
from app.contacts.enums import ContactRequestStatus
from app.contacts.errors import ContactRequestAlreadyOpen, ContactRequestClosed, ContactRequestNotFound
from app.contacts.models import ContactRequest
from app.contacts.repository import ContactRepository
from app.contacts.schemas import ContactRequestCreate, ContactRequestRead, ContactRequestUpdate
from app.contacts.service import reads_as_staff
from app.contacts.views import staff_ref
from app.core.clock import utc_now
from app.core.errors import InvalidInput, field_error
from app.db.pagination import Position, Window
from app.db.session import insert_or_raise

RESOURCE = "contact_request"


def own_record(principal: Principal) -> uuid.UUID:
    """The care-leaver record a young person's account belongs to."""
    if principal.care_leaver_id is None:
        raise CareLeaverNotFound("Your account is not linked to a care-leaver record.")
    return principal.care_leaver_id


def _read(
    request: ContactRequest, answering: dict[uuid.UUID, uuid.UUID], users: dict[uuid.UUID, UserAccount]
) -> ContactRequestRead:
    return ContactRequestRead(
        id=request.id,
        care_leaver_id=request.care_leaver_id,
        window_starts_at=request.window_starts_at,
        window_ends_at=request.window_ends_at,
        preferred_method=request.preferred_method,
        message=request.message,
        status=request.status,
        requested_at=request.requested_at,
        answered_at=request.answered_at,
        answered_by=staff_ref(users, request.answered_by),
        answered_by_contact_id=answering.get(request.id),
        withdrawn_at=request.withdrawn_at,
    )


async def _reads(session: AsyncSession, requests: list[ContactRequest]) -> list[ContactRequestRead]:
    answering = await ContactRepository(session).answering_entries([r.id for r in requests])
    users = await advisers_by_id(session, {r.answered_by for r in requests if r.answered_by is not None})
    return [_read(r, answering, users) for r in requests]


async def request_call_back(
    session: AsyncSession, principal: Principal, body: ContactRequestCreate
) -> ContactRequestRead:
    person, _ = await load_for_read(session, principal, own_record(principal))
    if body.window_ends_at < body.window_starts_at:
        raise InvalidInput(
            "The time window must not end before it starts.",
            errors=[field_error("window_ends_at", "must not be before window_starts_at")],
        )
    already = ContactRequestAlreadyOpen(
        "Your adviser already has a call-back request from you; withdraw it to ask for another time."
    )
    if await ContactRepository(session).open_request(person.id) is not None:
        raise already
    request = ContactRequest(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        window_starts_at=body.window_starts_at,
        window_ends_at=body.window_ends_at,
        preferred_method=body.preferred_method,
        message=body.message,
        status=ContactRequestStatus.OPEN,
        requested_at=utc_now(),
    )
    await insert_or_raise(
        session, request, already
    )  # the same request sent twice at once (two devices, a retry)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        RESOURCE,
        [person],
        resource_id=request.id,
    )
    return _read(request, {}, {})


async def list_call_backs(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    status: ContactRequestStatus | None,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[ContactRequestRead]:
    person, _ = await load_for_read(session, principal, care_leaver_id)
    window = await ContactRepository(session).page_requests(person.id, status, limit=limit, cursor=cursor)
    reads = await _reads(session, window.items)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        RESOURCE,
        [person],
        details={"count": len(reads)},
    )
    return Window(items=reads, next=window.next)


async def update_call_back(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, body: ContactRequestUpdate
) -> ContactRequestRead:
    """Staff who may read the young person mark it answered; the young person may withdraw their own.
    Setting the status it already has changes nothing."""
    not_found = ContactRequestNotFound("No call-back request with that id is yours to see.")
    request = await ContactRepository(session).request(request_id)
    if request is None:
        raise not_found
    try:
        person, scope = await load_for_read(session, principal, request.care_leaver_id)
    except CareLeaverNotFound as exc:
        raise not_found from exc
    if body.status is ContactRequestStatus.ANSWERED and not reads_as_staff(principal, scope):
        raise InvalidInput(
            "Your adviser marks a request answered; you can withdraw it.",
            errors=[field_error("status", "only staff mark a request answered")],
        )
    young_person = principal.has(Role.CARE_LEAVER) and principal.care_leaver_id == request.care_leaver_id
    if body.status is ContactRequestStatus.WITHDRAWN and not young_person:
        raise InvalidInput(
            "Only the young person withdraws their request; record a contact or mark it answered.",
            errors=[field_error("status", "only the young person withdraws their request")],
        )
    if request.status is not body.status:
        if request.status is not ContactRequestStatus.OPEN:
            raise ContactRequestClosed(f"This call-back request is already {request.status.value}.")
        _close(request, body.status, principal)
        await session.flush()
        await record_about(
            session,
            principal.as_actor(),
            AuditAction.UPDATE,
            RESOURCE,
            [person],
            resource_id=request.id,
            details={"status": body.status.value},
        )
    (read,) = await _reads(session, [request])
    return read


def _close(request: ContactRequest, status: ContactRequestStatus, principal: Principal) -> None:
    request.status = status
    if status is ContactRequestStatus.ANSWERED:
        request.answered_at = utc_now()
        request.answered_by = principal.user_id
    else:
        request.withdrawn_at = utc_now()
