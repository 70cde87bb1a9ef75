"""The monthly webhooks to billing authorities: their list changed, and confirmations are due; each once
per authority and month however often the job runs, and nothing personal in them."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import uk_today
from app.events.models import WebhookDelivery, WebhookEvent
from app.partners.months import Period
from app.partners.notices import send_notices
from tests.support import factories as f
from tests.support.world import World


async def _events(session: AsyncSession, organisation: object) -> list[tuple[str, dict[str, str]]]:
    rows = await session.scalars(
        select(WebhookEvent)
        .where(WebhookEvent.partner_organisation_id == organisation)
        .order_by(WebhookEvent.event_type)
    )
    return [(e.event_type, dict(e.data)) for e in rows]


async def test_an_authority_is_told_once_a_month_that_confirmations_are_due_and_that_its_list_changed(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    ash = world.users["partner_ash"].partner_organisation_id
    r = await client.post(
        "/v1/webhook-subscriptions",
        json={
            "url": "https://revenues.ashfield.example/hooks",
            "event_types": ["council_tax.list_changed", "council_tax.confirmation_due"],
        },
        headers=world.headers("partner_ash"),
    )
    assert r.status_code == 201, r.text
    today = uk_today()
    month = Period.month(today.year, today.month)
    county = world.people["q_ash"].local_authority_id
    # q_ash consented to share with Ashfield this month (the world was made today): they joined its list,
    # and nothing is confirmed back yet.
    await send_notices(session, county, month, today)
    due = {"billing_authority_gss": f.ASHFIELD, "month": month.label}
    told = [("council_tax.confirmation_due", due), ("council_tax.list_changed", due)]
    assert await _events(session, ash) == told
    await send_notices(session, county, month, today)  # again, the same day or later in the month
    assert await _events(session, ash) == told
    deliveries = (
        await session.scalars(select(WebhookDelivery).where(WebhookDelivery.partner_organisation_id == ash))
    ).all()
    assert len(deliveries) == 2
    # Rushcliffe's list did not change and is not told about Ashfield's.
    rush = world.users["partner_rush"].partner_organisation_id
    assert all(e[1]["billing_authority_gss"] == f.RUSHCLIFFE for e in await _events(session, rush))
