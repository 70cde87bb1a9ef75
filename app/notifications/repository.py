"""Notifications' SQL: stored once per event (the dedupe key), a council's people at once, and the lists."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, extract, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import CareLeaver
from app.db.base import UtcDateTime
from app.db.pagination import Position, SortKey, Window, keyset_page
from app.entitlements.enums import OfferStatus
from app.entitlements.models import OfferVersion
from app.local_authorities.models import LocalAuthority
from app.notifications.models import Notification, NotificationSettings
from app.notifications.wording import Message
from app.pathway_plans.enums import FINISHED, ActionOwner, PlanStatus
from app.pathway_plans.models import PathwayPlan, PlanAction

NEWEST = SortKey("newest", (Notification.created_at, Notification.id), descending=True)
_ONCE = [Notification.care_leaver_id, Notification.dedupe_key]


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _insert(self) -> Any:
        return (pg_insert if self._postgres() else sqlite_insert)(Notification)

    def _new_id(self) -> ColumnElement[Any]:
        """A random id made by the database, for rows an INSERT ... SELECT writes (SQLite keeps a uuid as
        32 hex digits)."""
        return func.gen_random_uuid() if self._postgres() else func.lower(func.hex(func.randomblob(16)))

    async def add_once(
        self, local_authority_id: uuid.UUID, care_leaver_id: uuid.UUID, message: Message, now: datetime
    ) -> uuid.UUID | None:
        """The notification's id, or None if this person already has one for the event."""
        values = {
            "id": uuid.uuid4(),
            "local_authority_id": local_authority_id,
            "care_leaver_id": care_leaver_id,
            "kind": message.kind,
            "title": message.title,
            "body": message.body,
            "subject_type": message.subject_type,
            "subject_id": message.subject_id,
            "dedupe_key": message.dedupe_key,
            "created_at": now,
        }
        stmt = self._insert().values(**values).on_conflict_do_nothing(index_elements=_ONCE)
        found: uuid.UUID | None = await self.session.scalar(stmt.returning(Notification.id))
        return found

    async def add_for_council(
        self, local_authority_id: uuid.UUID, message: Message, now: datetime
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """The same message to every young person of the council whose record is open, in one
        INSERT ... SELECT; (notification id, care leaver id) of those who did not have it yet."""
        people = select(
            self._new_id(),
            CareLeaver.local_authority_id,
            CareLeaver.id,
            literal(message.kind.value),
            literal(message.title),
            literal(message.body),
            literal(message.subject_type.value),
            literal(message.subject_id, Notification.subject_id.type),
            literal(message.dedupe_key),
            literal(now, UtcDateTime()),
        ).where(CareLeaver.local_authority_id == local_authority_id, CareLeaver.closed_on.is_(None))
        columns = ["id", "local_authority_id", "care_leaver_id", "kind", "title", "body"]
        columns += ["subject_type", "subject_id", "dedupe_key", "created_at"]
        stmt = (
            self._insert()
            .from_select(columns, people)
            .on_conflict_do_nothing(index_elements=_ONCE)
            .returning(Notification.id, Notification.care_leaver_id)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def page(self, care_leaver_id: uuid.UUID, *, limit: int, cursor: Position | None) -> Window[Any]:
        stmt = select(Notification).where(Notification.care_leaver_id == care_leaver_id)
        return await keyset_page(self.session, stmt, NEWEST, limit=limit, cursor=cursor)

    async def of_person(
        self, care_leaver_id: uuid.UUID, *, since: datetime | None = None
    ) -> Sequence[Notification]:
        stmt = select(Notification).where(Notification.care_leaver_id == care_leaver_id)
        if since is not None:
            stmt = stmt.where(Notification.created_at > since)
        return (await self.session.scalars(stmt.order_by(*NEWEST.order_by()))).all()

    async def get(self, care_leaver_id: uuid.UUID, notification_id: uuid.UUID) -> Notification | None:
        found: Notification | None = await self.session.scalar(
            select(Notification).where(
                Notification.id == notification_id, Notification.care_leaver_id == care_leaver_id
            )
        )
        return found

    async def mark_read(self, notification: Notification, now: datetime) -> None:
        """Only the first reading counts: a second changes nothing."""
        await self.session.execute(
            update(Notification)
            .where(Notification.id == notification.id, Notification.read_at.is_(None))
            .values(read_at=now)
        )
        await self.session.refresh(notification, ["read_at"])

    async def settings(self, local_authority_id: uuid.UUID) -> NotificationSettings | None:
        return await self.session.get(NotificationSettings, local_authority_id)

    # What is due on a day (the daily command)

    async def councils(self) -> list[tuple[uuid.UUID, str, str | None]]:
        rows = await self.session.execute(
            select(LocalAuthority.id, LocalAuthority.name, LocalAuthority.duty_phone).order_by(
                LocalAuthority.name
            )
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def reviews_due(
        self, local_authority_id: uuid.UUID, first: date, last: date
    ) -> list[tuple[uuid.UUID, uuid.UUID, date]]:
        """Current (authorised) plans of open records whose review falls between the days: (plan,
        person, review date). The index on (council, status, review date) finds them."""
        rows = await self.session.execute(
            select(PathwayPlan.id, PathwayPlan.care_leaver_id, PathwayPlan.review_due_on)
            .join(CareLeaver, CareLeaver.id == PathwayPlan.care_leaver_id)
            .where(
                PathwayPlan.local_authority_id == local_authority_id,
                PathwayPlan.status == PlanStatus.AUTHORISED,
                PathwayPlan.review_due_on.between(first, last),
                CareLeaver.closed_on.is_(None),
            )
        )
        found: list[tuple[uuid.UUID, uuid.UUID, date]] = []
        for plan_id, person_id, due_on in rows:
            if due_on is not None:
                found.append((plan_id, person_id, due_on))
        return found

    async def actions_due(
        self, local_authority_id: uuid.UUID, first: date, last: date
    ) -> list[tuple[uuid.UUID, uuid.UUID, str, date]]:
        """The young person's own unfinished actions in current plans, due between the days: (action,
        person, what, due date)."""
        rows = await self.session.execute(
            select(PlanAction.id, PathwayPlan.care_leaver_id, PlanAction.description, PlanAction.due_on)
            .join(PathwayPlan, PathwayPlan.id == PlanAction.plan_id)
            .join(CareLeaver, CareLeaver.id == PathwayPlan.care_leaver_id)
            .where(
                PlanAction.local_authority_id == local_authority_id,
                PathwayPlan.status == PlanStatus.AUTHORISED,
                PlanAction.owner == ActionOwner.YOUNG_PERSON,
                PlanAction.status.not_in(FINISHED),
                PlanAction.due_on.between(first, last),
                CareLeaver.closed_on.is_(None),
            )
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    async def birthdays_in_month(
        self, local_authority_id: uuid.UUID, on: date, youngest: int, oldest: int
    ) -> list[uuid.UUID]:
        """Open records born in `on`'s month, turning `youngest` to `oldest` this year."""
        rows = await self.session.scalars(
            select(CareLeaver.id).where(
                CareLeaver.local_authority_id == local_authority_id,
                CareLeaver.closed_on.is_(None),
                CareLeaver.date_of_birth.between(
                    date(on.year - oldest, 1, 1), date(on.year - youngest, 12, 31)
                ),
                extract("month", CareLeaver.date_of_birth) == on.month,
            )
        )
        return list(rows)

    async def offer_version(self, local_authority_id: uuid.UUID) -> tuple[uuid.UUID, int, str] | None:
        """The council's newest published version: (id, number, council name)."""
        row = (
            await self.session.execute(
                select(OfferVersion.id, OfferVersion.number, LocalAuthority.name)
                .join(LocalAuthority, LocalAuthority.id == OfferVersion.local_authority_id)
                .where(
                    OfferVersion.local_authority_id == local_authority_id,
                    OfferVersion.status == OfferStatus.PUBLISHED,
                )
                .order_by(OfferVersion.number.desc())
                .limit(1)
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1], row[2])
