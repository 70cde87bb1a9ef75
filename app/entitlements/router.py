"""Public routes: a council's published offer, and the "what could I get?" check. No sign-in needed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from app.api.conditional import (
    IfModifiedSince,
    IfNoneMatch,
    conditional_headers_doc,
    conditional_response,
    not_modified_doc,
    strong_etag,
)
from app.api.deps import PublicRoute, SessionDep
from app.api.pagination import PUBLIC_LIST, CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.core.clock import uk_today, utc_now
from app.core.errors import field_error
from app.core.schemas import AsOfDate
from app.entitlements import service
from app.entitlements.enums import Category
from app.entitlements.errors import EntitlementNotFound, FactsInvalid, OfferNotPublished
from app.entitlements.fast_path import current_offers
from app.entitlements.schemas import (
    EligibilityCheck,
    EligibilityReport,
    EntitlementRead,
    OfferRead,
)
from app.local_authorities.errors import LocalAuthorityNotFound

# The published offer and the calculator are public information: no sign-in.
router = APIRouter(route_class=PublicRoute)

GssPath = Annotated[
    str, Path(pattern=r"^E\d{8}$", description="ONS GSS code of the council", examples=["E10000024"])
]
CodePath = Annotated[
    str,
    Path(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        max_length=80,
        description="The entitlement's code",
        examples=["council-tax-exemption"],
    ),
]
OnQuery = Annotated[
    AsOfDate | None,
    Query(
        description="Answer as the offer stood on this date (UK); the current version without it",
        examples=["2026-11-23"],
    ),
]
CategoryQuery = Annotated[Category | None, Query(description="Only entitlements in this category")]


# The problems a public read meets, as the documentation shows them.
UNKNOWN_COUNCIL = LocalAuthorityNotFound("No local authority has the GSS code E06000099.")
NOT_PUBLISHED = OfferNotPublished(
    "Nottingham City Council had not published its Local Offer in this service on 1 April 2024."
)


def _ok(model: type[Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "headers": conditional_headers_doc()}, **not_modified_doc()}


@router.get(
    "/v1/local-authorities/{gss_code}/offer",
    summary="Get a council's Local Offer",
    tags=["Local Offer"],
    response_model=OfferRead,
    responses={**_ok(OfferRead), **problem_responses(UNKNOWN_COUNCIL, NOT_PUBLISHED)},
)
async def get_offer(
    request: Request,
    gss_code: GssPath,
    session: SessionDep,
    on: OnQuery = None,
    if_none_match: IfNoneMatch = None,
    if_modified_since: IfModifiedSince = None,
) -> Response:
    """The whole offer as the council published it: every entitlement, its rule, amounts and sources.

    Public. Send the last `ETag` in `If-None-Match` to get 304 while the offer is unchanged; the ETag
    changes when the council publishes a new version. `on` gives the version in force on that date.
    """
    current = current_offers(request)
    offer = await service.get_offer(session, gss_code, on=on, now=utc_now(), current=current)
    return offer.document.response(if_none_match, if_modified_since)


@router.get(
    "/v1/local-authorities/{gss_code}/entitlements",
    summary="List a council's entitlements",
    tags=["Local Offer"],
    response_model=Page[EntitlementRead],
    responses={**_ok(Page[EntitlementRead]), **problem_responses(404, 422)},
)
async def list_entitlements(
    request: Request,
    gss_code: GssPath,
    session: SessionDep,
    on: OnQuery = None,
    category: CategoryQuery = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
    if_modified_since: IfModifiedSince = None,
) -> Response:
    """The entitlements in the council's current offer (or the one in force `on` a date), by code. Public."""
    listing = open_list(request, PUBLIC_LIST, cursor)
    current = current_offers(request)
    offer = await service.get_offer(session, gss_code, on=on, now=utc_now(), current=current)
    items, after = service.entitlement_page(offer, limit=limit, cursor=listing.after, category=category)
    body, links = listing.raw_page(items, limit, after)
    return conditional_response(
        body,
        etag=strong_etag(body),
        last_modified=offer.pointer.published_at,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
        extra_headers=links,
    )


@router.get(
    "/v1/local-authorities/{gss_code}/entitlements/{code}",
    summary="Get one entitlement",
    tags=["Local Offer"],
    response_model=EntitlementRead,
    responses={
        **_ok(EntitlementRead),
        **problem_responses(
            UNKNOWN_COUNCIL,
            EntitlementNotFound(
                "Nottingham City Council's offer (version 3) has no entitlement 'setting-up-home'."
            ),
        ),
    },
)
async def get_entitlement(
    request: Request,
    gss_code: GssPath,
    code: CodePath,
    session: SessionDep,
    on: OnQuery = None,
    if_none_match: IfNoneMatch = None,
    if_modified_since: IfModifiedSince = None,
) -> Response:
    """One entitlement as the current offer (or the one in force `on` a date) describes it. Public."""
    current = current_offers(request)
    offer = await service.get_offer(session, gss_code, on=on, now=utc_now(), current=current)
    return service.entitlement(offer, code).response(if_none_match, if_modified_since)


@router.post(
    "/v1/eligibility/check",
    summary="Check what a young person could get",
    tags=["Eligibility"],
    response_model=EligibilityReport,
    responses=problem_responses(
        400,
        UNKNOWN_COUNCIL,
        NOT_PUBLISHED,
        422,
        FactsInvalid(
            "These facts do not fit together: facts.left_care_on.",
            errors=[field_error("facts.left_care_on", "is before the date of birth")],
        ),
    ),
)
async def check_eligibility(request: Request, check: EligibilityCheck, session: SessionDep) -> Response:
    """For every entitlement in the offer in force on the date asked: eligible, not eligible or unknown, and why.

    Public, and nothing is stored. Leave out facts you do not know: an entitlement that depends on them
    comes back `unknown` with the facts in `missing_facts`. Each reason names the condition, says it in
    words a young person understands and cites its source; `ends_on`/`starts_on` say when the answer
    will change by itself, and `what_would_change` what would make you eligible.
    """
    on = check.on or uk_today()
    facts = check.facts.model_dump(exclude_none=True)
    offer, results = await service.check_eligibility(
        session,
        check.local_authority,
        facts,
        on=on,
        now=utc_now(),
        dated=check.on is not None,
        current=current_offers(request),
    )
    return Response(service.report_body(offer, on, results), media_type="application/json")
