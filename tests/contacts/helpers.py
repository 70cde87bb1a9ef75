"""Arranging contact-log scenarios in UK days, and reading back what the service stored."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent, AuditEventSubject
from app.care_leavers.models import AdviserAllocation, CareLeaver
from app.core.clock import UK, uk_today
from app.core.dates import birthday


def day(days_ago: int) -> date:
    return uk_today() - timedelta(days=days_ago)


def noon(days_ago: int) -> datetime:
    """Midday (UK time) some days ago: the same UK date whatever the hour or daylight saving."""
    return datetime.combine(day(days_ago), time(12), tzinfo=UK)


def born(years: int, days: int = 0) -> date:
    """The date of birth of someone who turns `years` in `days` days (negative: turned that long ago)."""
    birthday = uk_today() + timedelta(days=days)
    try:
        return birthday.replace(year=birthday.year - years)
    except ValueError:  # 29 February
        return birthday.replace(year=birthday.year - years, day=28)


async def arrange_person(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    created_days_ago: int | None = None,
    date_of_birth: date | None = None,
) -> None:
    values: dict[str, object] = {}
    if created_days_ago is not None:
        values["created_at"] = noon(created_days_ago)
    if date_of_birth is not None:
        values["date_of_birth"] = date_of_birth
    await session.execute(update(CareLeaver).where(CareLeaver.id == person_id).values(**values))


async def contact_status(session: AsyncSession, person_id: uuid.UUID) -> tuple[datetime | None, date | None]:
    """(last_contact_at, next_contact_due_on) as stored, read past any copy the session holds."""
    stmt = select(CareLeaver.last_contact_at, CareLeaver.next_contact_due_on).where(
        CareLeaver.id == person_id
    )
    last, due = (await session.execute(stmt)).one()
    return last, due


async def latest_event_id(session: AsyncSession) -> uuid.UUID | None:
    stmt = select(AuditEvent.id).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def events_after(
    session: AsyncSession, marker: uuid.UUID | None
) -> list[tuple[AuditEvent, set[uuid.UUID]]]:
    """The audit events written since `marker`, oldest first, each with the people it is about."""
    events = list(
        (await session.execute(select(AuditEvent).order_by(AuditEvent.occurred_at, AuditEvent.id))).scalars()
    )
    if marker is not None:
        events = events[[e.id for e in events].index(marker) + 1 :]
    found = []
    for event in events:
        stmt = select(AuditEventSubject.care_leaver_id).where(AuditEventSubject.event_id == event.id)
        found.append((event, set((await session.execute(stmt)).scalars())))
    return found


async def arrange_duty(
    session: AsyncSession, person_id: uuid.UUID, *, allocated_days_ago: int | None = None
) -> None:
    """Make the person former relevant (looked after from 14 to their 18th birthday, by the date of birth
    stored now), so the council must keep in touch (CA89 s23C); with `allocated_days_ago`, their current
    adviser's allocation started then. Call `hooks.records_changed` afterwards."""
    dob = (
        await session.execute(select(CareLeaver.date_of_birth).where(CareLeaver.id == person_id))
    ).scalar_one()
    await session.execute(
        update(CareLeaver)
        .where(CareLeaver.id == person_id)
        .values(
            still_looked_after=False,
            entered_care_on=birthday(dob, 14),
            left_care_on=birthday(dob, 18),
            weeks_looked_after_since_14=208,
        )
    )
    if allocated_days_ago is not None:
        await session.execute(
            update(AdviserAllocation)
            .where(AdviserAllocation.care_leaver_id == person_id, AdviserAllocation.ended_on.is_(None))
            .values(started_on=day(allocated_days_ago))
        )
