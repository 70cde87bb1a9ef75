"""Monthly notices to the billing authorities, as webhooks: `council_tax.list_changed` when anyone joined
or left an authority's list for the month, and `council_tax.confirmation_due` while anyone on it has no
confirmation back. Each is sent once per authority and month, however often this runs: run
`python -m app council-tax-notices` daily (or on the first of each month) from the scheduler that runs
the service's other jobs. The events name the authority and the month only; the authority reads the
list with its own credentials."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.events.enums import EventType
from app.events.models import WebhookEvent
from app.events.outbox import emit
from app.partners import months
from app.partners.months import Period
from app.partners.repository import CouncilTaxRepository
from app.partners.service import changes_for


async def _sent(session: AsyncSession, organisation_id: uuid.UUID, event_type: EventType, month: str) -> bool:
    stmt = select(WebhookEvent.data).where(
        WebhookEvent.partner_organisation_id == organisation_id, WebhookEvent.event_type == event_type.value
    )
    return any(data.get("month") == month for data in (await session.scalars(stmt)))


async def send_notices(
    session: AsyncSession, local_authority_id: uuid.UUID, period: Period, today: date
) -> int:
    """The month's notices for every billing authority of the council not yet told; how many were sent."""
    repo = CouncilTaxRepository(session)
    sent = 0
    for authority in await repo.billing_authorities(local_authority_id):
        gss = authority.district_gss_code or ""
        payload = {"billing_authority_gss": gss, "month": period.label}
        due: list[EventType] = []
        if await changes_for(repo, authority, period, today):
            due.append(EventType.COUNCIL_TAX_LIST_CHANGED)
        standings = await repo.standings(authority, period.first, period.last)
        listed = [pid for pid, s in standings.items() if months.listed(s, period, today) is not None]
        confirmed = await repo.confirmations_for(authority.id, listed)
        if any(pid not in confirmed for pid in listed):
            due.append(EventType.COUNCIL_TAX_CONFIRMATION_DUE)
        for event_type in due:
            if not await _sent(session, authority.id, event_type, period.label):
                await emit(
                    session, event_type, payload, local_authority_id=local_authority_id,
                    partner_organisation_id=authority.id,
                )  # fmt: skip
                sent += 1
    return sent
