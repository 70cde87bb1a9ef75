from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.api.deps import SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, page_of
from app.api.problems import problem_responses
from app.auth.deps import allow
from app.auth.enums import ConsentRecipient, Role
from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.auth.schemas import UserRead
from app.care_leavers import service
from app.care_leavers.models import CareLeaver
from app.care_leavers.repository import CareLeaverFilters
from app.care_leavers.schemas import (
    AdviserRef,
    AllocationCreate,
    AllocationRead,
    CareLeaverAccountCreate,
    CareLeaverCreate,
    CareLeaverRead,
    CareLeaverUpdate,
    ConsentCreate,
    ConsentRead,
    GssCode,
)
from app.core.clock import uk_today
from app.core.dates import age_on

router = APIRouter(prefix="/v1/care-leavers", tags=["Care leavers"])

STAFF = (Role.LA_ADMIN, Role.TEAM_MANAGER, Role.PERSONAL_ADVISER)
Staff = Annotated[Principal, Depends(allow(*STAFF))]
StaffOrSelf = Annotated[Principal, Depends(allow(*STAFF, Role.CARE_LEAVER))]
Manager = Annotated[Principal, Depends(allow(Role.LA_ADMIN, Role.TEAM_MANAGER))]


def to_read(person: CareLeaver, gss: str, adviser: UserAccount | None) -> CareLeaverRead:
    return CareLeaverRead(
        id=person.id,
        local_authority=gss,
        case_reference=person.case_reference,
        given_name=person.given_name,
        family_name=person.family_name,
        preferred_name=person.preferred_name,
        date_of_birth=person.date_of_birth,
        age=age_on(person.date_of_birth, uk_today()),
        district_gss_code=person.district_gss_code,
        adviser=AdviserRef(id=adviser.id, display_name=adviser.display_name) if adviser else None,
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


@router.get("", summary="List care leavers you may see", responses=problem_responses(401, 403))
async def list_care_leavers(
    request: Request,
    response: Response,
    principal: Staff,
    session: SessionDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Name, preferred name, or exact case reference")
    ] = None,
    district: Annotated[GssCode | None, Query(description="Living in this district (GSS code)")] = None,
    adviser_id: Annotated[uuid.UUID | None, Query(description="Allocated to this personal adviser")] = None,
    unallocated: Annotated[
        bool | None, Query(description="True: only those without a personal adviser")
    ] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[CareLeaverRead]:
    """Your caseload and team (an adviser), your team and the unallocated (a manager), or the whole council
    (an admin), ordered by family name. Each request is recorded once in the audit trail."""
    filters = CareLeaverFilters(q=q, district=district, adviser_id=adviser_id, unallocated=unallocated)
    window, current = await service.list_care_leavers(session, principal, filters, limit=limit, cursor=cursor)
    advisers = await service.advisers_by_id(session, set(current.values()))
    gss = principal.local_authority_gss or ""
    page = window.map(lambda p: to_read(p, gss, advisers.get(current.get(p.id))))  # type: ignore[arg-type]
    return page_of(request, response, page, limit)


@router.post(
    "", summary="Create a care-leaver record", status_code=201, responses=problem_responses(401, 403, 409)
)
async def create_care_leaver(
    body: CareLeaverCreate, principal: Manager, session: SessionDep, response: Response
) -> CareLeaverRead:
    """A new record in your council. The case reference must be unique within the council."""
    person = await service.create_care_leaver(session, principal, body)
    response.headers["Location"] = f"/v1/care-leavers/{person.id}"
    return to_read(person, principal.local_authority_gss or "", None)


@router.get("/{care_leaver_id}", summary="Get a care leaver", responses=problem_responses(401, 403, 404))
async def get_care_leaver(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> CareLeaverRead:
    """One record, if it is yours to see (404 otherwise, exactly as for an id that does not exist)."""
    person, scope = await service.get_care_leaver(session, principal, care_leaver_id)
    adviser = await service.current_adviser(session, scope)
    # Whoever may read a person works in that person's council, so the caller's council is theirs.
    return to_read(person, principal.local_authority_gss or "", adviser)


@router.patch(
    "/{care_leaver_id}", summary="Correct a care leaver's details", responses=problem_responses(401, 403, 404)
)
async def update_care_leaver(
    care_leaver_id: uuid.UUID, body: CareLeaverUpdate, principal: Staff, session: SessionDep
) -> CareLeaverRead:
    """Names and date of birth. Their adviser, manager or admin only; a colleague covering can read, not change."""
    person = await service.update_care_leaver(session, principal, care_leaver_id, body)
    _, scope = await service.load_for_read(session, principal, care_leaver_id)
    return to_read(person, principal.local_authority_gss or "", await service.current_adviser(session, scope))


@router.get(
    "/{care_leaver_id}/adviser-allocations",
    summary="Personal adviser history",
    responses=problem_responses(401, 403, 404),
)
async def list_adviser_allocations(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[AllocationRead]:
    """Who was this young person's personal adviser, from when to when, oldest first."""
    return [
        AllocationRead.model_validate(a)
        for a in await service.list_allocations(session, principal, care_leaver_id)
    ]


@router.post(
    "/{care_leaver_id}/adviser-allocations",
    summary="Allocate a personal adviser",
    status_code=201,
    responses=problem_responses(401, 403, 404),
)
async def allocate_adviser(
    care_leaver_id: uuid.UUID, body: AllocationCreate, principal: Manager, session: SessionDep
) -> AllocationRead:
    """Starts a new allocation and ends the current one on the same day."""
    return AllocationRead.model_validate(
        await service.allocate_adviser(session, principal, care_leaver_id, body)
    )


@router.get(
    "/{care_leaver_id}/consents", summary="Consents to share", responses=problem_responses(401, 403, 404)
)
async def list_consents(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[ConsentRead]:
    """Every consent given, with when it was given and, if so, withdrawn."""
    return [
        ConsentRead.model_validate(c) for c in await service.list_consents(session, principal, care_leaver_id)
    ]


@router.post(
    "/{care_leaver_id}/consents",
    summary="Record consent to share",
    status_code=201,
    responses=problem_responses(401, 403, 404),
)
async def give_consent(
    care_leaver_id: uuid.UUID, body: ConsentCreate, principal: StaffOrSelf, session: SessionDep
) -> ConsentRead:
    """The young person agrees their status may be shared with this kind of partner. Giving it twice is harmless."""
    return ConsentRead.model_validate(
        await service.give_consent(session, principal, care_leaver_id, body.recipient)
    )


@router.delete(
    "/{care_leaver_id}/consents/{recipient}",
    summary="Withdraw consent",
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
async def withdraw_consent(
    care_leaver_id: uuid.UUID, recipient: ConsentRecipient, principal: StaffOrSelf, session: SessionDep
) -> Response:
    """Takes effect at once: the partner can no longer see the young person."""
    await service.withdraw_consent(session, principal, care_leaver_id, recipient)
    return Response(status_code=204)


@router.post(
    "/{care_leaver_id}/account",
    summary="Create the young person's app account",
    status_code=201,
    responses=problem_responses(401, 403, 404, 409),
)
async def create_care_leaver_account(
    care_leaver_id: uuid.UUID, body: CareLeaverAccountCreate, principal: Staff, session: SessionDep
) -> UserRead:
    """An account for the app, linked to this record: the young person sees only their own data."""
    user = await service.create_account(session, principal, care_leaver_id, body)
    return UserRead.model_validate(await service.reload_user(session, user.id))
