"""Work other domains must do when care-leaver records change, without this domain knowing them.

Higher domains (the contact log keeps `next_contact_due_on`, which depends on the date of birth;
pathway plans keep their review dates) register a coroutine here when their service module is
imported; the record's services call `records_changed` after a change, in the same unit of work.
A batch subscriber takes every changed id at once (an import of thousands of rows is one call).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection

from sqlalchemy.ext.asyncio import AsyncSession

RecordsChanged = Callable[[AsyncSession, Collection[uuid.UUID]], Awaitable[None]]

_batch_subscribers: list[RecordsChanged] = []


def on_records_changed(subscriber: RecordsChanged) -> RecordsChanged:
    """Register `subscriber`, called once with every changed record's id (usable as a decorator; idempotent)."""
    if subscriber not in _batch_subscribers:
        _batch_subscribers.append(subscriber)
    return subscriber


async def records_changed(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    if not care_leaver_ids:
        return
    for batch in list(_batch_subscribers):
        await batch(session, care_leaver_ids)


async def record_changed(session: AsyncSession, care_leaver_id: uuid.UUID) -> None:
    await records_changed(session, [care_leaver_id])
