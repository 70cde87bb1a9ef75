from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.api.deps import SessionDep, SettingsDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import LaAdmin, allow
from app.auth.enums import Role
from app.auth.principal import Principal
from app.events import service
from app.events.enums import DeliveryStatus
from app.events.errors import InvalidSubscription, NotDeadLetter
from app.events.schemas import (
    WebhookDeliveryRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionRead,
)

router = APIRouter(prefix="/v1", tags=["Webhooks"])

# A council's admin (the council's own subscriptions and its partners') or a partner (its own).
Subscriber = Annotated[Principal, Depends(allow(Role.LA_ADMIN, Role.PARTNER))]
_ONE = (401, 403, 404)


@router.post(
    "/webhook-subscriptions",
    summary="Subscribe to events",
    status_code=201,
    responses=problem_responses(401, 403, InvalidSubscription("")),
)
async def create_webhook_subscription(
    body: WebhookSubscriptionCreate,
    principal: Subscriber,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> WebhookSubscriptionCreated:
    """Events are POSTed to `url`, signed with the `secret` returned here (and never again: keep it). A partner
    subscribes to its own events; a council admin to the council's, or for one of its partners."""
    created = await service.create_subscription(session, settings, principal, body)
    response.headers["Location"] = f"/v1/webhook-subscriptions/{created.id}"
    return created


@router.get("/webhook-subscriptions", summary="Webhook subscriptions", responses=problem_responses(401, 403))
async def list_webhook_subscriptions(
    request: Request,
    response: Response,
    principal: Subscriber,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[WebhookSubscriptionRead]:
    """Newest first: a council admin sees the council's and its partners'; a partner its own."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_subscriptions(session, principal, limit=limit, cursor=listing.after)
    return listing.page(response, window, limit)


@router.get(
    "/webhook-subscriptions/{subscription_id:uuid}",
    summary="A webhook subscription",
    responses=problem_responses(*_ONE),
)
async def get_webhook_subscription(
    subscription_id: uuid.UUID, principal: Subscriber, session: SessionDep
) -> WebhookSubscriptionRead:
    """Where its events go and which; never its secret."""
    return await service.get_subscription(session, principal, subscription_id)


@router.delete(
    "/webhook-subscriptions/{subscription_id:uuid}",
    summary="Unsubscribe",
    status_code=204,
    responses=problem_responses(*_ONE),
)
async def delete_webhook_subscription(
    subscription_id: uuid.UUID, principal: Subscriber, session: SessionDep
) -> Response:
    """No more events are sent to it; deliveries still waiting are cancelled."""
    await service.delete_subscription(session, principal, subscription_id)
    return Response(status_code=204)


@router.post(
    "/webhook-subscriptions/{subscription_id:uuid}/secret",
    summary="Rotate a subscription's secret",
    responses=problem_responses(*_ONE),
)
async def rotate_webhook_secret(
    subscription_id: uuid.UUID, principal: Subscriber, session: SessionDep, settings: SettingsDep
) -> WebhookSubscriptionCreated:
    """A new secret, shown once. For 24 hours deliveries carry two signatures, one with each secret, so the
    receiver can switch over without missing an event."""
    return await service.rotate_secret(session, settings, principal, subscription_id)


@router.get("/webhook-deliveries", summary="Webhook deliveries", responses=problem_responses(401, 403))
async def list_webhook_deliveries(
    request: Request,
    response: Response,
    principal: Subscriber,
    session: SessionDep,
    status: Annotated[
        DeliveryStatus | None,
        Query(description="Only these; `dead_letter` for what gave up and may be replayed"),
    ] = None,
    subscription_id: Annotated[uuid.UUID | None, Query(description="Only this subscription's")] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[WebhookDeliveryRead]:
    """Newest first, each with its status, attempts and the last failure."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_deliveries(
        session, principal, status=status, subscription_id=subscription_id, limit=limit, cursor=listing.after
    )
    return listing.page(response, window, limit)


@router.get(
    "/webhook-deliveries/{delivery_id:uuid}", summary="A webhook delivery", responses=problem_responses(*_ONE)
)
async def get_webhook_delivery(
    delivery_id: uuid.UUID, principal: Subscriber, session: SessionDep
) -> WebhookDeliveryRead:
    """Its status, attempts and the last failure."""
    return await service.get_delivery(session, principal, delivery_id)


@router.post(
    "/webhook-deliveries/{delivery_id:uuid}/replay",
    summary="Replay a dead letter",
    status_code=202,
    responses=problem_responses(*_ONE, NotDeadLetter("")),
)
async def replay_webhook_delivery(
    delivery_id: uuid.UUID, principal: LaAdmin, session: SessionDep
) -> WebhookDeliveryRead:
    """Send a delivery that gave up again, from its first attempt, with the same event id."""
    return await service.replay_delivery(session, principal, delivery_id)
