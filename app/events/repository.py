"""Subscriptions and deliveries as the API sees them, scoped to the caller: a council's admin sees the
council's own and its partners'; a partner sees its own."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import PartnerOrganisation
from app.db.pagination import Position, SortKey, Window, keyset_page
from app.events.enums import DeliveryStatus
from app.events.models import WebhookDelivery, WebhookSubscription

NEWEST_SUBSCRIPTION = SortKey("newest", (WebhookSubscription.id,), descending=True)
NEWEST_DELIVERY = SortKey("newest", (WebhookDelivery.id,), descending=True)


class Scope:
    """Which rows a caller reaches: one council's, or one partner's."""

    def __init__(self, local_authority_id: uuid.UUID, partner_organisation_id: uuid.UUID | None) -> None:
        self.local_authority_id = local_authority_id
        self.partner_organisation_id = partner_organisation_id

    def of(self, model: type[WebhookSubscription] | type[WebhookDelivery]) -> list[ColumnElement[bool]]:
        where = [model.local_authority_id == self.local_authority_id]
        if self.partner_organisation_id is not None:
            where.append(model.partner_organisation_id == self.partner_organisation_id)
        return where


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def partner_of_council(self, local_authority_id: uuid.UUID, partner_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(PartnerOrganisation.id).where(
                PartnerOrganisation.id == partner_id,
                PartnerOrganisation.local_authority_id == local_authority_id,
            )
        )
        return found is not None

    async def subscription(self, scope: Scope, subscription_id: uuid.UUID) -> WebhookSubscription | None:
        found: WebhookSubscription | None = await self.session.scalar(
            select(WebhookSubscription).where(
                WebhookSubscription.id == subscription_id,
                WebhookSubscription.deleted_at.is_(None),
                *scope.of(WebhookSubscription),
            )
        )
        return found

    async def subscriptions(self, scope: Scope, *, limit: int, cursor: Position | None) -> Window[Any]:
        stmt = select(WebhookSubscription).where(
            WebhookSubscription.deleted_at.is_(None), *scope.of(WebhookSubscription)
        )
        return await keyset_page(self.session, stmt, NEWEST_SUBSCRIPTION, limit=limit, cursor=cursor)

    def _deliveries(self, scope: Scope) -> Select[Any]:
        return select(WebhookDelivery).where(*scope.of(WebhookDelivery))

    async def deliveries(
        self,
        scope: Scope,
        *,
        status: DeliveryStatus | None,
        subscription_id: uuid.UUID | None,
        limit: int,
        cursor: Position | None,
    ) -> Window[Any]:
        stmt = self._deliveries(scope)
        if status is not None:
            stmt = stmt.where(WebhookDelivery.status == status)
        if subscription_id is not None:
            stmt = stmt.where(WebhookDelivery.subscription_id == subscription_id)
        return await keyset_page(self.session, stmt, NEWEST_DELIVERY, limit=limit, cursor=cursor)

    async def delivery(
        self, scope: Scope, delivery_id: uuid.UUID, *, for_update: bool = False
    ) -> WebhookDelivery | None:
        stmt = self._deliveries(scope).where(WebhookDelivery.id == delivery_id)
        if for_update:
            stmt = stmt.with_for_update()
        found: WebhookDelivery | None = await self.session.scalar(stmt)
        return found

    async def cancel_pending(self, subscription_id: uuid.UUID) -> None:
        await self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.subscription_id == subscription_id,
                WebhookDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.DEAD_LETTER]),
            )
            .values(status=DeliveryStatus.CANCELLED, lease_token=None, lease_until=None)
        )
