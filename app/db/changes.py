"""Rows about young people written without the ORM (a Core INSERT ... ON CONFLICT, a bulk statement):
the writer says so here, in its transaction, and whoever keeps a view of those people (the offline
sync, which sees ORM flushes by itself) hears it. `app.wiring.wire()` sets the listeners."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

PeopleChanged = Callable[[AsyncSession, Collection[uuid.UUID]], Awaitable[None]]


class _Listeners:
    def __init__(self) -> None:
        self.all: tuple[PeopleChanged, ...] = ()


_listeners = _Listeners()


def subscribe(listeners: Iterable[PeopleChanged]) -> None:
    _listeners.all = tuple(dict.fromkeys(listeners))


async def people_changed(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    if care_leaver_ids:
        for listener in _listeners.all:
            await listener(session, care_leaver_ids)
