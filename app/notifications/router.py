"""The young person's notifications, and their council's settings for them, over HTTP. Thin handlers."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response

from app.api.conditional import IfNoneMatch, PrivateRead, if_match_header
from app.api.deps import SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, LaAdmin
from app.notifications import service
from app.notifications.errors import NotificationNotFound
from app.notifications.schemas import NotificationRead, NotificationSettingsRead, NotificationSettingsUpdate

router = APIRouter(prefix="/v1", tags=["Notifications"])


MY_NOTIFICATIONS = PrivateRead(Page[NotificationRead])


@router.get(
    "/me/notifications",
    summary="My notifications",
    response_model=Page[NotificationRead],
    responses={**MY_NOTIFICATIONS.doc(), **problem_responses(401, 403)},
)
async def list_my_notifications(
    request: Request,
    response: Response,
    principal: CareLeaverSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Newest first: what happened (a claim decided, a new adviser, a review coming up) and whether you
    have read it. The same notifications are pushed to your phone, outside your council's quiet hours."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_my_notifications(session, principal, limit=limit, cursor=listing.after)
    return MY_NOTIFICATIONS.answer(listing.page(response, window, limit), if_none_match, response)


@router.post(
    "/me/notifications/{notification_id:uuid}/read",
    summary="Mark a notification read",
    responses=problem_responses(401, 403, NotificationNotFound("")),
)
async def read_my_notification(
    notification_id: uuid.UUID, principal: CareLeaverSelf, session: SessionDep
) -> NotificationRead:
    """Idempotent: marking it read again keeps the time it was first read."""
    return await service.mark_read(session, principal, notification_id)


@router.get(
    "/notification-settings",
    summary="Your council's notification settings",
    responses=problem_responses(401, 403),
)
async def get_notification_settings(
    principal: LaAdmin, session: SessionDep, response: Response
) -> NotificationSettingsRead:
    """Quiet hours for pushes (21:00 to 08:00 UK time unless changed) and the 21Plus birthday message."""
    found = await service.get_settings(session, principal)
    response.headers["ETag"] = found.etag
    return found


@router.put(
    "/notification-settings",
    summary="Change your council's notification settings",
    responses=problem_responses(401, 403, 412, 428),
)
async def put_notification_settings(
    body: NotificationSettingsUpdate,
    principal: LaAdmin,
    session: SessionDep,
    response: Response,
    if_match: Annotated[
        str | None, if_match_header("the ETag of the settings you read", '"notification-settings.1"')
    ] = None,
) -> NotificationSettingsRead:
    """All settings at once, with `If-Match`. Pushes already held keep the time they were given."""
    found = await service.update_settings(session, principal, body, if_match)
    response.headers["ETag"] = found.etag
    return found
