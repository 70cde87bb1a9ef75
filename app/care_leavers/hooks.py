"""Work other domains must do when a care-leaver record changes, without this domain knowing them.

Higher domains (the contact log keeps `next_contact_due_on`, which depends on the date of birth)
register a coroutine here when their service module is imported; the record's services call
`record_changed` after a change, in the same unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

RecordChanged = Callable[[AsyncSession, uuid.UUID], Awaitable[None]]

_subscribers: list[RecordChanged] = []


def on_record_changed(subscriber: RecordChanged) -> RecordChanged:
    """Register `subscriber` (usable as a decorator); registering twice has no effect."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


async def record_changed(session: AsyncSession, care_leaver_id: uuid.UUID) -> None:
    for subscriber in list(_subscribers):
        await subscriber(session, care_leaver_id)
