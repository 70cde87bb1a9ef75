"""The outbox: an event and its deliveries are added to the session of the change they describe.

They commit with it or not at all, so a rolled-back change sends nothing and a committed one cannot be
lost between the database and the network: the worker (app/events/worker.py) sends what is written.
Every domain that announces something calls `emit`, and nothing else, here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utc_now
from app.events.enums import AUDIENCE, PAYLOAD_KEYS, Audience, DeliveryStatus, EventType
from app.events.models import WebhookDelivery, WebhookEvent, WebhookSubscription


async def emit(
    session: AsyncSession,
    event_type: EventType,
    payload: dict[str, Any],
    *,
    local_authority_id: uuid.UUID,
    partner_organisation_id: uuid.UUID | None = None,
    not_before: datetime | None = None,
) -> WebhookEvent:
    """Record `event_type` for the council's own subscribers (a council event) or for one partner's (a partner
    event), with one delivery per subscription that asked for it. Ids only in `payload` (PAYLOAD_KEYS).
    `not_before` holds the deliveries back until then (a push in the council's quiet hours)."""
    _check(event_type, payload, partner_organisation_id)
    now = utc_now()
    event = WebhookEvent(
        id=uuid.uuid4(),
        local_authority_id=local_authority_id,
        partner_organisation_id=partner_organisation_id,
        event_type=event_type.value,
        data={k: str(v) for k, v in payload.items()},
        occurred_at=now,
    )
    session.add(event)
    await session.flush()  # before its deliveries: no relationship orders the inserts
    for subscription_id in await _subscribed(
        session, event_type, local_authority_id, partner_organisation_id
    ):
        session.add(
            WebhookDelivery(
                event_id=event.id,
                subscription_id=subscription_id,
                local_authority_id=local_authority_id,
                partner_organisation_id=partner_organisation_id,
                event_type=event_type.value,
                next_attempt_at=max(now, not_before or now),
                created_at=now,
            )
        )
    await session.flush()
    return event


async def _subscribed(
    session: AsyncSession,
    event_type: EventType,
    local_authority_id: uuid.UUID,
    partner_organisation_id: uuid.UUID | None,
) -> list[uuid.UUID]:
    """The live subscriptions that asked for `event_type`: the council's own, or one partner's."""
    audience = (
        WebhookSubscription.partner_organisation_id.is_(None)
        if partner_organisation_id is None
        else WebhookSubscription.partner_organisation_id == partner_organisation_id
    )
    subscriptions = await session.execute(
        select(WebhookSubscription.id, WebhookSubscription.event_types).where(
            WebhookSubscription.local_authority_id == local_authority_id,
            audience,
            WebhookSubscription.deleted_at.is_(None),
        )
    )
    return [subscription_id for subscription_id, types in subscriptions if event_type.value in types]


def _check(event_type: EventType, payload: dict[str, Any], partner_organisation_id: uuid.UUID | None) -> None:
    if set(payload) != PAYLOAD_KEYS[event_type]:
        raise ValueError(f"{event_type} carries exactly {sorted(PAYLOAD_KEYS[event_type])}")
    if (AUDIENCE[event_type] is Audience.PARTNER) != (partner_organisation_id is not None):
        raise ValueError(f"{event_type} is for {AUDIENCE[event_type]} subscribers")


async def emit_many(
    session: AsyncSession,
    event_type: EventType,
    payloads: Sequence[dict[str, Any]],
    *,
    local_authority_id: uuid.UUID,
    not_before: datetime | None = None,
) -> int:
    """`emit` for many council events of one type at once (a new offer: one push per young person of the
    council): one query for the subscriptions and one multi-row INSERT each for the events and their
    deliveries, however many there are. Returns how many events."""
    for payload in payloads:
        _check(event_type, payload, None)
    if not payloads:
        return 0
    now = utc_now()
    events = [
        {
            "id": uuid.uuid4(),
            "local_authority_id": local_authority_id,
            "partner_organisation_id": None,
            "event_type": event_type.value,
            "data": {k: str(v) for k, v in payload.items()},
            "occurred_at": now,
        }
        for payload in payloads
    ]
    await session.execute(insert(WebhookEvent), events)
    wanted = await _subscribed(session, event_type, local_authority_id, None)
    deliveries = [
        {
            "id": uuid.uuid4(),
            "event_id": event["id"],
            "subscription_id": subscription_id,
            "local_authority_id": local_authority_id,
            "partner_organisation_id": None,
            "event_type": event_type.value,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": max(now, not_before or now),
            "created_at": now,
        }
        for subscription_id in wanted
        for event in events
    ]
    if deliveries:
        await session.execute(insert(WebhookDelivery), deliveries)
    return len(events)


def body_of(event: WebhookEvent) -> bytes:
    """The request body, the same bytes on every attempt (Standard Webhooks' envelope)."""
    envelope = {
        "id": str(event.id),
        "type": event.event_type,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "local_authority_id": str(event.local_authority_id),
        "data": event.data,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


async def emit_to_subscribed_partners(
    session: AsyncSession, event_type: EventType, payload: dict[str, Any], *, local_authority_id: uuid.UUID
) -> int:
    """A partner event for every partner of the council subscribed to it (a status letter revoked: whoever
    holds the letter may be any of them, and the event names only the letter). Returns how many."""
    partners = await session.scalars(
        select(WebhookSubscription.partner_organisation_id)
        .where(
            WebhookSubscription.local_authority_id == local_authority_id,
            WebhookSubscription.partner_organisation_id.is_not(None),
            WebhookSubscription.deleted_at.is_(None),
        )
        .distinct()
    )
    found = [p for p in partners if p is not None]
    for partner in found:
        await emit(
            session,
            event_type,
            payload,
            local_authority_id=local_authority_id,
            partner_organisation_id=partner,
        )
    return len(found)
