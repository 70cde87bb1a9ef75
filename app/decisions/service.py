"""Keeping stored decisions current, and reading them.

`refresh_people` regenerates the timelines of the people whose record, circumstances or status
overrides changed, in the caller's unit of work (`app.wiring` subscribes it to the record's hooks);
`recompute_council` regenerates a whole council in batches after it publishes a new offer version.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import uk_today, utc_now
from app.decisions.bulk import Row
from app.decisions.repository import DecisionRepository, PersonInputs
from app.decisions.timeline import Offers, timeline_rows
from app.entitlements.published import prepared
from app.entitlements.repository import OfferRepository

# People recomputed per batch: one load, one delete and one insert per table each, bounded memory.
BATCH = 500


async def _offers(session: AsyncSession, local_authority_id: uuid.UUID) -> Offers:
    repository = OfferRepository(session)
    pointers = await repository.published_versions(local_authority_id)
    return Offers.of([await prepared(repository, pointer) for pointer in pointers])


def _rows(
    inputs: list[PersonInputs], offers: dict[uuid.UUID, Offers], today: date
) -> tuple[list[Row], list[Row]]:
    now = utc_now()
    decisions: list[Row] = []
    statuses: list[Row] = []
    for person in inputs:
        found = timeline_rows(person, offers[person.person.local_authority_id], today, now)
        decisions += found[0]
        statuses += found[1]
    return decisions, statuses


@contextmanager
def _older_objects_not_scanned() -> Iterator[None]:
    """While regenerating many timelines, Python's collector scans only the objects made since it began.

    A batch makes hundreds of thousands of small objects (answers, rows, loaded records) that survive
    long enough to set off full collections, and each of those scanned the whole application besides
    (its modules, models and caches: most of the objects in the process), about a third of a recompute.
    `gc.freeze` sets what exists now aside for the duration and `gc.unfreeze` hands it back, so garbage
    among it is found at the next collection after; both are constant time. (Two at once in a process:
    the first to end hands everything back, which costs the other only the saving.)"""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def refresh_people(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    """Regenerate these people's timelines (a record change: one person; an import: thousands)."""
    ids = list(dict.fromkeys(care_leaver_ids))
    today = uk_today()
    repository = DecisionRepository(session)
    offers: dict[uuid.UUID, Offers] = {}
    with _older_objects_not_scanned():
        for start in range(0, len(ids), BATCH):
            inputs = await repository.inputs(ids[start : start + BATCH])
            for council in {i.person.local_authority_id for i in inputs} - offers.keys():
                offers[council] = await _offers(session, council)
            await repository.replace([i.person.id for i in inputs], *_rows(inputs, offers, today))


async def refresh_after_records_change(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    """The record-change subscriber (`app.wiring`)."""
    await session.flush()  # what the change wrote is what the timeline reads
    await refresh_people(session, care_leaver_ids)


async def recompute_council(
    session: AsyncSession,
    local_authority_id: uuid.UUID,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Regenerate everyone in a council (after it publishes an offer version), streamed in batches;
    `progress(done, total)` after each. Returns how many people."""
    repository = DecisionRepository(session)
    ids = await repository.people_of_council(local_authority_id)
    offers = {local_authority_id: await _offers(session, local_authority_id)}
    today = uk_today()
    with _older_objects_not_scanned():
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            await repository.replace(batch, *_rows(await repository.inputs(batch), offers, today))
            if progress is not None:
                progress(min(start + BATCH, len(ids)), len(ids))
    return len(ids)


# The duty to keep in touch, as the offer's own entitlements decide it: a personal adviser for eligible,
# relevant and former relevant young people under 21 (CA89 s23B, s23C(2)-(3), s23CA), and from 21 to 25
# for a former relevant young person who asked for one and was given one (CA89 s23CZB).
PERSONAL_ADVISER = "personal-adviser"
ON_REQUEST = "personal-adviser-21-to-25"


async def contact_duties(
    session: AsyncSession, allocated: dict[uuid.UUID, date | None], today: date
) -> dict[uuid.UUID, tuple[date, date | None]]:
    """For each person (with the day their current adviser was allocated, or None) who has a duty to be
    kept in touch with today: (the day that duty began, its last day or None), from the stored decisions."""
    repository = DecisionRepository(session)
    codes = (PERSONAL_ADVISER, ON_REQUEST)
    found = await repository.eligible(allocated, codes)
    duties: dict[uuid.UUID, tuple[date, date | None]] = {}
    for person, since in allocated.items():
        rows = [r for r in found[person] if r.entitlement_code == PERSONAL_ADVISER or since is not None]
        run = _run_containing(sorted(rows, key=lambda r: r.valid_from), today)
        if run is not None:
            duties[person] = run
    # Nothing is stored before the council's first offer version, so a duty whose stored run starts on the
    # first stored day may have begun long before: it began when the status in force that day began.
    first = await repository.first_days(list(duties), codes)
    early = [p for p, (began, _) in duties.items() if first.get(p) == began]
    periods = await repository.status_periods(early)
    for person in early:
        began, ends = duties[person]
        status = next(
            (
                s
                for s in periods[person]
                if s.valid_from <= began and (s.valid_to is None or s.valid_to >= began)
            ),
            None,
        )
        if status is not None and status.status is not None:
            duties[person] = (min(began, status.valid_from), ends)
    return duties


def _run_containing(rows: list[Any], day: date) -> tuple[date, date | None] | None:
    """The contiguous stretch of rows (sorted by start) that contains `day`: (first day, last day)."""
    start: date | None = None
    end: date | None = None
    for row in rows:
        if start is None or (end is not None and row.valid_from > end + timedelta(days=1)):
            if start is not None and start <= day and (end is None or end >= day):
                return start, end
            start, end = row.valid_from, row.valid_to
        elif end is not None:
            end = None if row.valid_to is None else max(end, row.valid_to)
    if start is not None and start <= day and (end is None or end >= day):
        return start, end
    return None
