"""Use cases behind the webhook endpoints: subscriptions, their secrets, deliveries and replays."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record
from app.auth.enums import Role
from app.auth.principal import Principal
from app.core.clock import utc_now
from app.core.errors import field_error
from app.core.settings import Environment, Settings
from app.db.pagination import Position, Window
from app.events import addresses, signing
from app.events.enums import AUDIENCE, Audience, DeliveryStatus
from app.events.errors import DeliveryNotFound, InvalidSubscription, NotDeadLetter, SubscriptionNotFound
from app.events.models import WebhookDelivery, WebhookSubscription
from app.events.repository import EventRepository, Scope
from app.events.schemas import (
    WebhookDeliveryRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionRead,
)

# After a rotation the old secret keeps signing (beside the new one) for this long.
ROTATION_OVERLAP = timedelta(hours=24)
SUBSCRIPTION_NOT_FOUND = "No webhook subscription with that id is yours to see."
DELIVERY_NOT_FOUND = "No webhook delivery with that id is yours to see."


def scope_of(principal: Principal) -> Scope:
    assert principal.local_authority_id is not None  # the routes admit council admins and partners only
    if principal.has(Role.LA_ADMIN):
        return Scope(principal.local_authority_id, None)
    assert principal.partner_organisation_id is not None
    return Scope(principal.local_authority_id, principal.partner_organisation_id)


def subscription_read(row: WebhookSubscription) -> WebhookSubscriptionRead:
    return WebhookSubscriptionRead.model_validate(row, from_attributes=True)


def delivery_read(row: WebhookDelivery) -> WebhookDeliveryRead:
    return WebhookDeliveryRead.model_validate(row, from_attributes=True)


def _check_url(settings: Settings, url: str) -> None:
    parts = urlsplit(url)
    # Secrets and events travel only over TLS, except to a receiver on a developer's own machine.
    schemes = (
        {"https", "http"}
        if settings.environment in {Environment.DEVELOPMENT, Environment.TEST}
        else {"https"}
    )
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise InvalidSubscription(
            "A webhook URL is an https:// address with a host name and no credentials in it.",
            errors=[field_error("url", f"must be {' or '.join(sorted(schemes))} with a host")],
        )


async def create_subscription(
    session: AsyncSession, settings: Settings, principal: Principal, body: WebhookSubscriptionCreate
) -> WebhookSubscriptionCreated:
    scope = scope_of(principal)
    _check_url(settings, body.url)
    host = urlsplit(body.url).hostname or ""
    if addresses.guarded(settings) and not await addresses.public_host(host):
        raise InvalidSubscription(
            "A webhook URL must reach a public internet address: this one names, or resolves to, a private, "
            "local or unknown one.",
            errors=[field_error("url", "not a public internet address")],
        )
    partner_id = scope.partner_organisation_id
    if partner_id is not None and body.partner_organisation_id not in (None, partner_id):
        raise InvalidSubscription(
            "A partner subscribes for itself only.",
            errors=[field_error("partner_organisation_id", "leave it out, or give your own")],
        )
    if partner_id is None and body.partner_organisation_id is not None:
        if not await EventRepository(session).partner_of_council(
            scope.local_authority_id, body.partner_organisation_id
        ):
            raise InvalidSubscription(
                "That is not one of your council's partner organisations.",
                errors=[field_error("partner_organisation_id", "not a partner of your council")],
            )
        partner_id = body.partner_organisation_id
    audience = Audience.COUNCIL if partner_id is None else Audience.PARTNER
    wrong = sorted(t.value for t in body.event_types if AUDIENCE[t] is not audience)
    if wrong:
        raise InvalidSubscription(
            f"These events are not sent to a {audience.value}: {', '.join(wrong)}.",
            errors=[field_error("event_types", f"not for a {audience.value}: {', '.join(wrong)}")],
        )
    secret = signing.new_secret()
    row = WebhookSubscription(
        id=uuid.uuid4(),
        local_authority_id=scope.local_authority_id,
        partner_organisation_id=partner_id,
        url=body.url,
        event_types=sorted({t.value for t in body.event_types}),
        description=body.description,
        created_at=utc_now(),
        created_by=principal.user_id,
    )
    row.secret_sealed = signing.seal(settings.signing_key, row.id, secret)
    session.add(row)
    await session.flush()
    await _audit(
        session, principal, AuditAction.CREATE, row, {"url": row.url, "event_types": row.event_types}
    )
    return WebhookSubscriptionCreated(**subscription_read(row).model_dump(), secret=secret)


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: AuditAction,
    row: WebhookSubscription,
    details: dict[str, object],
) -> None:
    await record(
        session, principal.as_actor(), action, "webhook_subscription",
        resource_id=row.id, local_authority_id=row.local_authority_id, details=details,
    )  # fmt: skip


async def _subscription(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID
) -> WebhookSubscription:
    row = await EventRepository(session).subscription(scope_of(principal), subscription_id)
    if row is None:
        raise SubscriptionNotFound(SUBSCRIPTION_NOT_FOUND)
    return row


async def get_subscription(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID
) -> WebhookSubscriptionRead:
    return subscription_read(await _subscription(session, principal, subscription_id))


async def list_subscriptions(
    session: AsyncSession, principal: Principal, *, limit: int, cursor: Position | None
) -> Window[WebhookSubscriptionRead]:
    window = await EventRepository(session).subscriptions(scope_of(principal), limit=limit, cursor=cursor)
    return window.map(subscription_read)


async def delete_subscription(
    session: AsyncSession, principal: Principal, subscription_id: uuid.UUID
) -> None:
    """Stop sending: what was waiting (or dead) for it is cancelled; what was delivered stays listed."""
    row = await _subscription(session, principal, subscription_id)
    row.deleted_at = utc_now()
    await EventRepository(session).cancel_pending(row.id)
    await _audit(session, principal, AuditAction.DELETE, row, {})


async def rotate_secret(
    session: AsyncSession, settings: Settings, principal: Principal, subscription_id: uuid.UUID
) -> WebhookSubscriptionCreated:
    row = await _subscription(session, principal, subscription_id)
    now = utc_now()
    secret = signing.new_secret()
    row.previous_secret_sealed, row.previous_secret_until = row.secret_sealed, now + ROTATION_OVERLAP
    row.secret_sealed = signing.seal(settings.signing_key, row.id, secret)
    row.secret_rotated_at = now
    await session.flush()
    await _audit(session, principal, AuditAction.UPDATE, row, {"secret": "rotated"})
    return WebhookSubscriptionCreated(**subscription_read(row).model_dump(), secret=secret)


async def list_deliveries(
    session: AsyncSession,
    principal: Principal,
    *,
    status: DeliveryStatus | None,
    subscription_id: uuid.UUID | None,
    limit: int,
    cursor: Position | None,
) -> Window[WebhookDeliveryRead]:
    window = await EventRepository(session).deliveries(
        scope_of(principal), status=status, subscription_id=subscription_id, limit=limit, cursor=cursor
    )
    return window.map(delivery_read)


async def get_delivery(
    session: AsyncSession, principal: Principal, delivery_id: uuid.UUID
) -> WebhookDeliveryRead:
    row = await EventRepository(session).delivery(scope_of(principal), delivery_id)
    if row is None:
        raise DeliveryNotFound(DELIVERY_NOT_FOUND)
    return delivery_read(row)


async def replay_delivery(
    session: AsyncSession, principal: Principal, delivery_id: uuid.UUID
) -> WebhookDeliveryRead:
    """A dead letter goes back in the queue with its attempts reset; the same event id, so a receiver that
    did get it after all throws the repeat away."""
    row = await EventRepository(session).delivery(scope_of(principal), delivery_id, for_update=True)
    if row is None:
        raise DeliveryNotFound(DELIVERY_NOT_FOUND)
    if row.status is not DeliveryStatus.DEAD_LETTER:
        raise NotDeadLetter(
            f"This delivery is {row.status.value.replace('_', ' ')}; only a dead letter is replayed."
        )
    row.status, row.attempts, row.next_attempt_at = DeliveryStatus.PENDING, 0, utc_now()
    row.lease_token = row.lease_until = None
    await session.flush()
    await record(
        session, principal.as_actor(), AuditAction.UPDATE, "webhook_delivery",
        resource_id=row.id, local_authority_id=row.local_authority_id, details={"replayed": True},
    )  # fmt: skip
    return delivery_read(row)
