"""Months and consents for the council-tax list tests."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import CareLeaver, Consent
from app.core.clock import uk_today, utc_now
from app.partners.months import Period


def this_month() -> Period:
    today = uk_today()
    return Period.month(today.year, today.month)


def label(period: Period) -> str:
    return period.label


async def consented_long_ago(session: AsyncSession, *people: CareLeaver, days: int = 90) -> None:
    """Their consents as if given `days` ago, so last month's list counts them too."""
    await session.execute(
        update(Consent)
        .where(Consent.care_leaver_id.in_([p.id for p in people]))
        .values(given_at=utc_now() - timedelta(days=days))
    )
    await session.flush()


def born_to_turn_25_on(day: date) -> date:
    return day.replace(year=day.year - 25)
