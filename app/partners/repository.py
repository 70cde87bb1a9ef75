"""All SQL for the council-tax lists: billing authorities, the stored answers and consents a period's
list is reckoned from, and confirmations."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import PartnerKind
from app.auth.models import PartnerOrganisation
from app.care_leavers.models import CareLeaver, Consent
from app.care_leavers.repository import BY_NAME
from app.db.pagination import Position, Window, keyset_page
from app.decisions.models import EntitlementDecision
from app.decisions.repository import answered
from app.partners.models import CouncilTaxConfirmation
from app.partners.months import Standing, merge

ENTITLEMENT = "council-tax-exemption"
LIABILITY = "liable_for_council_tax"
# The record does not say whether someone is liable for council tax on their home, which the billing
# authority knows (it bills them): the list is everyone whose answer is eligible, or unknown for want of
# that fact alone.
LISTED = answered("eligible", or_unknown_only_for=LIABILITY)


class CouncilTaxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def billing_authorities(
        self, local_authority_id: uuid.UUID, gss_code: str | None = None
    ) -> list[PartnerOrganisation]:
        """The council's partners that bill council tax (a district, or a unitary council's own team)."""
        stmt = (
            select(PartnerOrganisation)
            .where(
                PartnerOrganisation.local_authority_id == local_authority_id,
                PartnerOrganisation.kind == PartnerKind.DISTRICT_COUNCIL,
                PartnerOrganisation.district_gss_code.is_not(None),
            )
            .order_by(PartnerOrganisation.name)
        )
        if gss_code is not None:
            stmt = stmt.where(PartnerOrganisation.district_gss_code == gss_code)
        return list((await self.session.execute(stmt)).scalars())

    async def organisation(self, organisation_id: uuid.UUID) -> PartnerOrganisation | None:
        return await self.session.get(PartnerOrganisation, organisation_id)

    async def standings(
        self,
        authority: PartnerOrganisation,
        first: date,
        last: date,
        care_leaver_ids: Collection[uuid.UUID] | None = None,
    ) -> dict[uuid.UUID, Standing]:
        """Everyone the stored answers put on `authority`'s list on some day from `first` to `last`, with
        all their runs there and every consent naming it: three indexed queries."""
        gss = authority.district_gss_code
        overlapping = select(EntitlementDecision.care_leaver_id).where(
            EntitlementDecision.local_authority_id == authority.local_authority_id,
            EntitlementDecision.entitlement_code == ENTITLEMENT,
            EntitlementDecision.district_gss_code == gss,
            EntitlementDecision.valid_from <= last,
            or_(EntitlementDecision.valid_to.is_(None), EntitlementDecision.valid_to >= first),
            LISTED,
        )
        if care_leaver_ids is not None:
            overlapping = overlapping.where(EntitlementDecision.care_leaver_id.in_(list(care_leaver_ids)))
        people = (
            await self.session.execute(
                select(CareLeaver.id, CareLeaver.date_of_birth, CareLeaver.closed_on).where(
                    CareLeaver.id.in_(overlapping.distinct())
                )
            )
        ).all()
        found = {pid: Standing(pid, born, closed) for pid, born, closed in people}
        if not found:
            return found
        ids = list(found)
        rows = await self.session.execute(
            select(
                EntitlementDecision.care_leaver_id,
                EntitlementDecision.valid_from,
                EntitlementDecision.valid_to,
            )
            .where(
                EntitlementDecision.care_leaver_id.in_(ids),
                EntitlementDecision.entitlement_code == ENTITLEMENT,
                EntitlementDecision.district_gss_code == gss,
                LISTED,
            )
            .order_by(EntitlementDecision.care_leaver_id, EntitlementDecision.valid_from)
        )
        segments: dict[uuid.UUID, list[tuple[date, date | None]]] = {i: [] for i in ids}
        for pid, valid_from, valid_to in rows.all():
            segments[pid].append((valid_from, valid_to))
        for pid, standing in found.items():
            standing.runs = merge(segments[pid])
        consents = await self.session.execute(
            select(Consent.care_leaver_id, Consent.given_at, Consent.withdrawn_at)
            .where(Consent.care_leaver_id.in_(ids), Consent.partner_organisation_id == authority.id)
            .order_by(Consent.given_at)
        )
        for pid, given_at, withdrawn_at in consents.all():
            found[pid].consents.append((given_at.date(), withdrawn_at.date() if withdrawn_at else None))
        return found

    async def page_people(
        self, ids: Collection[uuid.UUID], *, limit: int, cursor: Position | None
    ) -> Window[CareLeaver]:
        stmt = select(CareLeaver).where(CareLeaver.id.in_(list(ids)))
        return await keyset_page(self.session, stmt, BY_NAME, limit=limit, cursor=cursor)

    async def people(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, CareLeaver]:
        if not ids:
            return {}
        stmt = select(CareLeaver).where(CareLeaver.id.in_(list(ids)))
        return {p.id: p for p in (await self.session.execute(stmt)).scalars()}

    async def confirmation(
        self, care_leaver_id: uuid.UUID, organisation_id: uuid.UUID
    ) -> CouncilTaxConfirmation | None:
        stmt = select(CouncilTaxConfirmation).where(
            CouncilTaxConfirmation.care_leaver_id == care_leaver_id,
            CouncilTaxConfirmation.partner_organisation_id == organisation_id,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def confirmations_of(
        self, care_leaver_id: uuid.UUID
    ) -> list[tuple[CouncilTaxConfirmation, PartnerOrganisation]]:
        stmt = (
            select(CouncilTaxConfirmation, PartnerOrganisation)
            .join(
                PartnerOrganisation, PartnerOrganisation.id == CouncilTaxConfirmation.partner_organisation_id
            )
            .where(CouncilTaxConfirmation.care_leaver_id == care_leaver_id)
            .order_by(CouncilTaxConfirmation.recorded_at)
        )
        return [(c, o) for c, o in (await self.session.execute(stmt)).all()]

    async def confirmations_for(
        self, organisation_id: uuid.UUID, care_leaver_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, CouncilTaxConfirmation]:
        if not care_leaver_ids:
            return {}
        stmt = select(CouncilTaxConfirmation).where(
            and_(
                CouncilTaxConfirmation.partner_organisation_id == organisation_id,
                CouncilTaxConfirmation.care_leaver_id.in_(list(care_leaver_ids)),
            )
        )
        return {c.care_leaver_id: c for c in (await self.session.execute(stmt)).scalars()}
