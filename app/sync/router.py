"""`/v1/me/sync`: the offline app's one way to stay up to date, and to send what it did offline."""

from __future__ import annotations

import gzip
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from app.api.conditional import PRIVATE_CACHE_CONTROL, PRIVATE_VARY, IfNoneMatch, etag_matches
from app.api.deps import SessionDep
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf
from app.entitlements.fast_path import current_offers
from app.sync import service
from app.sync.errors import CursorExpired, InvalidSyncCursor
from app.sync.schemas import PushResults, SyncPage, SyncPush

router = APIRouter(prefix="/v1/me", tags=["Offline sync"])

GZIP_ABOVE = 1024  # bytes: smaller answers are sent as they are


@router.get(
    "/sync",
    summary="Sync my app",
    response_model=SyncPage,
    responses={
        200: {"model": SyncPage, "description": "Everything (no cursor), or what changed since the cursor"},
        304: {"description": "Nothing changed since this cursor (If-None-Match matched); no body"},
        **problem_responses(401, 403, CursorExpired("x"), InvalidSyncCursor("x")),
    },
)
async def sync_my_app(
    request: Request,
    principal: CareLeaverSelf,
    session: SessionDep,
    cursor: Annotated[
        str | None,
        Query(max_length=64, description="The `cursor` of your last sync; none for a full snapshot"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Items per answer")] = 500,
    if_none_match: IfNoneMatch = None,
    accept_encoding: Annotated[str | None, Header(max_length=512, include_in_schema=False)] = None,
) -> Response:
    """Everything you may see in the app, as items kept on the phone: your record and legal status, your
    entitlements (the stored decisions) and balances, your claims, your pathway plan and each of its
    actions, your adviser and the duty and out-of-hours numbers, your contacts and call-back requests,
    your consents, what the billing authorities did about council tax, and your council's offer.

    Without `cursor`: a snapshot. With the `cursor` of your last answer: only what changed since, in
    order, with anything you may no longer see as a tombstone (`{"type", "id", "deleted": true}`):
    delete it from the phone. When `has_more` is true, ask again at once with the new `cursor`.

    The cursor is a position in the server's own sequence of your changes, never a clock. Changes are
    kept 30 days: an older cursor answers **410 `sync.cursor_expired`**; then sync again without a
    cursor and carry on from that answer. Send `If-None-Match` with the last ETag for a 304, and
    `Accept-Encoding: gzip` for a compressed answer."""
    offers = current_offers(request)
    pulled = await service.pull(session, principal, cursor, limit, offers)
    gzipped = "gzip" in (accept_encoding or "").lower()
    etag = pulled.etag[:-1] + '-gzip"' if gzipped else pulled.etag
    headers = {
        "ETag": etag,
        "Cache-Control": PRIVATE_CACHE_CONTROL,
        "Vary": f"{PRIVATE_VARY}, Accept-Encoding",
    }
    if if_none_match is not None and (
        etag_matches(if_none_match, etag) or etag_matches(if_none_match, pulled.etag)
    ):
        return Response(status_code=304, headers=headers)
    body = await service.body_of(session, principal, pulled, offers)
    if gzipped and len(body) > GZIP_ABOVE:
        body = gzip.compress(body, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    else:
        headers["ETag"] = pulled.etag
    return Response(body, media_type="application/json", headers=headers)


@router.post(
    "/sync",
    summary="Send what I did offline",
    response_model=PushResults,
    responses=problem_responses(401, 403),
)
async def push_my_changes(
    request: Request, body: SyncPush, principal: CareLeaverSelf, session: SessionDep
) -> PushResults:
    """Changes made on the phone while offline, each with an `id` made on the phone: a comment on your
    plan, progress on an action (with the `version` of the action you changed as `base_version`), a
    call-back request, a claim draft. Each gets its own result, in order:

    - `applied`: done, with the item as it is now;
    - `duplicate`: this `id` was applied before (for 30 days), nothing done again;
    - `conflict`: the item changed since your `base_version` (your adviser changed it too): `current` is
      what it is now; nothing was overwritten. Show both, let the young person choose, and send the
      change again (same `id`) with the new `version`;
    - `rejected`: refused, with a `problem` saying why; nothing changed.

    One change refused or in conflict never stops the others."""
    return PushResults(results=await service.push(session, principal, body.changes, current_offers(request)))
