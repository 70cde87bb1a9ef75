from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Header, Path, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from app.api.conditional import IfNoneMatch, PrivateRead, if_match_header
from app.api.deps import IdempotencyKey, SessionDep, database_of
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, LaAdmin, Manager, Staff, StaffOrSelf
from app.claims import council_settings, evidence, lists, money, report, service
from app.claims.enums import ClaimStatus
from app.claims.schemas import (
    Balance,
    ClaimCreate,
    ClaimRead,
    ClaimSettingsRead,
    ClaimSettingsUpdate,
    ClaimSummary,
    ClaimUpdate,
    DeclineCreate,
    PaymentCreate,
    PaymentRead,
    ReversalCreate,
    SpendingRow,
    WithdrawCreate,
)
from app.core.schemas import IsoDate

router = APIRouter(prefix="/v1", tags=["Claims and payments"])

ClaimId = Annotated[uuid.UUID, Path(description="The id of a claim")]
PaymentId = Annotated[uuid.UUID, Path(description="The id of a payment")]
IfMatch = Annotated[
    str | None,
    if_match_header("the ETag from your last read of this claim", '"0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f20.2"'),
]
MoneyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=128,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Required: a new key per payment (a UUID). A retry with the same key and body returns the "
        "payment the first request made, for 30 days; the same key with another body is a 422; while the first "
        "is still being handled, 409 `request.idempotency_in_flight` with `Retry-After`",
    ),
]
_CLAIM_ERRORS = (401, 403, 404, 409)
_NO_REASON = WithdrawCreate()


def _created(response: Response, claim: ClaimRead) -> ClaimRead:
    response.headers["Location"] = f"/v1/claims/{claim.id}"
    response.headers["ETag"] = claim.etag
    return claim


@router.post(
    "/care-leavers/{care_leaver_id:uuid}/claims",
    summary="Make a claim for a young person",
    status_code=201,
    responses=problem_responses(*_CLAIM_ERRORS),
)
async def create_claim(
    care_leaver_id: uuid.UUID,
    body: ClaimCreate,
    principal: Staff,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ClaimRead:
    """A draft (or, with `submit: true`, a submitted claim) against one of their entitlements. 422
    `claim.not_eligible`, with the stored decision's reasons, if they are not entitled to it today."""
    claim = await service.create_claim_once(session, principal, care_leaver_id, body, idempotency_key)
    return _created(response, claim)


@router.post(
    "/me/claims", summary="Make a claim", status_code=201, responses=problem_responses(*_CLAIM_ERRORS)
)
async def create_my_claim(
    body: ClaimCreate,
    principal: CareLeaverSelf,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ClaimRead:
    """Ask for money you are entitled to: say what it is for, item by item. Send an `Idempotency-Key` so that
    sending it again (no signal) never makes a second claim."""
    assert principal.care_leaver_id is not None  # the route admits care leavers only
    claim = await service.create_claim_once(
        session, principal, principal.care_leaver_id, body, idempotency_key
    )
    return _created(response, claim)


MY_CLAIMS = PrivateRead(Page[ClaimSummary])


@router.get(
    "/me/claims",
    summary="My claims",
    response_model=Page[ClaimSummary],
    responses={**MY_CLAIMS.doc(), **problem_responses(401, 403)},
)
async def list_my_claims(
    request: Request,
    response: Response,
    principal: CareLeaverSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Your claims, newest first, with where each one is; a declined claim says why."""
    assert principal.care_leaver_id is not None
    listing = open_list(request, principal.user_id, cursor)
    window = await lists.claims_of_person(
        session, principal, principal.care_leaver_id, limit=limit, cursor=listing.after
    )
    return MY_CLAIMS.answer(listing.page(response, window, limit), if_none_match, response)


@router.get(
    "/care-leavers/{care_leaver_id:uuid}/claims",
    summary="A young person's claims",
    responses=problem_responses(401, 403, 404),
)
async def list_claims_of_care_leaver(
    care_leaver_id: uuid.UUID,
    request: Request,
    response: Response,
    principal: StaffOrSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[ClaimSummary]:
    """Newest first, in every state."""
    listing = open_list(request, principal.user_id, cursor)
    window = await lists.claims_of_person(
        session, principal, care_leaver_id, limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


@router.get("/claims", summary="Claims by status", responses=problem_responses(401, 403))
async def list_claims(
    request: Request,
    response: Response,
    principal: Staff,
    session: SessionDep,
    status: Annotated[
        list[ClaimStatus] | None,
        Query(description="Repeat for several; default `submitted`: waiting for approval"),
    ] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Young people allocated to this team")] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[ClaimSummary]:
    """A manager's queue: claims of their team's young people (an admin: the whole council), waiting
    longest first."""
    listing = open_list(request, principal.user_id, cursor)
    statuses = set(status) if status else {ClaimStatus.SUBMITTED}
    window = await lists.claims_queue(
        session, principal, statuses=statuses, team_id=team_id, limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


@router.get("/claims/{claim_id}", summary="Get a claim", responses=problem_responses(401, 403, 404))
async def get_claim(
    claim_id: ClaimId, principal: StaffOrSelf, session: SessionDep, response: Response
) -> ClaimRead:
    """The claim, the decision it was made under, its approvals, payments and evidence."""
    claim = await service.get_claim(session, principal, claim_id)
    response.headers["ETag"] = claim.etag
    return claim


@router.patch(
    "/claims/{claim_id}",
    summary="Change a draft claim",
    responses=problem_responses(*_CLAIM_ERRORS, 412, 428),
)
async def update_claim(
    claim_id: ClaimId,
    body: ClaimUpdate,
    principal: StaffOrSelf,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> ClaimRead:
    """Only a draft changes; send the ETag of your last read in `If-Match`."""
    claim = await service.update_claim(session, principal, claim_id, body, if_match)
    response.headers["ETag"] = claim.etag
    return claim


@router.post(
    "/claims/{claim_id}/submit", summary="Submit a claim", responses=problem_responses(*_CLAIM_ERRORS)
)
async def submit_claim(claim_id: ClaimId, principal: StaffOrSelf, session: SessionDep) -> ClaimRead:
    """To the team manager. The stored decision for that entitlement today is kept with the claim; 422
    `claim.over_allowance` if it is more than is left."""
    return await service.submit_claim(session, principal, claim_id)


@router.post(
    "/claims/{claim_id}/approve", summary="Approve a claim", responses=problem_responses(*_CLAIM_ERRORS)
)
async def approve_claim(claim_id: ClaimId, principal: Manager, session: SessionDep) -> ClaimRead:
    """By a team manager or an admin who did not ask for or write it. Above the council's threshold a second
    approver (not the first) approves it too; the final approval commits the money, or is refused with 422
    `claim.over_allowance` if the allowance has less left."""
    return await service.approve_claim(session, principal, claim_id)


@router.post(
    "/claims/{claim_id}/decline", summary="Decline a claim", responses=problem_responses(*_CLAIM_ERRORS)
)
async def decline_claim(
    claim_id: ClaimId, body: DeclineCreate, principal: Manager, session: SessionDep
) -> ClaimRead:
    """With a reason the young person reads in the app."""
    return await service.decline_claim(session, principal, claim_id, body.reason)


@router.post(
    "/claims/{claim_id}/withdraw", summary="Withdraw a claim", responses=problem_responses(*_CLAIM_ERRORS)
)
async def withdraw_claim(
    claim_id: ClaimId, principal: StaffOrSelf, session: SessionDep, body: WithdrawCreate = _NO_REASON
) -> ClaimRead:
    """Before anything is paid; an approved claim's money goes back to the allowance. The reason is optional."""
    return await service.withdraw_claim(session, principal, claim_id, body.reason)


@router.post(
    "/claims/{claim_id}/payments",
    summary="Record a payment",
    status_code=201,
    responses=problem_responses(*_CLAIM_ERRORS),
)
async def create_payment(
    claim_id: ClaimId,
    body: PaymentCreate,
    principal: Manager,
    session: SessionDep,
    idempotency_key: MoneyKey,
) -> PaymentRead:
    """Part or all of what was approved; 422 `payment.exceeds_approved` beyond it. Exactly once per
    `Idempotency-Key`."""
    return await money.record_payment_once(session, principal, claim_id, body, idempotency_key)


@router.post(
    "/payments/{payment_id}/reversal",
    summary="Reverse a payment",
    status_code=201,
    responses=problem_responses(*_CLAIM_ERRORS),
)
async def reverse_payment(
    payment_id: PaymentId, body: ReversalCreate, principal: Manager, session: SessionDep
) -> PaymentRead:
    """A payment returned, or made in error, with the reason: the amount goes back to the allowance. 409 if
    it was reversed already."""
    return await money.reverse_payment(session, principal, payment_id, body)


@router.post(
    "/claims/{claim_id}/evidence",
    summary="Add a receipt or a quote",
    status_code=201,
    responses=problem_responses(*_CLAIM_ERRORS, 413),
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "examples": {"receipt": {"value": {"file": "%PDF-1.7 ...", "kind": "receipt"}}}
                }
            }
        }
    },
)
async def add_evidence(
    claim_id: ClaimId,
    file: Annotated[UploadFile, File(description="PDF, JPEG, PNG or HEIC; at most 10 MB")],
    principal: StaffOrSelf,
    session: SessionDep,
    kind: Annotated[Literal["receipt", "quote", "other"], Form()] = "receipt",
) -> ClaimRead:
    """Kept with the claim; the file's type is read from its content."""
    content = await file.read(evidence.MAX_BYTES + 1)
    name = (file.filename or "evidence")[-160:]
    return await evidence.add_evidence(
        session, principal, claim_id, kind=kind, file_name=name, content=content
    )


@router.get(
    "/claims/{claim_id}/evidence/{evidence_id}",
    summary="Download a receipt or a quote",
    response_class=Response,
    response_model=bytes,
    responses={
        200: {
            "description": "The file's bytes, with its own type (application/pdf, image/jpeg, image/png, image/heic)",
            "content": {
                "application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "%PDF-1.7 ...",
                }
            },
        },
        **problem_responses(401, 403, 404),
    },
)
async def get_evidence(
    claim_id: ClaimId,
    evidence_id: Annotated[uuid.UUID, Path(description="The id of one file")],
    principal: StaffOrSelf,
    session: SessionDep,
) -> Response:
    """The file as it was uploaded; never cached."""
    row = await evidence.evidence_file(session, principal, claim_id, evidence_id)
    headers = {"Cache-Control": "no-store", "Content-Disposition": 'attachment; filename="evidence"'}
    return Response(row.content, media_type=row.media_type, headers=headers)


@router.get(
    "/care-leavers/{care_leaver_id:uuid}/balances",
    summary="A young person's balances",
    responses=problem_responses(401, 403, 404),
)
async def get_balances(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[Balance]:
    """Per allowance: the cap in today's stored decision, what is committed (approved, unpaid), paid, and
    left, all from the ledger."""
    return await money.balances(session, principal, care_leaver_id)


MY_BALANCES = PrivateRead(list[Balance])


@router.get(
    "/me/balances",
    summary="My balances",
    response_model=list[Balance],
    responses={**MY_BALANCES.doc(), **problem_responses(401, 403)},
)
async def get_my_balances(
    principal: CareLeaverSelf, session: SessionDep, if_none_match: IfNoneMatch = None
) -> Response:
    """How much of each allowance you have left, and what is set aside or paid."""
    assert principal.care_leaver_id is not None
    balances = await money.balances(session, principal, principal.care_leaver_id)
    return MY_BALANCES.answer(balances, if_none_match)


@router.get(
    "/reports/spending",
    summary="Payments for the finance system",
    responses={
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": ",".join(report.COLUMNS) + "\r\n0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f30,"
                    "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f20,2026-12-04,57000,setting-up-home-allowance,LC4101,"
                    "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e10,supplier,AP-20931,\r\n",
                }
            }
        },
        **problem_responses(401, 403),
    },
)
async def get_spending_report(
    request: Request,
    response: Response,
    principal: LaAdmin,
    session: SessionDep,
    from_: Annotated[IsoDate, Query(alias="from", description="First day (paid or reversed on)")],
    to: Annotated[IsoDate, Query(description="Last day, inclusive; at most two years after `from`")],
    limit: LimitQuery = 100,
    cursor: CursorQuery = None,
) -> Page[SpendingRow]:
    """One row per payment paid or reversed in the period, with cost code, entitlement and team, and no
    names. `Accept: text/csv` streams the whole period as CSV instead of pages of JSON."""
    if "text/csv" in request.headers.get("accept", ""):
        return await _spending_csv(request, principal, session, from_, to)  # type: ignore[return-value]
    listing = open_list(request, principal.user_id, cursor)
    window = await report.spending_page(session, principal, from_, to, limit=limit, cursor=listing.after)
    return listing.page(response, window, limit)


async def _spending_csv(
    request: Request, principal: LaAdmin, session: SessionDep, first: date, last: date
) -> StreamingResponse:
    report.check_period(first, last)
    await report.audit_export(session, principal, first, last, "csv")
    assert principal.local_authority_id is not None
    rows = report.spending_csv(database_of(request), principal.local_authority_id, first, last)
    name = f"spending-{first.isoformat()}-to-{last.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return StreamingResponse(rows, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/claim-settings", summary="Your council's claim settings", responses=problem_responses(401, 403))
async def get_claim_settings(
    principal: LaAdmin, session: SessionDep, response: Response
) -> ClaimSettingsRead:
    """When a second approver is needed, and the cost codes payments are booked to."""
    found = await council_settings.get_settings(session, principal)
    response.headers["ETag"] = found.etag
    return found


@router.put(
    "/claim-settings",
    summary="Change your council's claim settings",
    responses=problem_responses(401, 403, 412, 428),
)
async def put_claim_settings(
    body: ClaimSettingsUpdate,
    principal: LaAdmin,
    session: SessionDep,
    response: Response,
    if_match: Annotated[
        str | None, if_match_header("the ETag of the settings you read", '"claim-settings.1"')
    ] = None,
) -> ClaimSettingsRead:
    """Both settings at once, with `If-Match`."""
    found = await council_settings.update_settings(session, principal, body, if_match)
    response.headers["ETag"] = found.etag
    return found
