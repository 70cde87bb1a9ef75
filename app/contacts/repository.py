"""All SQL of the contact log. Lists of people are scoped with `app.care_leavers.repository.visible_to`;
everything else is asked for one person the service has already loaded through the access policy."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.auth.principal import Principal
from app.care_leavers.models import AdviserAllocation, CareLeaver
from app.care_leavers.repository import (
    contact_overdue,
    current_adviser_id,
    current_team_id,
    join_current_adviser,
    visible_to,
)
from app.contacts.enums import COUNTING_OUTCOMES, ContactOutcome, ContactRequestStatus
from app.contacts.models import Contact, ContactAction, ContactPolicy, ContactRequest
from app.core.clock import UK
from app.db.pagination import Position, SortKey, Window, keyset_page

NEWEST_FIRST = SortKey("occurred_at", (Contact.occurred_at, Contact.entry_id), descending=True)
REQUESTS_NEWEST_FIRST = SortKey(
    "requested_at", (ContactRequest.requested_at, ContactRequest.id), descending=True
)
MOST_OVERDUE_FIRST = SortKey("next_contact_due_on", (CareLeaver.next_contact_due_on, CareLeaver.id))

_later = aliased(Contact, name="later_version")


def _is_current_version() -> ColumnElement[bool]:
    """No later version of the same entry exists: this row is the entry as it stands."""
    return ~exists().where(_later.entry_id == Contact.entry_id, _later.version > Contact.version)


def _uk_day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UK)


def open_requests_of_person() -> ScalarSelect[int]:
    """Correlated count of a care_leaver row's open call-back requests."""
    return (
        select(func.count(ContactRequest.id))
        .where(
            ContactRequest.care_leaver_id == CareLeaver.id, ContactRequest.status == ContactRequestStatus.OPEN
        )
        .correlate(CareLeaver)
        .scalar_subquery()
    )


def overdue_actions_of_person(today: date) -> ScalarSelect[int]:
    return (
        select(func.count(ContactAction.id))
        .where(
            ContactAction.care_leaver_id == CareLeaver.id,
            ContactAction.done_on.is_(None),
            ContactAction.due_on < today,
        )
        .correlate(CareLeaver)
        .scalar_subquery()
    )


@dataclass(frozen=True, slots=True)
class ContactFilters:
    occurred_from: date | None = None  # inclusive, UK dates
    occurred_to: date | None = None
    outcome: ContactOutcome | None = None


@dataclass(frozen=True, slots=True)
class DueDateInputs:
    """What a person's next-contact date is computed from, and its stored values."""

    id: uuid.UUID
    local_authority_id: uuid.UUID
    date_of_birth: date
    created_at: datetime
    closed_on: date | None
    last_contact_at: datetime | None
    next_contact_due_on: date | None


@dataclass(frozen=True, slots=True)
class ContactStatus:
    id: uuid.UUID
    last_contact_at: datetime | None
    next_contact_due_on: date | None


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # The log

    async def page_current(
        self, care_leaver_id: uuid.UUID, filters: ContactFilters, *, limit: int, cursor: Position | None
    ) -> Window[Contact]:
        stmt = select(Contact).where(Contact.care_leaver_id == care_leaver_id, _is_current_version())
        if filters.occurred_from is not None:
            stmt = stmt.where(Contact.occurred_at >= _uk_day_start(filters.occurred_from))
        if filters.occurred_to is not None:
            stmt = stmt.where(Contact.occurred_at < _uk_day_start(filters.occurred_to + timedelta(days=1)))
        if filters.outcome is not None:
            stmt = stmt.where(Contact.outcome == filters.outcome)
        return await keyset_page(self.session, stmt, NEWEST_FIRST, limit=limit, cursor=cursor)

    async def current(self, care_leaver_id: uuid.UUID, entry_id: uuid.UUID) -> Contact | None:
        stmt = select(Contact).where(
            Contact.entry_id == entry_id, Contact.care_leaver_id == care_leaver_id, _is_current_version()
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def versions(self, entry_id: uuid.UUID) -> list[Contact]:
        stmt = select(Contact).where(Contact.entry_id == entry_id).order_by(Contact.version)
        return list((await self.session.execute(stmt)).scalars())

    async def first_versions(self, entry_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Contact]:
        if not entry_ids:
            return {}
        stmt = select(Contact).where(Contact.entry_id.in_(entry_ids), Contact.version == 1)
        return {c.entry_id: c for c in (await self.session.execute(stmt)).scalars()}

    async def actions_of(self, entry_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[ContactAction]]:
        if not entry_ids:
            return {}
        stmt = (
            select(ContactAction)
            .where(ContactAction.contact_id.in_(entry_ids))
            .order_by(ContactAction.due_on, ContactAction.id)
        )
        found: dict[uuid.UUID, list[ContactAction]] = {}
        for action in (await self.session.execute(stmt)).scalars():
            found.setdefault(action.contact_id, []).append(action)
        return found

    async def action(self, action_id: uuid.UUID) -> ContactAction | None:
        return await self.session.get(ContactAction, action_id)

    # Call-back requests

    async def request(self, request_id: uuid.UUID) -> ContactRequest | None:
        return await self.session.get(ContactRequest, request_id)

    async def open_request(self, care_leaver_id: uuid.UUID) -> ContactRequest | None:
        stmt = select(ContactRequest).where(
            ContactRequest.care_leaver_id == care_leaver_id,
            ContactRequest.status == ContactRequestStatus.OPEN,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def page_requests(
        self,
        care_leaver_id: uuid.UUID,
        status: ContactRequestStatus | None,
        *,
        limit: int,
        cursor: Position | None,
    ) -> Window[ContactRequest]:
        stmt = select(ContactRequest).where(ContactRequest.care_leaver_id == care_leaver_id)
        if status is not None:
            stmt = stmt.where(ContactRequest.status == status)
        return await keyset_page(self.session, stmt, REQUESTS_NEWEST_FIRST, limit=limit, cursor=cursor)

    async def answering_entries(self, request_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """The log entry that answered each request, for those answered by one."""
        if not request_ids:
            return {}
        stmt = select(Contact.answers_request_id, Contact.entry_id).where(
            Contact.answers_request_id.in_(request_ids), Contact.version == 1
        )
        rows = (await self.session.execute(stmt)).all()
        return {request_id: entry_id for request_id, entry_id in rows if request_id is not None}

    # Due dates

    async def due_date_inputs(self, care_leaver_ids: Collection[uuid.UUID]) -> list[DueDateInputs]:
        stmt = select(
            CareLeaver.id,
            CareLeaver.local_authority_id,
            CareLeaver.date_of_birth,
            CareLeaver.created_at,
            CareLeaver.closed_on,
            CareLeaver.last_contact_at,
            CareLeaver.next_contact_due_on,
        ).where(CareLeaver.id.in_(care_leaver_ids))
        return [DueDateInputs(*row) for row in (await self.session.execute(stmt)).all()]

    async def allocated_on(self, care_leaver_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, date | None]:
        """The day each person's current (open) allocation began; None with no adviser."""
        found: dict[uuid.UUID, date | None] = dict.fromkeys(care_leaver_ids)
        stmt = select(AdviserAllocation.care_leaver_id, AdviserAllocation.started_on).where(
            AdviserAllocation.care_leaver_id.in_(list(care_leaver_ids)), AdviserAllocation.ended_on.is_(None)
        )
        for person, started_on in (await self.session.execute(stmt)).all():
            found[person] = started_on
        return found

    async def last_counting_contacts(
        self, care_leaver_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, datetime]:
        """When each person was last seen or spoken to, by the log as it stands (amendments included)."""
        stmt = (
            select(Contact.care_leaver_id, func.max(Contact.occurred_at))
            .where(
                Contact.care_leaver_id.in_(care_leaver_ids),
                Contact.outcome.in_(COUNTING_OUTCOMES),
                _is_current_version(),
            )
            .group_by(Contact.care_leaver_id)
        )
        return dict((await self.session.execute(stmt)).all())

    async def store_statuses(self, statuses: list[ContactStatus]) -> None:
        """Write the derived columns without touching `updated_at` (the record itself did not change),
        and keep any copy of the person already loaded in this session in step."""
        if not statuses:
            return
        table = CareLeaver.metadata.tables[CareLeaver.__tablename__]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("person_id"))
            .values(
                last_contact_at=bindparam("last_at"),
                next_contact_due_on=bindparam("due_on"),
                updated_at=table.c.updated_at,
            )
        )
        params = [
            {"person_id": s.id, "last_at": s.last_contact_at, "due_on": s.next_contact_due_on}
            for s in statuses
        ]
        await self.session.execute(stmt, params)
        for status in statuses:
            loaded = self.session.identity_map.get(identity_key(CareLeaver, status.id))
            if loaded is not None:
                set_committed_value(loaded, "last_contact_at", status.last_contact_at)
                set_committed_value(loaded, "next_contact_due_on", status.next_contact_due_on)

    async def councils(self) -> list[uuid.UUID]:
        return list((await self.session.execute(select(CareLeaver.local_authority_id).distinct())).scalars())

    async def people_of_council(self, local_authority_id: uuid.UUID) -> list[uuid.UUID]:
        stmt = select(CareLeaver.id).where(CareLeaver.local_authority_id == local_authority_id)
        return list((await self.session.execute(stmt)).scalars())

    async def summaries(self, care_leaver_ids: Collection[uuid.UUID], today: date) -> list[tuple[Any, ...]]:
        """(id, last_contact_at, next_contact_due_on, open requests, overdue actions) in one query."""
        stmt = select(
            CareLeaver.id,
            CareLeaver.last_contact_at,
            CareLeaver.next_contact_due_on,
            open_requests_of_person(),
            overdue_actions_of_person(today),
        ).where(CareLeaver.id.in_(care_leaver_ids))
        return [tuple(row) for row in (await self.session.execute(stmt)).all()]

    async def page_overdue(
        self,
        principal: Principal,
        today: date,
        *,
        team_id: uuid.UUID | None,
        adviser_id: uuid.UUID | None,
        limit: int,
        cursor: Position | None,
    ) -> Window[Any]:
        """People the principal may see whose next contact was due before `today`, most overdue first."""
        columns = select(
            CareLeaver.id,
            CareLeaver.local_authority_id,  # the audit event about the page is filed under it
            CareLeaver.given_name,
            CareLeaver.family_name,
            CareLeaver.preferred_name,
            CareLeaver.case_reference,
            CareLeaver.last_contact_at,
            CareLeaver.next_contact_due_on,
            current_adviser_id.label("adviser_id"),
            open_requests_of_person().label("open_contact_requests"),
        )
        stmt = join_current_adviser(columns, today).where(visible_to(principal), contact_overdue(today))
        if team_id is not None:
            stmt = stmt.where(current_team_id == team_id)
        if adviser_id is not None:
            stmt = stmt.where(current_adviser_id == adviser_id)
        return await keyset_page(
            self.session, stmt, MOST_OVERDUE_FIRST, limit=limit, cursor=cursor, scalars=False
        )

    # Policies

    async def current_policies(
        self, local_authority_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, list[ContactPolicy]]:
        stmt = (
            select(ContactPolicy)
            .where(
                ContactPolicy.local_authority_id.in_(set(local_authority_ids)),
                ContactPolicy.replaced_at.is_(None),
            )
            .order_by(ContactPolicy.min_age)
        )
        found: dict[uuid.UUID, list[ContactPolicy]] = {}
        for band in (await self.session.execute(stmt)).scalars():
            found.setdefault(band.local_authority_id, []).append(band)
        return found
