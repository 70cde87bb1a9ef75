"""Work other domains must do when care-leaver records change, without this domain knowing them.

Higher domains (the contact log keeps `next_contact_due_on`, which depends on the date of birth;
pathway plans keep their review dates) are subscribed here by `app.wiring.wire()`, which the app,
the CLI and the demo-data loader call before they do anything; nothing registers itself on import,
so what runs never depends on which modules a process happened to import. The record's services
call `records_changed` after a change, in the same unit of work; until the wiring is done that call
fails loudly rather than skip the due dates. A batch subscriber takes every changed id at once (an
import of thousands of rows is one call).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

RecordsChanged = Callable[[AsyncSession, Collection[uuid.UUID]], Awaitable[None]]


class NotWired(RuntimeError):
    """A record changed in a process that never called `app.wiring.wire()` (a programming error)."""


class _Subscribers:
    def __init__(self) -> None:
        self.batch: tuple[RecordsChanged, ...] | None = None  # None: never wired


_subscribers = _Subscribers()


def subscribe(subscribers: Iterable[RecordsChanged]) -> None:
    """Set the record-change subscribers, in the order they run (`app.wiring` calls this; calling it
    again with the same list changes nothing)."""
    _subscribers.batch = tuple(dict.fromkeys(subscribers))


def subscribers() -> tuple[RecordsChanged, ...]:
    return _subscribers.batch or ()


async def records_changed(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    if _subscribers.batch is None:
        raise NotWired(
            "Care-leaver records changed before the domains were wired: call app.wiring.wire() at start-up."
        )
    if not care_leaver_ids:
        return
    for batch in _subscribers.batch:
        await batch(session, care_leaver_ids)


async def record_changed(session: AsyncSession, care_leaver_id: uuid.UUID) -> None:
    await records_changed(session, [care_leaver_id])
