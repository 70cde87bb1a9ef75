"""Billing authorities' confirmations of this month's lists, so the take-up report shows something:
of each list, about half confirmed applied (over the months since consent was given), one in four not
liable, and the rest outstanding."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import PartnerKind
from app.auth.models import PartnerOrganisation
from app.core.clock import uk_today, utc_now
from app.demo.ids import demo_id
from app.partners.enums import ConfirmationOutcome
from app.partners.models import CouncilTaxConfirmation
from app.partners.months import Period
from app.partners.service import members


async def load_council_tax(session: AsyncSession) -> int:
    today = uk_today()
    stmt = select(PartnerOrganisation).where(PartnerOrganisation.kind == PartnerKind.DISTRICT_COUNCIL)
    added = 0
    for authority in (await session.execute(stmt)).scalars():
        listed = await members(session, [authority], Period.month(today.year, today.month), today)
        for index, pid in enumerate(sorted(listed, key=str)):
            if index % 4 == 3:
                continue  # outstanding
            confirmation_id = demo_id("council-tax-confirmation", str(pid), str(authority.id))
            if await session.get(CouncilTaxConfirmation, confirmation_id) is not None:
                continue
            recorded = utc_now() - timedelta(days=30 * (index % 10) + 3)
            applied = index % 4 != 2
            session.add(
                CouncilTaxConfirmation(
                    id=confirmation_id,
                    local_authority_id=authority.local_authority_id,
                    care_leaver_id=pid,
                    partner_organisation_id=authority.id,
                    outcome=ConfirmationOutcome.APPLIED if applied else ConfirmationOutcome.NOT_LIABLE,
                    applied_from=max(listed[pid].run.first, recorded.date()) if applied else None,
                    account_reference=f"CT-{4471100 + index}" if applied else None,
                    recorded_at=recorded,
                )
            )
            added += 1
    return added
