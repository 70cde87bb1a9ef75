from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base, IdMixin
from app.events.enums import DeliveryStatus


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class WebhookSubscription(IdMixin, Base):
    """Where a council (partner_organisation_id null) or one of its partners wants events sent."""

    __tablename__ = "webhook_subscription"
    __table_args__ = (
        Index("ix_webhook_subscription_audience", "local_authority_id", "partner_organisation_id"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner_organisation.id"))
    url: Mapped[str] = mapped_column(String(2048))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(200))
    # The signing secret, sealed under a key derived from the service's secret key (app/events/signing.py).
    secret_sealed: Mapped[str] = mapped_column(String(200))
    # After a rotation the old secret also signs, until this time, so a receiver can switch over.
    previous_secret_sealed: Mapped[str | None] = mapped_column(String(200))
    previous_secret_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    secret_rotated_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()


class WebhookEvent(IdMixin, Base):
    """Something that happened, written in the same transaction as the change. Its id is the
    `webhook-id` every delivery of it carries: receivers de-duplicate on it."""

    __tablename__ = "webhook_event"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner_organisation.id"))
    event_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(default=utc_now)


class WebhookDelivery(IdMixin, Base):
    """One event to one subscription: the worker's to-do list and its record of what happened."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # What the worker asks for: pending deliveries by when they are next due.
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_subscription", "subscription_id", "id"),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_event.id"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_subscription.id"))
    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner_organisation.id"))
    event_type: Mapped[str] = mapped_column(String(64))  # the event's, so lists need no join
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utc_now)
    # A worker's claim: another worker leaves the delivery alone until the lease runs out.
    lease_token: Mapped[uuid.UUID | None] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
