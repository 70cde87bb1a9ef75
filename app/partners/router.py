from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.api.deps import SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import allow
from app.auth.enums import Role
from app.auth.principal import Principal
from app.care_leavers.models import CareLeaver
from app.core.clock import uk_today
from app.core.dates import day_before_birthday
from app.core.schemas import AsOfDate
from app.partners import service
from app.partners.schemas import CouncilTaxExemption

router = APIRouter(prefix="/v1/council-tax-exemptions", tags=["Partners"])

DistrictOrAdmin = Annotated[Principal, Depends(allow(Role.PARTNER, Role.LA_ADMIN))]
OnQuery = Annotated[AsOfDate | None, Query(description="As on this date (default today)")]


def _item(
    person: CareLeaver, given_at: datetime, where: tuple[str | None, date | None]
) -> CouncilTaxExemption:
    district, until = where
    return CouncilTaxExemption(
        care_leaver_id=person.id,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        district_gss_code=district or "",
        exempt_until=until or day_before_birthday(person.date_of_birth, 25),
        consent_given_at=given_at,
    )


@router.get("", summary="Care leavers to exempt from council tax", responses=problem_responses(401, 403))
async def list_council_tax_exemptions(
    request: Request,
    response: Response,
    principal: DistrictOrAdmin,
    session: SessionDep,
    on: OnQuery = None,
    district: Annotated[str | None, Query(pattern=r"^E\d{8}$", description="Admins: one district")] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[CouncilTaxExemption]:
    """For a district council: care leavers exempt under the council's published Local Offer on the date
    (their leaving-care status and age that day), who lived in its district that day and agreed to share
    this with it. Withdrawn consent removes someone at once. An admin sees the list for any district."""
    listing = open_list(request, principal.user_id, cursor)
    window, given, where = await service.list_exemptions(
        session, principal, on or uk_today(), district, limit=limit, cursor=listing.after
    )
    return listing.page(response, window.map(lambda p: _item(p, given[p.id], where[p.id])), limit)


@router.get(
    "/{care_leaver_id:uuid}",
    summary="One care leaver's exemption",
    responses=problem_responses(401, 403, 404),
)
async def get_council_tax_exemption(
    care_leaver_id: uuid.UUID, principal: DistrictOrAdmin, session: SessionDep, on: OnQuery = None
) -> CouncilTaxExemption:
    """404 unless the young person was exempt on the date, lived in your district then, and agreed to share
    with you."""
    person, given, where = await service.get_exemption(session, principal, care_leaver_id, on or uk_today())
    return _item(person, given, where)
