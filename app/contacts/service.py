"""Use cases of the contact log: recording and amending contacts, follow-up actions, the overdue list,
and keeping each young person's `last_contact_at` and `next_contact_due_on` current.

Access goes through `app.care_leavers.service.load_for_read` (404 outside scope) and the one policy in
`app.auth.policy`; every read and change of a person's contacts records one audit event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import require_if_match
from app.audit.enums import AuditAction
from app.audit.service import Concerned, record_about
from app.auth.enums import COUNCIL_STAFF_ROLES, Role
from app.auth.models import UserAccount
from app.auth.policy import PersonScope, may_read, may_write
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.schemas import AdviserRef
from app.care_leavers.service import advisers_by_id, load_for_read
from app.contacts import due_dates, views
from app.contacts.enums import COUNTING_OUTCOMES, ActionOwnerKind, ContactOutcome, ContactRequestStatus
from app.contacts.errors import AmendNotAllowed, ContactActionNotFound, ContactNotFound, ContactRequestClosed
from app.contacts.models import Contact, ContactAction, ContactRequest
from app.contacts.policy import days_overdue
from app.contacts.repository import ContactFilters, ContactRepository
from app.contacts.schemas import (
    CareLeaverRef,
    ContactActionCreate,
    ContactActionRead,
    ContactActionUpdate,
    ContactAmend,
    ContactCreate,
    ContactDetail,
    ContactRead,
    OverdueContactRead,
)
from app.core.clock import uk_today, utc_now
from app.core.errors import InvalidInput, PreconditionFailed, field_error
from app.core.types import uuid7
from app.db.pagination import Position, Window
from app.db.session import insert_or_raise

RESOURCE = "contact"


@dataclass(frozen=True, slots=True)
class ContactSummary:
    """A young person's contact status, for caseload lists."""

    last_contact_at: datetime | None  # last seen or spoken to
    next_contact_due_on: date | None  # None: no contact duty (outside every band, or case closed)
    days_overdue: int  # 0 if not overdue
    open_contact_requests: int
    overdue_actions: int


async def contact_summaries(
    session: AsyncSession, care_leaver_ids: list[uuid.UUID], today: date
) -> dict[uuid.UUID, ContactSummary]:
    """Summaries for a page of people in one query, however many. The caller has already scoped the
    ids to what its principal may see, and audits the read; ids of no record are left out."""
    if not care_leaver_ids:
        return {}
    rows = await ContactRepository(session).summaries(set(care_leaver_ids), today)
    return {
        person_id: ContactSummary(last, due, days_overdue(due, today), requests, actions)
        for person_id, last, due, requests, actions in rows
    }


# Who sees what


def reads_as_staff(principal: Principal, scope: PersonScope) -> bool:
    """Staff-only fields (purpose, summary, actions, names) go to council staff who may read the person
    through a staff role, never to the young person, whose own record they read as themselves."""
    staff_roles = principal.roles & COUNCIL_STAFF_ROLES
    return bool(staff_roles) and may_read(replace(principal, roles=staff_roles), scope)


def _may_amend(principal: Principal, scope: PersonScope, author_id: uuid.UUID) -> bool:
    """The entry's author, a manager of the young person's team (or of the unallocated), or an admin."""
    if principal.user_id == author_id or principal.has(Role.LA_ADMIN):
        return True
    manager = replace(principal, roles=frozenset({Role.TEAM_MANAGER}))
    return principal.has(Role.TEAM_MANAGER) and may_write(manager, scope)


def _role_of(principal: Principal) -> str:
    role = principal.primary_role
    assert role is not None  # a signed-in account has at least one role
    return role.value


# The log


async def list_contacts(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    filters: ContactFilters,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[ContactRead]:
    person, scope = await load_for_read(session, principal, care_leaver_id)
    window = await ContactRepository(session).page_current(person.id, filters, limit=limit, cursor=cursor)
    staff = reads_as_staff(principal, scope)
    reads = await views.contact_reads(session, window.items, staff, uk_today())
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        RESOURCE,
        [person],
        details={"count": len(reads), "staff_view": staff},
    )
    return Window(items=reads, next=window.next)


async def get_contact(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, contact_id: uuid.UUID
) -> tuple[ContactDetail, str]:
    """The entry as it stands with its earlier versions (staff), and its ETag for amending it."""
    person, scope = await load_for_read(session, principal, care_leaver_id)
    repo = ContactRepository(session)
    current = await repo.current(person.id, contact_id)
    if current is None:
        raise ContactNotFound("This young person's contact log has no entry with that id.")
    staff = reads_as_staff(principal, scope)
    detail = await views.contact_detail(session, current, staff)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        RESOURCE,
        [person],
        resource_id=current.entry_id,
    )
    return detail, views.etag_of(current)


async def record_contact(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, body: ContactCreate
) -> tuple[ContactDetail, str]:
    """Any council staff who may read the person records contacts: their adviser, a colleague covering
    or on duty, their manager, an admin. A contact that answers a call-back request closes it."""
    person, _ = await load_for_read(session, principal, care_leaver_id)
    request = await _request_answered_by(session, person.id, body.answers_request_id, body.outcome)
    await _check_action_owners(session, person.local_authority_id, body.actions)
    entry_id = uuid7()
    contact = Contact(
        id=entry_id,
        entry_id=entry_id,
        version=1,
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        occurred_at=body.occurred_at,
        method=body.method,
        initiated_by=body.initiated_by,
        outcome=body.outcome,
        purpose=body.purpose,
        summary=body.summary,
        answers_request_id=body.answers_request_id,
        recorded_by=principal.user_id,
        recorded_by_role=_role_of(principal),
        recorded_at=utc_now(),
    )
    if request is not None:
        request.status = ContactRequestStatus.ANSWERED
        request.answered_at = contact.recorded_at
        request.answered_by = principal.user_id
    # The same request answered by another entry at the same moment clashes on answers_request_id.
    await insert_or_raise(
        session, contact, ContactRequestClosed("Another contact answered this call-back request first.")
    )
    session.add_all(
        ContactAction(
            local_authority_id=person.local_authority_id,
            care_leaver_id=person.id,
            contact_id=entry_id,
            description=action.description,
            owner_kind=action.owner_kind,
            owner_user_id=action.owner_user_id,
            owner_name=action.owner_name,
            due_on=action.due_on,
            created_by=principal.user_id,
        )
        for action in body.actions
    )
    await session.flush()
    await due_dates.refresh_contact_status(session, [person.id])
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        RESOURCE,
        [person],
        resource_id=entry_id,
        details={"outcome": body.outcome.value, "actions": len(body.actions)},
    )
    return await views.contact_detail(session, contact, staff=True), views.etag_of(contact)


async def _request_answered_by(
    session: AsyncSession, care_leaver_id: uuid.UUID, request_id: uuid.UUID | None, outcome: ContactOutcome
) -> ContactRequest | None:
    if request_id is None:
        return None
    if outcome not in COUNTING_OUTCOMES:
        raise InvalidInput(
            "An attempt does not answer a call-back request: record it without `answers_request_id`.",
            errors=[field_error("answers_request_id", "only a contact in which they were seen or spoken to")],
        )
    request = await ContactRepository(session).request(request_id)
    if request is None or request.care_leaver_id != care_leaver_id:
        raise InvalidInput(
            "This young person has no call-back request with that id.",
            errors=[field_error("answers_request_id", "not a call-back request of this young person")],
        )
    if request.status is not ContactRequestStatus.OPEN:
        raise ContactRequestClosed(f"That call-back request is already {request.status.value}.")
    return request


async def _check_action_owners(
    session: AsyncSession, local_authority_id: uuid.UUID, actions: list[ContactActionCreate]
) -> None:
    staff = await advisers_by_id(session, {a.owner_user_id for a in actions if a.owner_user_id is not None})
    errors = []
    for index, action in enumerate(actions):
        where, kind = f"actions.{index}", action.owner_kind
        if action.owner_user_id is not None:
            if kind is not ActionOwnerKind.ADVISER:
                errors.append(field_error(f"{where}.owner_user_id", "only for an action an adviser owns"))
            elif not _is_council_staff(staff.get(action.owner_user_id), local_authority_id):
                errors.append(
                    field_error(f"{where}.owner_user_id", "not an active staff account of this council")
                )
        if action.owner_name is not None and kind is not ActionOwnerKind.PARTNER:
            errors.append(field_error(f"{where}.owner_name", "only for an action a partner owns"))
        if kind is ActionOwnerKind.PARTNER and action.owner_name is None:
            errors.append(field_error(f"{where}.owner_name", "name the partner organisation or person"))
    if errors:
        raise InvalidInput("Some follow-up actions are not valid.", errors=errors)


def _is_council_staff(user: UserAccount | None, local_authority_id: uuid.UUID) -> bool:
    return (
        user is not None
        and user.is_active
        and user.local_authority_id == local_authority_id
        and any(role in COUNCIL_STAFF_ROLES for role in user.roles)
    )


async def amend_contact(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    contact_id: uuid.UUID,
    body: ContactAmend,
    if_match: str | None,
) -> tuple[ContactDetail, str]:
    """A new version of the entry; every earlier version is kept as it was written."""
    person, scope = await load_for_read(session, principal, care_leaver_id)
    repo = ContactRepository(session)
    current = await repo.current(person.id, contact_id)
    if current is None:
        raise ContactNotFound("This young person's contact log has no entry with that id.")
    first = (
        current if current.version == 1 else (await repo.first_versions([current.entry_id]))[current.entry_id]
    )
    if not _may_amend(principal, scope, first.recorded_by):
        raise AmendNotAllowed("Only the entry's author, the team manager or an admin may amend it.")
    require_if_match(if_match, views.etag_of(current), what="this contact entry")
    changes = _changes(current, body)
    amended = Contact(
        entry_id=current.entry_id,
        version=current.version + 1,
        local_authority_id=current.local_authority_id,
        care_leaver_id=current.care_leaver_id,
        occurred_at=changes.get("occurred_at", current.occurred_at),
        method=changes.get("method", current.method),
        initiated_by=changes.get("initiated_by", current.initiated_by),
        outcome=changes.get("outcome", current.outcome),
        purpose=changes.get("purpose", current.purpose),
        summary=changes.get("summary", current.summary),
        answers_request_id=current.answers_request_id,
        recorded_by=principal.user_id,
        recorded_by_role=_role_of(principal),
        recorded_at=utc_now(),
        amendment_reason=body.reason,
    )
    # Someone else's amendment may have taken this version number first.
    await insert_or_raise(
        session, amended, PreconditionFailed("Someone amended this entry meanwhile: read it again.")
    )
    await due_dates.refresh_contact_status(session, [person.id])
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        RESOURCE,
        [person],
        resource_id=current.entry_id,
        details={"version": amended.version, "fields": sorted(changes)},
    )
    return await views.contact_detail(session, amended, staff=True), views.etag_of(amended)


def _changes(current: Contact, body: ContactAmend) -> dict[str, object]:
    given = body.model_dump(exclude_unset=True, exclude={"reason"})
    removed = [name for name, value in given.items() if value is None]
    if removed:
        raise InvalidInput(
            "An entry's fields cannot be emptied; correct them instead.",
            errors=[field_error(name, "cannot be null") for name in removed],
        )
    changes = {name: value for name, value in given.items() if getattr(current, name) != value}
    if not changes:
        raise InvalidInput("Nothing to amend: every field given already has that value.")
    if current.answers_request_id is not None and changes.get("outcome") is ContactOutcome.ATTEMPT:
        raise InvalidInput(
            "This contact answered a call-back request, so they were reached: it cannot become an attempt.",
            errors=[field_error("outcome", "cannot be attempt: the contact answered a call-back request")],
        )
    return changes


async def update_action(
    session: AsyncSession, principal: Principal, action_id: uuid.UUID, body: ContactActionUpdate
) -> ContactActionRead:
    """Mark a follow-up done (or not done after all). Staff who may read the person."""
    action = await ContactRepository(session).action(action_id)
    if action is None:
        raise ContactActionNotFound("No follow-up action with that id is yours to see.")
    try:
        person, _ = await load_for_read(session, principal, action.care_leaver_id)
    except CareLeaverNotFound as exc:
        raise ContactActionNotFound("No follow-up action with that id is yours to see.") from exc
    action.done_on = body.done_on
    action.updated_at = utc_now()
    action.updated_by = principal.user_id
    await session.flush()
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "contact_action",
        [person],
        resource_id=action.id,
        details={"done": body.done_on is not None},
    )
    return views.action_read(action, uk_today())


async def list_overdue(
    session: AsyncSession,
    principal: Principal,
    *,
    team_id: uuid.UUID | None,
    adviser_id: uuid.UUID | None,
    limit: int,
    cursor: Position | None,
) -> Window[OverdueContactRead]:
    """Everyone the principal may see whose next contact was due before today, most overdue first."""
    today = uk_today()
    window = await ContactRepository(session).page_overdue(
        principal, today, team_id=team_id, adviser_id=adviser_id, limit=limit, cursor=cursor
    )
    advisers = await advisers_by_id(session, {row.adviser_id for row in window.items if row.adviser_id})
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "overdue_contact",
        [Concerned(row.id, row.local_authority_id) for row in window.items],
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    return window.map(
        lambda row: OverdueContactRead(
            care_leaver=CareLeaverRef(
                id=row.id,
                display_name=f"{row.preferred_name or row.given_name} {row.family_name}",
                case_reference=row.case_reference,
            ),
            adviser=_adviser_ref(advisers.get(row.adviser_id)),
            last_contact_at=row.last_contact_at,
            next_contact_due_on=row.next_contact_due_on,
            days_overdue=days_overdue(row.next_contact_due_on, today),
            open_contact_requests=row.open_contact_requests,
        )
    )


def _adviser_ref(user: UserAccount | None) -> AdviserRef | None:
    return AdviserRef(id=user.id, display_name=user.display_name) if user is not None else None
