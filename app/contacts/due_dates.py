"""Each young person's `last_contact_at` and `next_contact_due_on`, kept current from the contact log,
their date of birth and their council's contact policy (the rule itself is `policy.py`).

They are recomputed when a contact is recorded or amended, when a council's policy changes (the whole
council), and when the record changes (`app.care_leavers.hooks`: a new record, a corrected date of birth,
a closed case): `app.wiring` subscribes `refresh_after_records_change` to those changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.contacts.models import ContactPolicy
from app.contacts.policy import Band, next_contact_due
from app.contacts.repository import ContactRepository, ContactStatus, DueDateInputs
from app.core.clock import UK, uk_today
from app.decisions.service import contact_duties

# People recomputed per batch when a council's policy changes: a few queries each, bounded memory.
REFRESH_BATCH = 500


def uk_date(at: datetime) -> date:
    return at.astimezone(UK).date()


def _status(
    person: DueDateInputs,
    last_contact_at: datetime | None,
    bands: Sequence[Band],
    duty: tuple[date, date | None] | None,
    allocated_on: date | None,
) -> ContactStatus:
    # Contact is due only while the council must keep in touch (the stored personal-adviser decisions:
    # `app.decisions.service.contact_duties`). With no contact yet, the clock starts when that duty
    # began or the adviser was allocated, whichever is later: not when the record was loaded.
    if duty is None:
        return ContactStatus(person.id, last_contact_at, None)
    began, ends = duty
    since = uk_date(last_contact_at) if last_contact_at else max(began, allocated_on or began)
    due = next_contact_due(since, person.date_of_birth, bands)
    if due is not None and person.closed_on is not None and due >= person.closed_on:
        due = None  # the case closes before a contact falls due
    if due is not None and ends is not None and due > ends:
        due = None  # the duty ends before a contact falls due
    return ContactStatus(person.id, last_contact_at, due)


def _bands(policies: Sequence[ContactPolicy]) -> list[Band]:
    return [Band(p.min_age, p.max_age, p.max_interval_days) for p in policies]


async def refresh_contact_status(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    """Recompute `last_contact_at` and `next_contact_due_on` from the log, the date of birth and the
    council's policy, writing only those that changed. A constant number of queries per call."""
    ids = set(care_leaver_ids)
    if not ids:
        return
    repo = ContactRepository(session)
    people = await repo.due_date_inputs(ids)
    last = await repo.last_counting_contacts(ids)
    policies = await repo.current_policies({p.local_authority_id for p in people})
    allocated = await repo.allocated_on(ids)
    duties = await contact_duties(session, allocated, uk_today())
    statuses = [
        _status(
            person,
            last.get(person.id),
            _bands(policies.get(person.local_authority_id, [])),
            duties.get(person.id),
            allocated.get(person.id),
        )
        for person in people
    ]
    stored = {p.id: (p.last_contact_at, p.next_contact_due_on) for p in people}
    await repo.store_statuses(
        [s for s in statuses if stored[s.id] != (s.last_contact_at, s.next_contact_due_on)]
    )


async def refresh_council(session: AsyncSession, local_authority_id: uuid.UUID) -> int:
    """Recompute everyone in a council, in batches (after its contact policy changed); returns how many."""
    ids = await ContactRepository(session).people_of_council(local_authority_id)
    for start in range(0, len(ids), REFRESH_BATCH):
        await refresh_contact_status(session, ids[start : start + REFRESH_BATCH])
    return len(ids)


async def refresh_every_council(session: AsyncSession) -> int:
    """Recompute everyone everywhere (after an upgrade that added records, or for the demo data);
    returns how many people were looked at."""
    councils = await ContactRepository(session).councils()
    count = 0
    for council in councils:
        count += await refresh_council(session, council)
    return count


async def refresh_after_records_change(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    """New records, a corrected date of birth or a closed case move the due date (one batch)."""
    await refresh_contact_status(session, care_leaver_ids)
