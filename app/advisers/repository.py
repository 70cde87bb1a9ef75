from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.auth.enums import Role
from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.auth.repository import USERS_BY_EMAIL, has_role
from app.care_leavers.enums import SupportRequestStatus
from app.care_leavers.models import AdviserAllocation, CareLeaver, SupportRequest
from app.care_leavers.repository import allocation_in_force, join_current_adviser, visible_to
from app.db.pagination import Position, SortKey, Window, keyset_page

REQUESTS_OLDEST_FIRST = SortKey("created_at", (SupportRequest.created_at, SupportRequest.id))
# Named for this list, so a cursor from another list of people sorted by name is refused here.
CASELOAD_BY_NAME = SortKey("caseload", (CareLeaver.family_name, CareLeaver.given_name, CareLeaver.id))


class AdviserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(
        self, local_authority_id: uuid.UUID, team_id: uuid.UUID | None, *, limit: int, cursor: Position | None
    ) -> Window[UserAccount]:
        stmt = (
            select(UserAccount)
            .options(joinedload(UserAccount.team))
            .where(
                UserAccount.local_authority_id == local_authority_id,
                UserAccount.is_active.is_(True),
                has_role(Role.PERSONAL_ADVISER),
            )
        )
        if team_id is not None:
            stmt = stmt.where(UserAccount.team_id == team_id)
        return await keyset_page(self.session, stmt, USERS_BY_EMAIL, limit=limit, cursor=cursor)

    async def adviser(self, adviser_id: uuid.UUID) -> UserAccount | None:
        stmt = (
            select(UserAccount)
            .options(joinedload(UserAccount.team))
            .where(UserAccount.id == adviser_id, has_role(Role.PERSONAL_ADVISER))
        )
        return (await self.session.execute(stmt)).scalars().one_or_none()

    async def caseload_sizes(self, adviser_ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, int]:
        if not adviser_ids:
            return {}
        stmt = (
            select(AdviserAllocation.adviser_id, func.count())
            .join(CareLeaver, CareLeaver.id == AdviserAllocation.care_leaver_id)
            .where(
                AdviserAllocation.adviser_id.in_(adviser_ids),
                allocation_in_force(today),
                CareLeaver.closed_on.is_(None),
            )
            .group_by(AdviserAllocation.adviser_id)
        )
        rows = (await self.session.execute(stmt)).all()
        return {adviser_id: int(count) for adviser_id, count in rows}

    async def caseload(
        self, adviser_id: uuid.UUID, today: date, *, limit: int, cursor: Position | None
    ) -> Window[tuple[CareLeaver, date]]:
        """A page of the people currently allocated to the adviser, by name, each with the day the
        allocation started: two queries."""
        stmt = (
            select(CareLeaver)
            .join(AdviserAllocation, AdviserAllocation.care_leaver_id == CareLeaver.id)
            .where(
                AdviserAllocation.adviser_id == adviser_id,
                allocation_in_force(today),
                CareLeaver.closed_on.is_(None),
            )
        )
        window = await keyset_page(self.session, stmt, CASELOAD_BY_NAME, limit=limit, cursor=cursor)
        if not window.items:
            return Window([], window.next)
        started = select(AdviserAllocation.care_leaver_id, AdviserAllocation.started_on).where(
            AdviserAllocation.adviser_id == adviser_id,
            allocation_in_force(today),
            AdviserAllocation.care_leaver_id.in_([p.id for p in window.items]),
        )
        since: dict[uuid.UUID, date] = dict((await self.session.execute(started)).all())
        return window.map(lambda person: (person, since[person.id]))

    async def in_care_without_adviser(
        self, local_authority_id: uuid.UUID, born_on_or_before: date, today: date
    ) -> list[CareLeaver]:
        allocated = select(AdviserAllocation.care_leaver_id).where(allocation_in_force(today))
        stmt = (
            select(CareLeaver)
            .where(
                CareLeaver.local_authority_id == local_authority_id,
                CareLeaver.still_looked_after.is_(True),
                CareLeaver.closed_on.is_(None),
                CareLeaver.date_of_birth <= born_on_or_before,
                CareLeaver.id.not_in(allocated),
            )
            .order_by(CareLeaver.date_of_birth, CareLeaver.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def support_requests(
        self,
        principal: Principal,
        status: SupportRequestStatus | None,
        today: date,
        *,
        limit: int,
        cursor: Position | None,
    ) -> Window[tuple[SupportRequest, CareLeaver]]:
        """The 21-plus queue, scoped like every list of people: a manager sees the unallocated and their
        own team's, an admin the council's."""
        stmt = join_current_adviser(
            select(SupportRequest).join(CareLeaver, CareLeaver.id == SupportRequest.care_leaver_id), today
        ).where(visible_to(principal))
        if status is not None:
            stmt = stmt.where(SupportRequest.status == status)
        window = await keyset_page(self.session, stmt, REQUESTS_OLDEST_FIRST, limit=limit, cursor=cursor)
        people = await self.people({r.care_leaver_id for r in window.items})
        return Window([(r, people[r.care_leaver_id]) for r in window.items], window.next)

    async def people(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, CareLeaver]:
        if not ids:
            return {}
        stmt = select(CareLeaver).where(CareLeaver.id.in_(ids))
        return {p.id: p for p in (await self.session.execute(stmt)).scalars()}

    async def support_request(self, request_id: uuid.UUID) -> SupportRequest | None:
        return await self.session.get(SupportRequest, request_id)
