"""A council administrator changing their council's Local Offer: a draft, its entitlements, publication.

Every change names the draft it was made against: send the draft's `ETag` (from reading it or from
your last change) in `If-Match`. Young people see nothing until the draft is published.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response

from app.api.conditional import if_match_header
from app.api.deps import SessionDep
from app.api.problems import problem_responses
from app.auth.deps import allow
from app.auth.enums import Role
from app.auth.principal import Principal
from app.core.clock import uk_today, utc_now
from app.db.session import after_commit
from app.entitlements import drafts
from app.entitlements.fast_path import current_offers
from app.entitlements.router import CodePath, GssPath
from app.entitlements.schemas import (
    EntitlementRead,
    EntitlementWrite,
    OfferDraftCreate,
    OfferDraftRead,
    OfferPublicationCreate,
    OfferRead,
    WithdrawalCreate,
)

TAG = "Local Offer management"
DRAFT = "/v1/local-authorities/{gss_code}/offer/draft"
ENTITLEMENT = DRAFT + "/entitlements/{code}"

router = APIRouter(tags=[TAG])

Admin = Annotated[Principal, Depends(allow(Role.LA_ADMIN))]
IfMatch = Annotated[
    str | None,
    if_match_header(
        "the draft's `ETag`, from reading it or from your last change", '"2-3f1c0d2e9a8b7c6d5e4f3a2b1c0d9e8f"'
    ),
]


def _etag_doc(status: int, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "description": description,
            "headers": {
                "ETag": {"description": "The draft's ETag: send it in If-Match", "schema": {"type": "string"}}
            },
        }
    }


CHANGE_ERRORS = problem_responses(401, 403, 404, 412, 422, 428)


@router.post(
    DRAFT,
    summary="Start a draft of your council's offer",
    status_code=201,
    response_model=OfferDraftRead,
    responses={**_etag_doc(201, "The draft"), **problem_responses(401, 403, 404, 409, 422)},
)
async def start_offer_draft(
    gss_code: GssPath, body: OfferDraftCreate, principal: Admin, session: SessionDep, response: Response
) -> OfferDraftRead:
    """A copy of the current offer to edit (empty for a first offer). One draft at a time: 409 if one exists."""
    view = await drafts.start_draft(session, principal, gss_code, body, now=utc_now())
    response.headers["ETag"] = view.etag
    response.headers["Location"] = DRAFT.format(gss_code=gss_code)
    return view.read


@router.get(
    DRAFT,
    summary="Get your council's draft offer",
    response_model=OfferDraftRead,
    responses={**_etag_doc(200, "The draft"), **problem_responses(401, 403, 404)},
)
async def get_offer_draft(
    gss_code: GssPath, principal: Admin, session: SessionDep, response: Response
) -> OfferDraftRead:
    """The draft as it stands, and in `ETag` the value to send in `If-Match` with your next change."""
    view = await drafts.get_draft(session, principal, gss_code)
    response.headers["ETag"] = view.etag
    return view.read


@router.delete(
    DRAFT, summary="Discard the draft", status_code=204, responses=problem_responses(401, 403, 404, 412, 428)
)
async def discard_offer_draft(
    gss_code: GssPath, principal: Admin, session: SessionDep, if_match: IfMatch = None
) -> Response:
    """Throws the draft away; the published offer is untouched."""
    await drafts.discard_draft(session, principal, gss_code, if_match=if_match)
    return Response(status_code=204)


@router.post(
    DRAFT + "/entitlements",
    summary="Add an entitlement to the draft",
    status_code=201,
    response_model=EntitlementRead,
    responses={**_etag_doc(201, "The entitlement as added"), **CHANGE_ERRORS, **problem_responses(409)},
)
async def add_draft_entitlement(
    gss_code: GssPath,
    body: EntitlementWrite,
    principal: Admin,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> EntitlementRead:
    """A new entitlement with a new code. Its rule may name only known facts, dates, parameters and sources;
    `errors` in a 422 names each problem."""
    view = await drafts.add_entitlement(session, principal, gss_code, body, if_match=if_match)
    response.headers["ETag"] = view.etag
    return view.read


@router.put(
    ENTITLEMENT,
    summary="Replace an entitlement in the draft",
    response_model=EntitlementRead,
    responses={**_etag_doc(200, "The entitlement as changed"), **CHANGE_ERRORS},
)
async def replace_draft_entitlement(
    gss_code: GssPath,
    code: CodePath,
    body: EntitlementWrite,
    principal: Admin,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> EntitlementRead:
    """The whole definition, code unchanged. Dated values already in force stay as they are: add a value
    from a later date instead (422 `entitlement.history_rewrite` otherwise)."""
    view = await drafts.replace_entitlement(
        session, principal, gss_code, code, body, if_match=if_match, today=uk_today()
    )
    response.headers["ETag"] = view.etag
    return view.read


@router.delete(
    ENTITLEMENT,
    summary="Remove an entitlement added in this draft",
    status_code=204,
    responses={**_etag_doc(204, "Removed"), **CHANGE_ERRORS},
)
async def remove_draft_entitlement(
    gss_code: GssPath, code: CodePath, principal: Admin, session: SessionDep, if_match: IfMatch = None
) -> Response:
    """Only one this draft added: a published entitlement is withdrawn from a date instead (422)."""
    etag = await drafts.remove_entitlement(session, principal, gss_code, code, if_match=if_match)
    return Response(status_code=204, headers={"ETag": etag})


@router.post(
    ENTITLEMENT + "/withdrawal",
    summary="Withdraw an entitlement from a date",
    response_model=EntitlementRead,
    responses={**_etag_doc(200, "The entitlement, withdrawn from the date"), **CHANGE_ERRORS},
)
async def withdraw_draft_entitlement(
    gss_code: GssPath,
    code: CodePath,
    body: WithdrawalCreate,
    principal: Admin,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> EntitlementRead:
    """From that date (today or later) young people are told it is no longer offered; until then it stays."""
    view = await drafts.withdraw_entitlement(
        session,
        principal,
        gss_code,
        code,
        withdrawn_from=body.withdrawn_from,
        if_match=if_match,
        today=uk_today(),
    )
    response.headers["ETag"] = view.etag
    return view.read


NO_NOTES = OfferPublicationCreate()  # the body is optional: the draft's notes stay
_PUBLISHED_HEADERS = {
    "ETag": {
        "description": "The published offer's ETag, as GET .../offer sends it",
        "schema": {"type": "string"},
    },
    "Location": {"description": "The public offer", "schema": {"type": "string"}},
}


@router.post(
    DRAFT + "/publication",
    summary="Publish the draft",
    status_code=201,
    response_model=OfferRead,
    responses={
        201: {"description": "Published: the new version", "headers": _PUBLISHED_HEADERS},
        200: {
            "model": OfferRead,
            "description": "You had already published this draft: the version it became, unchanged",
            "headers": _PUBLISHED_HEADERS,
        },
        **problem_responses(401, 403, 404, 409, 412, 422, 428),
    },
)
async def publish_offer_draft(
    request: Request,
    gss_code: GssPath,
    principal: Admin,
    session: SessionDep,
    if_match: IfMatch = None,
    body: Annotated[OfferPublicationCreate, Body()] = NO_NOTES,
) -> Response:
    """The draft becomes the offer young people see, from now; the public offer's ETag changes at once.

    Safe to retry: if the draft named in `If-Match` was already published by you, the answer is 200 with
    the version it became and nothing is published again; if another administrator published it, 409
    `offer.already_published`.
    """
    publication = await drafts.publish_draft(
        session, principal, gss_code, body, if_match=if_match, now=utc_now()
    )
    # This worker answers with the new version as soon as it is committed; the others within a second.
    after_commit(session, partial(current_offers(request).forget, gss_code))
    headers = {"ETag": publication.offer.etag, "Location": f"/v1/local-authorities/{gss_code}/offer"}
    status = 201 if publication.created else 200
    return Response(
        publication.offer.body, status_code=status, media_type="application/json", headers=headers
    )
