"""Status letters through the API: issued by a PA or the young person, printed, revoked, and verified by
anyone; the councils' public keys at /.well-known/jwks.json."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import HTMLResponse

from app.api.conditional import (
    IfNoneMatch,
    PrivateRead,
    conditional_headers_doc,
    conditional_response,
    not_modified_doc,
    strong_etag,
)
from app.api.deps import PublicRoute, SessionDep, SettingsDep, get_database
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth import throttle
from app.auth.deps import CareLeaverSelf, Staff, StaffOrSelf
from app.auth.errors import TooManyAttempts
from app.core.clock import utc_now
from app.db.session import Database
from app.letters import keys, printable, service
from app.letters.enums import VerificationResult
from app.letters.errors import NoLeavingCareStatus
from app.letters.schemas import (
    LetterCreate,
    LetterRead,
    LetterSigningKeySet,
    LetterSummary,
    RevocationCreate,
    VerificationCreate,
    VerificationRead,
)

router = APIRouter(prefix="/v1", tags=["Status letters"])
public_router = APIRouter(prefix="/v1", tags=["Status letters"], route_class=PublicRoute)
jwks_router = APIRouter(tags=["Status letters"], route_class=PublicRoute)

LetterId = Annotated[uuid.UUID, Path(description="The letter's id (its token's `jti`)")]
DatabaseDep = Annotated[Database, Depends(get_database)]
_NO_STATUS = NoLeavingCareStatus("The record shows no leaving-care status today.")
_VERIFY_PATH = "/v1/status-letters/verification"
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _created(response: Response, letter: LetterRead) -> LetterRead:
    response.headers["Location"] = f"/v1/status-letters/{letter.id}/printable"
    response.headers["Cache-Control"] = "no-store"
    return letter


@router.post(
    "/care-leavers/{care_leaver_id:uuid}/status-letters",
    summary="Issue a status letter",
    status_code=201,
    responses=problem_responses(401, 403, 404, _NO_STATUS),
)
async def issue_status_letter(
    care_leaver_id: uuid.UUID,
    body: LetterCreate,
    principal: Staff,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> LetterRead:
    """A letter, signed with the council's key, confirming the young person's leaving-care status today (as
    the stored decisions give it) for a purpose: valid 90 days, or until the status ends if sooner. Needs
    write access to the record; 422 `status_letter.no_status` when the record shows no status today."""
    letter = await service.issue_letter(
        session, principal, settings.signing_key, care_leaver_id, body.purpose, utc_now()
    )
    return _created(response, letter)


@router.post(
    "/me/status-letters",
    summary="Get a letter confirming I am a care leaver",
    status_code=201,
    responses=problem_responses(401, 403, 404, _NO_STATUS),
)
async def issue_my_status_letter(
    body: LetterCreate,
    principal: CareLeaverSelf,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> LetterRead:
    """The same letter a personal adviser would issue, from the app: show it (or print it) to the training
    provider, college or landlord that asks, and they can check it themselves."""
    assert principal.care_leaver_id is not None
    letter = await service.issue_letter(
        session,
        principal,
        settings.signing_key,
        principal.care_leaver_id,
        body.purpose,
        utc_now(),
        by_young_person=True,
    )
    return _created(response, letter)


@router.get(
    "/care-leavers/{care_leaver_id:uuid}/status-letters",
    summary="A young person's status letters",
    responses=problem_responses(401, 403, 404),
)
async def list_status_letters(
    care_leaver_id: uuid.UUID,
    request: Request,
    response: Response,
    principal: StaffOrSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[LetterSummary]:
    """Every letter issued for them, newest first, each `valid`, `expired` or `revoked` now."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_letters(
        session, principal, care_leaver_id, utc_now(), limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


MY_LETTERS = PrivateRead(Page[LetterSummary])


@router.get(
    "/me/status-letters",
    summary="My status letters",
    response_model=Page[LetterSummary],
    responses={**MY_LETTERS.doc(), **problem_responses(401, 403, 404)},
)
async def list_my_status_letters(
    request: Request,
    response: Response,
    principal: CareLeaverSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The letters issued for you, newest first."""
    assert principal.care_leaver_id is not None
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_letters(
        session, principal, principal.care_leaver_id, utc_now(), limit=limit, cursor=listing.after
    )
    return MY_LETTERS.answer(listing.page(response, window, limit), if_none_match, response)


@router.get(
    "/status-letters/{letter_id:uuid}/printable",
    summary="A status letter to print or show",
    response_class=HTMLResponse,
    response_model=str,
    responses={
        200: {
            "description": "One self-contained HTML page with the letter's token as a QR code (no scripts or "
            "external assets)",
            "content": {"text/html": {"example": printable.EXAMPLE}},
        },
        **problem_responses(401, 403, 404),
    },
)
async def get_printable_status_letter(
    letter_id: LetterId, principal: StaffOrSelf, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The letter in plain words with a QR code of its token, for the young person to print, save as PDF or
    show on their phone. Recorded in the audit trail as an export."""
    letter, council = await service.printable_letter(session, principal, letter_id)
    state = service.state_of(letter, utc_now())
    page = printable.render(letter, council, state, settings.public_base_url.rstrip("/") + _VERIFY_PATH)
    headers = {"Content-Security-Policy": printable.CONTENT_SECURITY_POLICY, "Cache-Control": "no-store"}
    return HTMLResponse(page, headers=headers)


@router.post(
    "/status-letters/{letter_id:uuid}/revocation",
    summary="Revoke a status letter",
    responses=problem_responses(401, 403, 404),
)
async def revoke_status_letter(
    letter_id: LetterId, body: RevocationCreate, principal: Staff, session: SessionDep
) -> LetterRead:
    """From now on the letter verifies as `revoked` (issued in error, or the status it states has changed).
    Needs write access to the young person's record; revoking a revoked letter changes nothing."""
    return await service.revoke_letter(session, principal, letter_id, body.reason, utc_now())


@public_router.post(
    "/status-letters/verification",
    summary="Check a status letter (no account needed)",
    responses=problem_responses(TooManyAttempts(retry_after=30)),
)
async def verify_status_letter(
    body: VerificationCreate,
    request: Request,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    response: Response,
) -> VerificationRead:
    """For a training provider, college or landlord shown a letter: `valid` (with what it states), `expired`,
    `revoked`, or `invalid` (forged, altered or unreadable), and nothing else. Tokens that are not letters
    of ours slow the sender down like failed sign-ins (429 with `Retry-After`); genuine ones never count."""
    response.headers["Cache-Control"] = "no-store"
    now = utc_now()
    host = request.client.host if request.client else None
    attempt = await throttle.reserve(
        database, settings, throttle.Keys.of("status-letter-verification", host, scope="status-letter"), now
    )
    answer = await service.verify_letter(session, body.token, now)
    if answer.result is not VerificationResult.INVALID:
        await throttle.forgive(session, attempt)
    return answer


@jwks_router.get(
    "/.well-known/jwks.json",
    summary="The councils' letter-signing keys",
    response_model=LetterSigningKeySet,
    responses={
        200: {
            "description": "A JSON Web Key Set (RFC 7517): every council's current key and the retired ones "
            "letters may still be signed with",
            "headers": conditional_headers_doc(),
        },
        **not_modified_doc(),
    },
)
async def get_letter_signing_keys(session: SessionDep, if_none_match: IfNoneMatch = None) -> Response:
    """Public keys to check status letters offline: a letter's header names its key (`kid`). A retired key
    stays here until every letter it signed has expired. Revalidate with `If-None-Match` (304)."""
    body, changed = await keys.jwks_document(session, utc_now())
    return conditional_response(
        body,
        etag=strong_etag(body),
        last_modified=changed or _EPOCH,
        if_none_match=if_none_match,
        if_modified_since=None,
    )
