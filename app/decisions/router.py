"""A young person's entitlements through the API: their record's page, and the app's own view."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.conditional import IfNoneMatch, PrivateRead, private_response
from app.api.deps import SessionDep
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, StaffOrSelf
from app.core.schemas import AsOfDate
from app.decisions import report
from app.entitlements.schemas import EligibilityReport

OnQuery = Annotated[AsOfDate | None, Query(description="As on this date (default today)")]

record_router = APIRouter(prefix="/v1/care-leavers", tags=["Care leavers"])


@record_router.get(
    "/{care_leaver_id:uuid}/entitlements",
    summary="What this young person is entitled to",
    response_model=EligibilityReport,
    responses=problem_responses(401, 403, 404),
)
async def get_care_leaver_entitlements(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep, on: OnQuery = None
) -> Response:
    """The council's Local Offer for this young person (as their record stood `on` a date, default today):
    every entitlement eligible, not eligible or unknown, with the reasons; unknown ones list the facts to
    record. The answers are the service's stored decisions, the same ones its lists read."""
    body = await report.entitlements_report(session, principal, care_leaver_id, on)
    return Response(body, media_type="application/json")


me_router = APIRouter(prefix="/v1/me", tags=["Care leavers"])
MY_ENTITLEMENTS = PrivateRead(EligibilityReport)


@me_router.get(
    "/entitlements",
    summary="What I am entitled to",
    response_model=EligibilityReport,
    responses={**MY_ENTITLEMENTS.doc(), **problem_responses(401, 403, 404)},
)
async def get_my_entitlements(
    principal: CareLeaverSelf, session: SessionDep, on: OnQuery = None, if_none_match: IfNoneMatch = None
) -> Response:
    """Everything in your council's Local Offer, and whether you can get it, from your record: with the
    reasons, and what would change the answer."""
    assert principal.care_leaver_id is not None
    body = await report.entitlements_report(session, principal, principal.care_leaver_id, on)
    return private_response(body, if_none_match)
