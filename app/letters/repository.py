"""All SQL of status letters and their signing keys."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.pagination import Position, SortKey, Window, keyset_page
from app.decisions.models import StatusPeriod
from app.decisions.repository import status_on
from app.letters.models import LetterSigningKey, StatusLetter

NEWEST_FIRST = SortKey("-issued_at", (StatusLetter.issued_at, StatusLetter.id), descending=True)


class KeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, local_authority_id: uuid.UUID, *, lock: bool = False) -> LetterSigningKey | None:
        stmt = select(LetterSigningKey).where(
            LetterSigningKey.local_authority_id == local_authority_id, LetterSigningKey.retired_at.is_(None)
        )
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_kid(self, kid: str) -> LetterSigningKey | None:
        stmt = select(LetterSigningKey).where(LetterSigningKey.kid == kid)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def published(self, retired_after: datetime) -> list[LetterSigningKey]:
        stmt = (
            select(LetterSigningKey)
            .where(or_(LetterSigningKey.retired_at.is_(None), LetterSigningKey.retired_at > retired_after))
            .order_by(LetterSigningKey.kid)
        )
        return list((await self.session.execute(stmt)).scalars())


class LetterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, letter_id: uuid.UUID) -> StatusLetter | None:
        return await self.session.get(StatusLetter, letter_id)

    async def of_person(
        self, care_leaver_id: uuid.UUID, *, limit: int, cursor: Position | None
    ) -> Window[StatusLetter]:
        """Newest first."""
        stmt = select(StatusLetter).where(StatusLetter.care_leaver_id == care_leaver_id)
        return await keyset_page(self.session, stmt, NEWEST_FIRST, limit=limit, cursor=cursor)

    async def status_on(self, care_leaver_id: uuid.UUID, day: date) -> StatusPeriod | None:
        """The stored leaving-care status on `day` (app.decisions keeps it with the decisions)."""
        stmt = select(StatusPeriod).where(StatusPeriod.care_leaver_id == care_leaver_id, status_on(day))
        return (await self.session.execute(stmt)).scalars().first()
