"""The one query a status check runs, whatever the answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import CareLeaver, Consent
from app.decisions.models import EntitlementDecision
from app.decisions.repository import decision_on
from app.local_authorities.models import LocalAuthority


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone born on the date asked, with what the answer needs (the names and address to match)."""

    care_leaver_id: uuid.UUID
    local_authority_id: uuid.UUID
    given_name: str
    family_name: str
    address: str | None
    closed_on: date | None
    consented: bool
    outcome: str | None  # the stored decision on the date, if any


class StatusCheckRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def candidates(
        self,
        council_id: uuid.UUID,
        gss_code: str,
        date_of_birth: date,
        organisation_id: uuid.UUID,
        entitlement: str,
        on: date,
    ) -> list[Candidate]:
        """The council's care leavers born on `date_of_birth` (if `gss_code` is that council's), each with
        their active consent naming the partner organisation `organisation_id` and their stored decision
        for `entitlement` on `on`. One statement, found or not: the caller matches names and postcode."""
        stmt = (
            select(
                CareLeaver.id,
                CareLeaver.local_authority_id,
                CareLeaver.given_name,
                CareLeaver.family_name,
                CareLeaver.address,
                CareLeaver.closed_on,
                Consent.id,
                EntitlementDecision.outcome,
            )
            .join(
                LocalAuthority,
                and_(LocalAuthority.id == CareLeaver.local_authority_id, LocalAuthority.gss_code == gss_code),
            )
            .outerjoin(
                Consent,
                and_(
                    Consent.care_leaver_id == CareLeaver.id,
                    Consent.partner_organisation_id == organisation_id,
                    Consent.withdrawn_at.is_(None),
                ),
            )
            .outerjoin(
                EntitlementDecision,
                and_(
                    EntitlementDecision.care_leaver_id == CareLeaver.id,
                    EntitlementDecision.entitlement_code == entitlement,
                    decision_on(on),
                ),
            )
            .where(CareLeaver.local_authority_id == council_id, CareLeaver.date_of_birth == date_of_birth)
        )
        return [
            Candidate(pid, la, given, family, address, closed, consent is not None, outcome)
            for pid, la, given, family, address, closed, consent, outcome in (
                await self.session.execute(stmt)
            )
        ]
