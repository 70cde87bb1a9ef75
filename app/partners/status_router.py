"""Status checks for partners: yes or no, and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.api.deps import SessionDep, SettingsDep
from app.api.problems import problem_responses
from app.auth.deps import allow
from app.auth.enums import Role
from app.auth.errors import PurposeNotAgreed, RateLimited
from app.auth.principal import Principal
from app.core.clock import uk_today, utc_now
from app.partners import status_checks
from app.partners.status_schemas import StatusCheckAnswer, StatusCheckCreate

router = APIRouter(prefix="/v1/status-checks", tags=["Partners"])

Partner = Annotated[Principal, Depends(allow(Role.PARTNER))]


async def _minimum_duration(settings: SettingsDep) -> AsyncIterator[None]:
    async for _ in status_checks.pad_to_minimum(settings.status_check_min_milliseconds / 1000):
        yield


# Declared before anything that opens the unit of work, so it ends after the commit.
MinimumDuration = Annotated[None, Depends(_minimum_duration, scope="function")]


@router.post(
    "",
    summary="Check a care leaver's status",
    responses=problem_responses(
        401,
        PurposeNotAgreed("Your organisation's agreement with the council does not cover status_check."),
        RateLimited(retry_after=30),
    ),
)
async def create_status_check(
    _pad: MinimumDuration,
    body: StatusCheckCreate,
    principal: Partner,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> StatusCheckAnswer:
    """For a partner whose agreement with the council covers status checks for the entitlement: is the
    person with these details a care leaver of the council, who agreed to share with your kind of
    organisation, entitled to it on the date? `yes` or `no`, and nothing else: a person not found, not
    consenting or not entitled all get the same `no`, after the same work and time. Every check is in
    the young person's access log when the details matched someone. A partner has 60 checks a minute
    (then 429 with `Retry-After`)."""
    response.headers["Cache-Control"] = "no-store"
    yes = await status_checks.check_status(
        session, settings, principal, body, body.on or uk_today(), utc_now()
    )
    return StatusCheckAnswer(answer="yes" if yes else "no")
