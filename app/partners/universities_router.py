"""A university's view of its consenting students and its confirmation of their enrolment."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app.api.deps import SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import allow
from app.auth.enums import Role
from app.auth.principal import Principal
from app.partners import universities
from app.partners.universities import EnrolmentPut, UniversityStudent

router = APIRouter(prefix="/v1/university-students", tags=["Partners"])

Partner = Annotated[Principal, Depends(allow(Role.PARTNER))]


@router.get("", summary="Your students who agreed to share", responses=problem_responses(401, 403))
async def list_university_students(
    request: Request,
    response: Response,
    principal: Partner,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[UniversityStudent]:
    """For a university: the care leavers who agreed to share with it by name, by name, each with the course
    on their record and the higher-education bursary's instalments by academic year, with what is committed
    and paid. Withdrawn consent removes someone at once. Other partners get 403."""
    listing = open_list(request, principal.user_id, cursor)
    window = await universities.list_students(session, principal, limit=limit, cursor=listing.after)
    return listing.page(response, window, limit)


@router.put(
    "/{care_leaver_id:uuid}/enrolment",
    summary="Confirm a student's enrolment and vacation needs",
    responses=problem_responses(401, 403, 404, 422),
)
async def put_university_enrolment(
    care_leaver_id: uuid.UUID, body: EnrolmentPut, principal: Partner, session: SessionDep
) -> UniversityStudent:
    """The course they are enrolled on (its dates, and whether they are still studying) and the weeks of
    vacation accommodation they need: recorded on their record from today, where their adviser sees it,
    and the bursary's instalments follow the dates. Sending the same again changes nothing. 404 unless they
    agreed to share with your university."""
    return await universities.confirm_enrolment(session, principal, care_leaver_id, body)
