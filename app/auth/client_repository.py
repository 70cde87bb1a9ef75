"""Partner agreements and partner clients (app/auth/clients.py decides what they mean)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import PartnerAgreement, PartnerClient, UsedClientAssertion


class PartnerAccessRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def agreements(self, partner_organisation_id: uuid.UUID) -> list[PartnerAgreement]:
        """Every agreement the organisation has had, the newest first."""
        stmt = (
            select(PartnerAgreement)
            .where(PartnerAgreement.partner_organisation_id == partner_organisation_id)
            .order_by(PartnerAgreement.recorded_at.desc(), PartnerAgreement.id.desc())
        )
        return list((await self.session.execute(stmt)).scalars())

    async def end_agreement(self, partner_organisation_id: uuid.UUID, purpose: str, now: datetime) -> bool:
        """End the agreement in force for `purpose` (False: there was none)."""
        result = await self.session.execute(
            update(PartnerAgreement)
            .where(
                PartnerAgreement.partner_organisation_id == partner_organisation_id,
                PartnerAgreement.purpose == purpose,
                PartnerAgreement.ended_at.is_(None),
            )
            .values(ended_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def agreement_in_force(
        self, partner_organisation_id: uuid.UUID, purpose: str, user_id: uuid.UUID
    ) -> tuple[PartnerAgreement | None, PartnerClient | None]:
        """The organisation's agreement in force for `purpose`, and the client acting as `user_id` (None
        for a person's account). One statement, whoever asks."""
        stmt = (
            select(PartnerAgreement, PartnerClient)
            .select_from(PartnerAgreement)
            .outerjoin(PartnerClient, PartnerClient.user_id == user_id)
            .where(
                PartnerAgreement.partner_organisation_id == partner_organisation_id,
                PartnerAgreement.purpose == purpose,
                PartnerAgreement.ended_at.is_(None),
            )
        )
        row = (await self.session.execute(stmt)).first()
        if row is None:
            return None, None
        return row[0], row[1]

    async def clients(self, partner_organisation_id: uuid.UUID) -> list[PartnerClient]:
        stmt = (
            select(PartnerClient)
            .where(PartnerClient.partner_organisation_id == partner_organisation_id)
            .order_by(PartnerClient.created_at, PartnerClient.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def client(self, client_id: uuid.UUID) -> PartnerClient | None:
        return await self.session.get(PartnerClient, client_id)

    async def prune_used_assertions(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(UsedClientAssertion)
            .where(UsedClientAssertion.expires_at < before)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
