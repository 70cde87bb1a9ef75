from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.advisers import service
from app.advisers.schemas import (
    AdviserContact,
    AdviserRead,
    AdviserUpdate,
    CaseloadEntry,
    MyAdviser,
    ServiceContacts,
    SupportRequestCreate,
    SupportRequestRead,
    SupportRequestUpdate,
    UnallocatedYoungPerson,
)
from app.api.deps import SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, LaAdmin, Manager, Staff, allow
from app.auth.enums import Role
from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.auth.schemas import TeamRef
from app.care_leavers.enums import SupportRequestStatus
from app.care_leavers.models import CareLeaver, SupportRequest
from app.core.clock import uk_today
from app.core.dates import age_on
from app.local_authorities.schemas import LocalAuthorityRead

router = APIRouter(prefix="/v1", tags=["Personal advisers"])

# Only a personal adviser has a caseload of their own (a manager or admin asks for an adviser's by id).
PersonalAdviser = Annotated[Principal, Depends(allow(Role.PERSONAL_ADVISER))]


def _adviser_read(adviser: UserAccount, caseload_size: int) -> AdviserRead:
    return AdviserRead(
        id=adviser.id,
        display_name=adviser.display_name,
        email=adviser.email,
        phone=adviser.phone,
        job_title=adviser.job_title,
        working_pattern=adviser.working_pattern,
        team=TeamRef.model_validate(adviser.team) if adviser.team else None,
        caseload_size=caseload_size,
    )


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
    window, sizes = await service.list_advisers(
        session, principal, team_id, limit=limit, cursor=listing.after
    )
    return listing.page(response, window.map(lambda a: _adviser_read(a, sizes.get(a.id, 0))), limit)


@router.get(
    "/advisers/unallocated-young-people",
    summary="Young people due a personal adviser",
    responses=problem_responses(401, 403),
)
async def list_unallocated_young_people(
    principal: Manager, session: SessionDep
) -> list[UnallocatedYoungPerson]:
    """Still in care, 17¼ or older, with no personal adviser: one must be allocated by 17½. Most urgent first."""
    today = uk_today()
    people = await service.unallocated_young_people(session, principal, today)
    return [
        UnallocatedYoungPerson(
            care_leaver_id=p.id,
            name=p.display_name,
            date_of_birth=p.date_of_birth,
            allocate_by=by,
            days_left=(by - today).days,
        )
        for p, by in people
    ]


AdviserId = Annotated[uuid.UUID, Path(description="The adviser's account id")]


@router.get(
    "/advisers/{adviser_id:uuid}",
    summary="Get a personal adviser",
    responses=problem_responses(401, 403, 404),
)
async def get_adviser(adviser_id: AdviserId, principal: Staff, session: SessionDep) -> AdviserRead:
    """One of your council's advisers."""
    adviser, size = await service.get_adviser(session, principal, adviser_id)
    return _adviser_read(adviser, size)


@router.patch(
    "/advisers/{adviser_id:uuid}",
    summary="Update an adviser's profile",
    responses=problem_responses(401, 403, 404),
)
async def update_adviser(
    adviser_id: AdviserId, body: AdviserUpdate, principal: Staff, session: SessionDep
) -> AdviserRead:
    """Phone, working pattern and job title: by the adviser, their team manager, or an admin."""
    adviser, size = await service.update_adviser(session, principal, adviser_id, body)
    return _adviser_read(adviser, size)


def _caseload_entry(line: service.CaseloadLine, today: date) -> CaseloadEntry:
    person, contact, plan = line.person, line.contact, line.plan
    return CaseloadEntry(
        care_leaver_id=person.id,
        name=person.display_name,
        age=age_on(person.date_of_birth, today),
        legal_status=person.legal_status,
        allocated_on=line.allocated_on,
        last_contact_at=person.last_contact_at,
        next_contact_due_on=person.next_contact_due_on,
        days_contact_overdue=contact.days_overdue if contact else 0,
        open_contact_requests=contact.open_contact_requests if contact else 0,
        overdue_actions=contact.overdue_actions if contact else 0,
        overdue_plan_actions=plan.overdue_actions if plan else 0,
        plan_review_due_on=plan.review_due_on if plan else None,
    )


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
    today, listing = uk_today(), open_list(request, principal.user_id, cursor)
    window = await service.caseload(session, principal, adviser_id, today, limit=limit, cursor=listing.after)
    return listing.page(response, window.map(lambda line: _caseload_entry(line, today)), limit)


@router.get("/me/caseload", summary="My caseload", responses=problem_responses(401, 403))
async def get_my_caseload(
    request: Request,
    response: Response,
    principal: PersonalAdviser,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[CaseloadEntry]:
    """For a personal adviser: the young people allocated to you, exactly as
    `GET /v1/advisers/{adviser_id}/caseload` gives them for your own id (your `adviser_id` in `GET /v1/me`)."""
    today, listing = uk_today(), open_list(request, principal.user_id, cursor)
    window = await service.my_caseload(session, principal, today, limit=limit, cursor=listing.after)
    return listing.page(response, window.map(lambda line: _caseload_entry(line, today)), limit)


@router.get("/me/adviser", summary="My personal adviser", responses=problem_responses(401, 403))
async def get_my_adviser(principal: CareLeaverSelf, session: SessionDep) -> MyAdviser:
    """Who your personal adviser is, how and when to reach them, and who to call when they are away."""
    person, adviser, team, authority = await service.my_adviser(session, principal)
    can_ask = service.may_ask_for_adviser(person, adviser is not None, uk_today())
    duty = (team.duty_phone if team else None) or authority.duty_phone
    if adviser is not None:
        message = f"If you can't reach {adviser.display_name.split(' ')[0]}, call the duty line"
    elif can_ask:
        message = (
            "You can ask for a personal adviser at any time until you are 25. Until then, call the duty line"
        )
    else:
        message = "Call the leaving care duty line"
    message += f" on {duty}." if duty else "."
    if authority.out_of_hours_phone:
        message += f" Out of hours, call {authority.out_of_hours_phone}."
    return MyAdviser(
        adviser=AdviserContact(
            name=adviser.display_name,
            phone=adviser.phone,
            email=adviser.email,
            working_pattern=adviser.working_pattern,
            team=team.name if team else None,
        )
        if adviser
        else None,
        team_duty_phone=team.duty_phone if team else None,
        council_duty_phone=authority.duty_phone,
        out_of_hours_phone=authority.out_of_hours_phone,
        can_ask_for_an_adviser=can_ask,
        message=message,
    )


def _request_read(request: SupportRequest, person: CareLeaver) -> SupportRequestRead:
    return SupportRequestRead(
        id=request.id,
        care_leaver_id=person.id,
        name=person.display_name,
        age=age_on(person.date_of_birth, uk_today()),
        message=request.message,
        status=request.status,
        created_at=request.created_at,
        resolved_at=request.resolved_at,
    )


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
    request, person, created = await service.request_support(session, principal, body.message)
    if not created:
        response.status_code = 200
    return _request_read(request, person)


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
    return listing.page(response, window.map(lambda pair: _request_read(*pair)), limit)


@router.patch(
    "/support-requests/{request_id:uuid}",
    summary="Withdraw my request",
    responses=problem_responses(401, 403, 404),
)
async def update_support_request(
    request_id: uuid.UUID, body: SupportRequestUpdate, principal: CareLeaverSelf, session: SessionDep
) -> SupportRequestRead:
    """A young person may withdraw their own request."""
    return _request_read(*await service.update_support_request(session, principal, request_id, body.status))


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
