"""Work higher domains do when a council publishes a new version of its offer (the stored decisions
are recomputed for its people), subscribed by `app.wiring.wire()` like the care-leaver hooks."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

OfferPublished = Callable[[AsyncSession, uuid.UUID], Awaitable[object]]


class _Subscribers:
    def __init__(self) -> None:
        self.published: tuple[OfferPublished, ...] | None = None  # None: never wired


_subscribers = _Subscribers()


def subscribe(subscribers: Iterable[OfferPublished]) -> None:
    _subscribers.published = tuple(dict.fromkeys(subscribers))


def subscribers() -> tuple[OfferPublished, ...]:
    return _subscribers.published or ()


async def offer_published(session: AsyncSession, local_authority_id: uuid.UUID) -> None:
    if _subscribers.published is None:
        raise RuntimeError("An offer was published before the domains were wired: call app.wiring.wire().")
    for subscriber in _subscribers.published:
        await subscriber(session, local_authority_id)
