"""Webhook subscriptions for the test world: the City's own (`sub_city`, for claims) and Ashfield's
(`sub_ash`, the County's partner, for its list), each with one dead-lettered delivery
(`delivery_city`, `delivery_ash`)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.events import signing
from app.events.enums import DeliveryStatus, EventType
from app.events.models import WebhookDelivery, WebhookSubscription
from app.events.outbox import emit
from tests.support.world import World


async def _subscription(
    session: AsyncSession, signing_key: str, w: World, types: list[EventType], owner: str, partner: bool
) -> WebhookSubscription:
    account = w.users[owner]
    assert account.local_authority_id is not None
    row = WebhookSubscription(
        id=uuid.uuid4(),
        local_authority_id=account.local_authority_id,
        partner_organisation_id=account.partner_organisation_id if partner else None,
        url="https://hooks.example.org/local-offer",
        event_types=[t.value for t in types],
        created_by=account.id,
    )
    row.secret_sealed = signing.seal(signing_key, row.id, signing.new_secret())
    session.add(row)
    await session.flush()
    return row


async def _dead(session: AsyncSession, event_id: uuid.UUID, subscription: WebhookSubscription) -> uuid.UUID:
    """Every delivery of the event given up on; the id of the one to `subscription`."""
    deliveries = await session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event_id))
    found = None
    for delivery in deliveries:
        delivery.status, delivery.attempts = DeliveryStatus.DEAD_LETTER, 32
        if delivery.subscription_id == subscription.id:
            found = delivery.id
    await session.flush()
    assert found is not None
    return found


async def add_webhooks(session: AsyncSession, signing_key: str, w: World) -> None:
    city = await _subscription(session, signing_key, w, [EventType.CLAIM_SUBMITTED], "admin_city", False)
    ash = await _subscription(
        session, signing_key, w, [EventType.COUNCIL_TAX_LIST_CHANGED], "partner_ash", True
    )
    w.ids["sub_city"], w.ids["sub_ash"] = city.id, ash.id
    event = await emit(
        session,
        EventType.CLAIM_SUBMITTED,
        {"claim_id": uuid.uuid4()},
        local_authority_id=city.local_authority_id,
    )
    w.ids["delivery_city"] = await _dead(session, event.id, city)
    event = await emit(
        session, EventType.COUNCIL_TAX_LIST_CHANGED, {"billing_authority_gss": "E07000170", "month": "2026-12"},
        local_authority_id=ash.local_authority_id, partner_organisation_id=ash.partner_organisation_id,
    )  # fmt: skip
    w.ids["delivery_ash"] = await _dead(session, event.id, ash)
