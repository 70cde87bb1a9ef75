"""Building the reads of log entries: the staff view, and the young person's view without the
staff-only fields. A page costs a constant number of queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import UserAccount
from app.care_leavers.service import advisers_by_id
from app.contacts.models import Contact, ContactAction
from app.contacts.repository import ContactRepository
from app.contacts.schemas import ContactActionRead, ContactDetail, ContactRead, ContactVersionRead, StaffRef
from app.core.clock import uk_today


def staff_ref(users: dict[uuid.UUID, UserAccount], user_id: uuid.UUID | None) -> StaffRef | None:
    user = users.get(user_id) if user_id is not None else None
    return StaffRef(id=user.id, display_name=user.display_name) if user is not None else None


def action_read(action: ContactAction, today: date) -> ContactActionRead:
    return ContactActionRead(
        id=action.id,
        contact_id=action.contact_id,
        description=action.description,
        owner_kind=action.owner_kind,
        owner_user_id=action.owner_user_id,
        owner_name=action.owner_name,
        due_on=action.due_on,
        done_on=action.done_on,
        overdue=action.done_on is None and action.due_on < today,
    )


@dataclass(frozen=True, slots=True)
class _Entry:
    current: Contact
    first: Contact  # the version that created the entry: its author and time
    actions: list[ContactAction]


def _contact_read(
    entry: _Entry, users: dict[uuid.UUID, UserAccount], staff: bool, today: date
) -> ContactRead:
    current, first = entry.current, entry.first
    amended = current.version > 1
    return ContactRead(
        id=current.entry_id,
        care_leaver_id=current.care_leaver_id,
        occurred_at=current.occurred_at,
        method=current.method,
        initiated_by=current.initiated_by,
        outcome=current.outcome,
        purpose=current.purpose if staff else None,
        summary=current.summary if staff else None,
        answers_request_id=current.answers_request_id,
        recorded_by=staff_ref(users, first.recorded_by) if staff else None,
        recorded_by_role=first.recorded_by_role,
        recorded_at=first.recorded_at,
        version=current.version,
        amended_at=current.recorded_at if amended else None,
        amended_by=staff_ref(users, current.recorded_by) if staff and amended else None,
        amendment_reason=current.amendment_reason if staff else None,
        actions=[action_read(a, today) for a in entry.actions] if staff else None,
    )


async def _entries(session: AsyncSession, contacts: list[Contact], staff: bool) -> list[_Entry]:
    """The entries of a page: constant queries per page (first versions of amended ones, actions)."""
    repo = ContactRepository(session)
    firsts = await repo.first_versions([c.entry_id for c in contacts if c.version > 1])
    actions = await repo.actions_of([c.entry_id for c in contacts]) if staff else {}
    return [_Entry(c, firsts.get(c.entry_id, c), actions.get(c.entry_id, [])) for c in contacts]


async def contact_reads(
    session: AsyncSession, contacts: list[Contact], staff: bool, today: date
) -> list[ContactRead]:
    entries = await _entries(session, contacts, staff)
    people = {e.first.recorded_by for e in entries} | {e.current.recorded_by for e in entries}
    users = await advisers_by_id(session, people) if staff else {}
    return [_contact_read(e, users, staff, today) for e in entries]


def etag_of(contact: Contact) -> str:
    return f'"{contact.version}"'


async def contact_detail(session: AsyncSession, current: Contact, staff: bool) -> ContactDetail:
    (read,) = await contact_reads(session, [current], staff, uk_today())
    if not staff:
        return ContactDetail(**dict(read), previous_versions=None)
    versions_so_far = await ContactRepository(session).versions(current.entry_id)
    earlier = [v for v in versions_so_far if v.version < current.version]
    users = await advisers_by_id(session, {v.recorded_by for v in earlier})
    versions = [
        ContactVersionRead(
            version=v.version,
            occurred_at=v.occurred_at,
            method=v.method,
            initiated_by=v.initiated_by,
            outcome=v.outcome,
            purpose=v.purpose,
            summary=v.summary,
            recorded_by=staff_ref(users, v.recorded_by),
            recorded_by_role=v.recorded_by_role,
            recorded_at=v.recorded_at,
            amendment_reason=v.amendment_reason,
        )
        for v in earlier
    ]
    return ContactDetail(**dict(read), previous_versions=versions)
