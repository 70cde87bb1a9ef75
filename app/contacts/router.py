"""The contact log, call-back requests, the overdue list and contact policies over HTTP. Thin handlers:
who may call each operation is declared here; which person and which fields, in the services."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.api.conditional import IfNoneMatch, PrivateRead, if_match_header
from app.api.deps import IdempotencyKey, SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, LaAdmin, Staff, StaffOrSelf
from app.contacts import call_backs, policies, service
from app.contacts.enums import ContactOutcome, ContactRequestStatus
from app.contacts.repository import ContactFilters
from app.contacts.schemas import (
    BoundedDate,
    ContactActionRead,
    ContactActionUpdate,
    ContactAmend,
    ContactCreate,
    ContactDetail,
    ContactPolicyRead,
    ContactPolicyWrite,
    ContactRead,
    ContactRequestCreate,
    ContactRequestRead,
    ContactRequestUpdate,
    OverdueContactRead,
)
from app.db.idempotency import fingerprint, run_once

router = APIRouter(prefix="/v1", tags=["Contacts"])


OccurredFrom = Annotated[BoundedDate | None, Query(description="On or after this day (UK time)")]
OccurredTo = Annotated[BoundedDate | None, Query(description="On or before this day (UK time)")]
Outcome = Annotated[ContactOutcome | None, Query(description="Only seen, spoken or attempt")]
IfMatch = Annotated[str | None, if_match_header("the entry's ETag as you last read it", '"1"')]
_ETAG: dict[str, Any] = {
    "ETag": {"description": "The entry's version, for If-Match", "schema": {"type": "string"}}
}
_ENTRY = "/care-leavers/{care_leaver_id:uuid}/contacts/{contact_id:uuid}"


@router.get(
    "/care-leavers/{care_leaver_id:uuid}/contacts",
    summary="A young person's contact log",
    responses=problem_responses(401, 403, 404),
)
async def list_contacts(
    care_leaver_id: uuid.UUID,
    request: Request,
    response: Response,
    principal: StaffOrSelf,
    session: SessionDep,
    occurred_from: OccurredFrom = None,
    occurred_to: OccurredTo = None,
    outcome: Outcome = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[ContactRead]:
    """Newest first, each entry as it stands after any amendment. The young person may read their own
    log: when, how, whether they were reached and by which role; never the purpose or summary."""
    listing = open_list(request, principal.user_id, cursor)
    filters = ContactFilters(occurred_from=occurred_from, occurred_to=occurred_to, outcome=outcome)
    window = await service.list_contacts(
        session, principal, care_leaver_id, filters, limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


@router.post(
    "/care-leavers/{care_leaver_id:uuid}/contacts",
    summary="Record a contact",
    status_code=201,
    responses={201: {"headers": _ETAG}, **problem_responses(401, 403, 404, 409)},
)
async def record_contact(
    care_leaver_id: uuid.UUID,
    body: ContactCreate,
    principal: Staff,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ContactDetail:
    """Any staff who may read the young person records contacts: their adviser, a colleague covering or on
    duty, their manager, an admin. Only `seen` and `spoken` count towards the contact policy; an `attempt`
    never resets the clock. With `answers_request_id`, the call-back request is answered. With an
    `Idempotency-Key`, a retry (a phone that lost the answer) returns the entry the first request made."""
    detail, etag = await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "record_contact",
        fingerprint(str(care_leaver_id), body.model_dump(mode="json")),
        create=lambda: service.record_contact(session, principal, care_leaver_id, body),
        load=lambda entry_id: service.get_contact(session, principal, care_leaver_id, entry_id),
        id_of=lambda result: result[0].id,
    )
    response.headers["Location"] = f"/v1/care-leavers/{care_leaver_id}/contacts/{detail.id}"
    response.headers["ETag"] = etag
    return detail


@router.get(
    _ENTRY,
    summary="One contact, with its earlier versions",
    responses={200: {"headers": _ETAG}, **problem_responses(401, 403, 404)},
)
async def get_contact(
    care_leaver_id: uuid.UUID,
    contact_id: uuid.UUID,
    principal: StaffOrSelf,
    session: SessionDep,
    response: Response,
) -> ContactDetail:
    """The entry as it stands and, for staff, every earlier version exactly as written. The ETag is what
    an amendment sends as If-Match."""
    detail, etag = await service.get_contact(session, principal, care_leaver_id, contact_id)
    response.headers["ETag"] = etag
    return detail


@router.patch(
    _ENTRY,
    summary="Amend a contact",
    responses={200: {"headers": _ETAG}, **problem_responses(401, 403, 404, 412, 428)},
)
async def amend_contact(
    care_leaver_id: uuid.UUID,
    contact_id: uuid.UUID,
    body: ContactAmend,
    principal: Staff,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> ContactDetail:
    """Adds a new version with the fields given and the reason; the log never loses what was first
    written (Care Leavers (England) Regulations 2010 reg 8). Its author, the team manager or an admin."""
    detail, etag = await service.amend_contact(session, principal, care_leaver_id, contact_id, body, if_match)
    response.headers["ETag"] = etag
    return detail


@router.patch(
    "/contact-actions/{action_id:uuid}",
    summary="Mark a follow-up action done",
    responses=problem_responses(401, 403, 404),
)
async def update_contact_action(
    action_id: uuid.UUID, body: ContactActionUpdate, principal: Staff, session: SessionDep
) -> ContactActionRead:
    """Record the day it was done, or null if it was not done after all. Staff who may read the young person."""
    return await service.update_action(session, principal, action_id, body)


MY_CONTACTS = PrivateRead(Page[ContactRead])


@router.get(
    "/me/contacts",
    summary="My contacts with my adviser",
    response_model=Page[ContactRead],
    responses={**MY_CONTACTS.doc(), **problem_responses(401, 403)},
)
async def list_my_contacts(
    request: Request,
    response: Response,
    principal: CareLeaverSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Newest first: when and how you were in touch, or someone tried to reach you, and their role."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_contacts(
        session,
        principal,
        call_backs.own_record(principal),
        ContactFilters(),
        limit=limit,
        cursor=listing.after,
    )
    return MY_CONTACTS.answer(listing.page(response, window, limit), if_none_match, response)


@router.post(
    "/me/contact-requests",
    summary="Ask my adviser to call me back",
    status_code=201,
    responses=problem_responses(401, 403, 404, 409),
)
async def request_call_back(
    body: ContactRequestCreate, principal: CareLeaverSelf, session: SessionDep
) -> ContactRequestRead:
    """Your adviser and their team see it until they get back to you. One request at a time: withdraw it
    to ask for another time."""
    return await call_backs.request_call_back(session, principal, body)


MY_CALL_BACKS = PrivateRead(Page[ContactRequestRead])


@router.get(
    "/me/contact-requests",
    summary="My call-back requests",
    response_model=Page[ContactRequestRead],
    responses={**MY_CALL_BACKS.doc(), **problem_responses(401, 403)},
)
async def list_my_call_backs(
    request: Request,
    response: Response,
    principal: CareLeaverSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Newest first, with whether each was answered."""
    listing = open_list(request, principal.user_id, cursor)
    window = await call_backs.list_call_backs(
        session, principal, call_backs.own_record(principal), None, limit=limit, cursor=listing.after
    )
    return MY_CALL_BACKS.answer(listing.page(response, window, limit), if_none_match, response)


@router.get(
    "/care-leavers/{care_leaver_id:uuid}/contact-requests",
    summary="A young person's call-back requests",
    responses=problem_responses(401, 403, 404),
)
async def list_call_backs(
    care_leaver_id: uuid.UUID,
    request: Request,
    response: Response,
    principal: StaffOrSelf,
    session: SessionDep,
    status: Annotated[
        ContactRequestStatus | None, Query(description="Only open, answered or withdrawn")
    ] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[ContactRequestRead]:
    """Newest first. Open ones are waiting for their adviser or the team to get in touch."""
    listing = open_list(request, principal.user_id, cursor)
    window = await call_backs.list_call_backs(
        session, principal, care_leaver_id, status, limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


@router.patch(
    "/contact-requests/{request_id:uuid}",
    summary="Answer or withdraw a call-back request",
    responses=problem_responses(401, 403, 404, 409),
)
async def update_call_back(
    request_id: uuid.UUID, body: ContactRequestUpdate, principal: StaffOrSelf, session: SessionDep
) -> ContactRequestRead:
    """Staff mark it `answered` (recording a contact with `answers_request_id` does this too); the young
    person may mark their own `withdrawn`. Sending the status it already has changes nothing."""
    return await call_backs.update_call_back(session, principal, request_id, body)


@router.get(
    "/contacts/overdue", summary="Young people overdue a contact", responses=problem_responses(401, 403)
)
async def list_overdue_contacts(
    request: Request,
    response: Response,
    principal: Staff,
    session: SessionDep,
    team_id: Annotated[
        uuid.UUID | None, Query(description="Only those whose adviser is in this team")
    ] = None,
    adviser_id: Annotated[
        uuid.UUID | None, Query(description="Only this personal adviser's caseload")
    ] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[OverdueContactRead]:
    """Most overdue first, with days overdue, by the council's contact policy: an adviser sees their caseload
    and team, a manager their team and the unallocated, an admin the council."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_overdue(
        session, principal, team_id=team_id, adviser_id=adviser_id, limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


@router.get("/contact-policies", summary="My council's contact policy", responses=problem_responses(401, 403))
async def get_contact_policy(principal: Staff, session: SessionDep) -> ContactPolicyRead:
    """How often care leavers must be seen or spoken to, by age, with each figure's source."""
    return await policies.get_policy(session, principal)


@router.put(
    "/contact-policies", summary="Replace my council's contact policy", responses=problem_responses(401, 403)
)
async def replace_contact_policy(
    body: ContactPolicyWrite, principal: LaAdmin, session: SessionDep
) -> ContactPolicyRead:
    """The whole set of bands (they may not overlap). Every due date in the council is recomputed at once;
    the bands replaced stay on record."""
    return await policies.replace_policy(session, principal, body)
