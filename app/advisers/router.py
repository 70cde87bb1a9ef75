from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.advisers import service
from app.advisers.schemas import (
    AdviserRead,
    AdviserUpdate,
    AllocationCreate,
    AllocationRead,
    CaseloadEntry,
    MyAdviser,
    ServiceContacts,
    SupportRequestCreate,
    SupportRequestRead,
    SupportRequestUpdate,
    UnallocatedYoungPerson,
)
from app.api.conditional import IfNoneMatch, PrivateRead
from app.api.deps import SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, LaAdmin, Manager, Staff, StaffOrSelf, allow
from app.auth.enums import Role
from app.auth.principal import Principal
from app.care_leavers.enums import SupportRequestStatus
from app.local_authorities.schemas import LocalAuthorityRead

router = APIRouter(prefix="/v1", tags=["Personal advisers"])

# Allocating a personal adviser is documented with the care-leaver record it belongs to.
allocations_router = APIRouter(prefix="/v1/care-leavers", tags=["Care leavers"])

# Only a personal adviser has a caseload of their own (a manager or admin asks for an adviser's by id).
PersonalAdviser = Annotated[Principal, Depends(allow(Role.PERSONAL_ADVISER))]


@router.get("/advisers", summary="List personal advisers", responses=problem_responses(401, 403))
async def list_advisers(
    request: Request,
    response: Response,
    principal: Staff,
    session: SessionDep,
    team_id: Annotated[uuid.UUID | None, Query(description="Only this team's advisers")] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[AdviserRead]:
    """Your council's personal advisers, with their teams, working patterns and caseload sizes."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_advisers(session, principal, team_id, limit=limit, cursor=listing.after)
    return listing.page(response, window, limit)


@router.get(
    "/advisers/unallocated-young-people",
    summary="Young people due a personal adviser",
    responses=problem_responses(401, 403),
)
async def list_unallocated_young_people(
    principal: Manager, session: SessionDep
) -> list[UnallocatedYoungPerson]:
    """Still in care, 17¼ or older, with no personal adviser: one must be allocated by 17½. Most urgent first."""
    return await service.unallocated_young_people(session, principal)


AdviserId = Annotated[uuid.UUID, Path(description="The adviser's account id")]


@router.get(
    "/advisers/{adviser_id:uuid}",
    summary="Get a personal adviser",
    responses=problem_responses(401, 403, 404),
)
async def get_adviser(adviser_id: AdviserId, principal: Staff, session: SessionDep) -> AdviserRead:
    """One of your council's advisers."""
    return await service.get_adviser(session, principal, adviser_id)


@router.patch(
    "/advisers/{adviser_id:uuid}",
    summary="Update an adviser's profile",
    responses=problem_responses(401, 403, 404),
)
async def update_adviser(
    adviser_id: AdviserId, body: AdviserUpdate, principal: Staff, session: SessionDep
) -> AdviserRead:
    """Phone, working pattern and job title: by the adviser, their team manager, or an admin."""
    return await service.update_adviser(session, principal, adviser_id, body)


@router.get(
    "/advisers/{adviser_id:uuid}/caseload",
    summary="An adviser's caseload",
    responses=problem_responses(401, 403, 404),
)
async def get_caseload(
    request: Request,
    response: Response,
    adviser_id: AdviserId,
    principal: Staff,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[CaseloadEntry]:
    """Each young person allocated to the adviser, by family name, with their age, status, last contact,
    when contact is next due, open call-back requests, overdue actions and when their pathway plan is
    next reviewed. For the adviser, their team and manager, and admins. The adviser's own details and
    caseload size: `GET /v1/advisers/{adviser_id}`."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.caseload(session, principal, adviser_id, limit=limit, cursor=listing.after)
    return listing.page(response, window, limit)


MY_CASELOAD = PrivateRead(Page[CaseloadEntry])


@router.get(
    "/me/caseload",
    summary="My caseload",
    response_model=Page[CaseloadEntry],
    responses={**MY_CASELOAD.doc(), **problem_responses(401, 403)},
)
async def get_my_caseload(
    request: Request,
    response: Response,
    principal: PersonalAdviser,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """For a personal adviser: the young people allocated to you, exactly as
    `GET /v1/advisers/{adviser_id}/caseload` gives them for your own id (your `adviser_id` in `GET /v1/me`)."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.my_caseload(session, principal, limit=limit, cursor=listing.after)
    return MY_CASELOAD.answer(listing.page(response, window, limit), if_none_match, response)


MY_ADVISER = PrivateRead(MyAdviser)


@router.get(
    "/me/adviser",
    summary="My personal adviser",
    response_model=MyAdviser,
    responses={**MY_ADVISER.doc(), **problem_responses(401, 403)},
)
async def get_my_adviser(
    principal: CareLeaverSelf, session: SessionDep, if_none_match: IfNoneMatch = None
) -> Response:
    """Who your personal adviser is, how and when to reach them, and who to call when they are away."""
    return MY_ADVISER.answer(await service.my_adviser(session, principal), if_none_match)


@router.post(
    "/me/support-requests",
    summary="Ask for a personal adviser",
    status_code=201,
    responses={
        200: {"model": SupportRequestRead, "description": "You had already asked: your open request"},
        **problem_responses(401, 403, 409),
    },
)
async def request_adviser(
    body: SupportRequestCreate, principal: CareLeaverSelf, session: SessionDep, response: Response
) -> SupportRequestRead:
    """From 21 to 25 any care leaver may ask for a personal adviser again (Children Act 1989 s23CZB). The
    request goes to the council's 21-plus queue; asking twice returns the open request."""
    read, created = await service.request_support(session, principal, body.message)
    if not created:
        response.status_code = 200
    return read


@router.get("/support-requests", summary="The 21-plus queue", responses=problem_responses(401, 403))
async def list_support_requests(
    request: Request,
    response: Response,
    principal: Manager,
    session: SessionDep,
    status: Annotated[SupportRequestStatus | None, Query(description="Default: open requests")] = (
        SupportRequestStatus.OPEN
    ),
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[SupportRequestRead]:
    """Care leavers of 21 to 24 who asked for an adviser, oldest first. Allocating an adviser closes a request."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.support_requests(session, principal, status, limit=limit, cursor=listing.after)
    return listing.page(response, window, limit)


@router.patch(
    "/support-requests/{request_id:uuid}",
    summary="Withdraw my request",
    responses=problem_responses(401, 403, 404),
)
async def update_support_request(
    request_id: uuid.UUID, body: SupportRequestUpdate, principal: CareLeaverSelf, session: SessionDep
) -> SupportRequestRead:
    """A young person may withdraw their own request."""
    return await service.update_support_request(session, principal, request_id, body.status)


@router.put(
    "/local-authorities/{gss_code}/service-contacts",
    summary="Set the council's duty numbers",
    responses=problem_responses(401, 403),
)
async def set_service_contacts(
    gss_code: Annotated[str, Path(pattern=r"^E\d{8}$", examples=["E06000018"])],
    body: ServiceContacts,
    principal: LaAdmin,
    session: SessionDep,
) -> LocalAuthorityRead:
    """The leaving care duty line and the out-of-hours number the app shows every young person."""
    return LocalAuthorityRead.model_validate(
        await service.set_service_contacts(session, principal, gss_code, body)
    )


@allocations_router.get(
    "/{care_leaver_id:uuid}/adviser-allocations",
    summary="Personal adviser history",
    responses=problem_responses(401, 403, 404),
)
async def list_adviser_allocations(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[AllocationRead]:
    """Who was this young person's personal adviser, from when to when, oldest first."""
    return await service.list_adviser_allocations(session, principal, care_leaver_id)


@allocations_router.post(
    "/{care_leaver_id:uuid}/adviser-allocations",
    summary="Allocate a personal adviser",
    status_code=201,
    responses=problem_responses(401, 403, 404),
)
async def allocate_adviser(
    care_leaver_id: uuid.UUID, body: AllocationCreate, principal: Manager, session: SessionDep
) -> AllocationRead:
    """Starts a new allocation and ends the current one on the same day."""
    return await service.allocate_adviser(session, principal, care_leaver_id, body)
