"""The narrow views partners get: a billing authority's council-tax list, its changes and confirmations."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.api.conditional import IfNoneMatch, PrivateRead
from app.api.csv_cells import cell
from app.api.deps import SessionDep, database_of
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, StaffOrSelf, allow
from app.auth.enums import Role
from app.auth.principal import Principal
from app.core.schemas import AsOfDate
from app.partners import confirmations, service
from app.partners.schemas import (
    ConfirmationPut,
    ConfirmationRead,
    CouncilTaxChanges,
    CouncilTaxExemption,
    MyCouncilTax,
    TakeUpReport,
)

router = APIRouter(prefix="/v1/council-tax-exemptions", tags=["Partners"])

DistrictOrAdmin = Annotated[Principal, Depends(allow(Role.PARTNER, Role.LA_ADMIN))]
District = Annotated[Principal, Depends(allow(Role.PARTNER))]
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
MonthQuery = Annotated[
    str | None, Query(pattern=_MONTH, description="The month's list, YYYY-MM", examples=["2026-12"])
]
OnQuery = Annotated[
    AsOfDate | None, Query(description="The list for one day (default today, unless `month`)")
]
DistrictQuery = Annotated[
    str | None, Query(pattern=r"^E\d{8}$", description="Council staff: one billing authority's area")
]
_CSV_EXAMPLE = ",".join(service.COLUMNS) + (
    "\r\n0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80,DEMO-0003,Chloe,Demo,2004-09-30,"
    '"12 Example Street, Sutton-in-Ashfield NG17 1AA",NG17 1AA,E07000170,2022-09-30,2029-09-29\r\n'
)


@router.get(
    "",
    summary="Care leavers to exempt from council tax",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE}}},
        **problem_responses(401, 403),
    },
)
async def list_council_tax_exemptions(
    request: Request,
    response: Response,
    principal: DistrictOrAdmin,
    session: SessionDep,
    month: MonthQuery = None,
    on: OnQuery = None,
    district: DistrictQuery = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[CouncilTaxExemption]:
    """For a billing authority (a district council, or a unitary council's council tax team): the care
    leavers exempt under the council's Local Offer at some time in the month (or on the day), as its
    stored decisions say (leaving-care status, age to the day before 25), who lived in its area then and
    agreed to share this with it by name. Withdrawn consent removes someone from every list at once.
    Council staff see any billing authority's list. `Accept: text/csv` streams the whole list as CSV."""
    period = service.period_of(month, on)
    if "text/csv" in request.headers.get("accept", ""):
        listed = await service.start_csv(session, principal, period, district)
        name = f"council-tax-exemptions-{period.first.isoformat()}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        rows = service.exemptions_csv(database_of(request), listed)
        return StreamingResponse(rows, media_type="text/csv; charset=utf-8", headers=headers)  # type: ignore[return-value]
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_exemptions(
        session, principal, period, district, limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


@router.get(
    "/changes", summary="Starters and leavers since last month", responses=problem_responses(401, 403, 422)
)
async def list_council_tax_changes(
    principal: DistrictOrAdmin,
    session: SessionDep,
    month: Annotated[str, Query(pattern=_MONTH, description="The month, YYYY-MM", examples=["2026-12"])],
    district: DistrictQuery = None,
) -> CouncilTaxChanges:
    """Who came on the list for the month (`joined_list`, from the day they did) and who is on last
    month's but not this one's (`left_list`, from the first day they were off it): a leaver's reason never
    says whether they moved, turned 25, withdrew consent or lost their status."""
    return await service.list_changes(session, principal, service.parse_month(month), district)


@router.get(
    "/{care_leaver_id:uuid}",
    summary="One care leaver's exemption",
    responses=problem_responses(401, 403, 404),
)
async def get_council_tax_exemption(
    care_leaver_id: uuid.UUID,
    principal: DistrictOrAdmin,
    session: SessionDep,
    month: MonthQuery = None,
    on: OnQuery = None,
) -> CouncilTaxExemption:
    """404 unless the young person is on your list for the month (or the day, default today)."""
    return await service.get_exemption(session, principal, care_leaver_id, service.period_of(month, on))


@router.put(
    "/{care_leaver_id:uuid}/confirmation",
    summary="Confirm what you did with the exemption",
    responses=problem_responses(401, 403, 404, 412, 422),
)
async def put_council_tax_confirmation(
    care_leaver_id: uuid.UUID,
    body: ConfirmationPut,
    principal: District,
    session: SessionDep,
    response: Response,
    if_match: Annotated[
        str | None,
        Header(
            max_length=2048,
            description="Optional: the ETag of the confirmation you read; 412, with the current `etag`, if "
            "it has changed since. Without it, this replaces your earlier confirmation",
            examples=['"0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e90-1"'],
        ),
    ] = None,
) -> ConfirmationRead:
    """For someone on your list this month or last: applied (from a date, on an account), not liable, not
    found, or other (with a note). Sending the same again changes nothing; the latest replaces the last."""
    read, tag = await confirmations.put_confirmation(session, principal, care_leaver_id, body, if_match)
    response.headers["ETag"] = tag
    return read


record_router = APIRouter(prefix="/v1/care-leavers", tags=["Care leavers"])


@record_router.get(
    "/{care_leaver_id:uuid}/council-tax-confirmations",
    summary="What billing authorities did with the exemption",
    responses=problem_responses(401, 403, 404),
)
async def list_council_tax_confirmations(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[ConfirmationRead]:
    """Each billing authority's latest confirmation: applied (from when, which account), not liable, not
    found, or other with its note."""
    return await confirmations.list_confirmations(session, principal, care_leaver_id)


me_router = APIRouter(prefix="/v1/me", tags=["Care leavers"])
MY_COUNCIL_TAX = PrivateRead(list[MyCouncilTax])


@me_router.get(
    "/council-tax",
    summary="My council tax exemption",
    response_model=list[MyCouncilTax],
    responses={**MY_COUNCIL_TAX.doc(), **problem_responses(401, 403)},
)
async def get_my_council_tax(
    principal: CareLeaverSelf, session: SessionDep, if_none_match: IfNoneMatch = None
) -> Response:
    """What the council that bills you told us: for example, that your exemption was applied, and from when."""
    return MY_COUNCIL_TAX.answer(await confirmations.my_council_tax(session, principal), if_none_match)


reports_router = APIRouter(prefix="/v1/reports", tags=["Partners"])
_TAKE_UP_CSV = (
    "billing_authority,billing_authority_gss_code,month,on_list,confirmed_applied,not_liable,outstanding"
)


@reports_router.get(
    "/council-tax-take-up",
    summary="Council tax exemption take-up",
    responses={
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": _TAKE_UP_CSV
                    + "\r\nAshfield District Council,E07000170,2026-12,127,120,4,3\r\n",
                }
            }
        },
        **problem_responses(401, 403, 422),
    },
)
async def get_council_tax_take_up(
    request: Request,
    principal: DistrictOrAdmin,
    session: SessionDep,
    from_: Annotated[
        str, Query(alias="from", pattern=_MONTH, description="First month", examples=["2026-01"])
    ],
    to: Annotated[
        str, Query(pattern=_MONTH, description="Last month, at most 24 after `from`", examples=["2026-12"])
    ],
) -> TakeUpReport:
    """Per billing authority and month: how many were on the list, how many the authority confirmed it
    applied, found not liable, and how many are outstanding. A billing authority sees its own rows.
    `Accept: text/csv` gives the same rows as CSV."""
    report = await confirmations.take_up(session, principal, from_, to)
    if "text/csv" in request.headers.get("accept", ""):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(_TAKE_UP_CSV.split(","))
        for row in report.rows:
            writer.writerow([cell(v) for v in row.model_dump(mode="json").values()])
        headers = {"Cache-Control": "no-store"}
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)  # type: ignore[return-value]
    return report
