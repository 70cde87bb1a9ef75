"""Personal advisers: profiles, caseloads, the allocation queue, and the 21-plus support queue."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.advisers import views
from app.advisers.errors import (
    AdviserNotFound,
    CaseloadOutOfScope,
    SupportRequestNotAllowed,
    SupportRequestNotFound,
)
from app.advisers.repository import AdviserRepository
from app.advisers.schemas import (
    AdviserRead,
    AdviserUpdate,
    AllocationCreate,
    AllocationRead,
    CaseloadEntry,
    MyAdviser,
    ServiceContacts,
    SupportRequestRead,
    UnallocatedYoungPerson,
)
from app.advisers.views import CaseloadLine
from app.audit.enums import AuditAction
from app.audit.service import record, record_about
from app.auth.enums import Role
from app.auth.models import UserAccount
from app.auth.policy import may_write
from app.auth.principal import Principal
from app.care_leavers import hooks
from app.care_leavers.enums import SupportRequestStatus
from app.care_leavers.errors import ReadOnlyAccess
from app.care_leavers.models import AdviserAllocation, CareLeaver, SupportRequest
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.service import load_for_read, read_person
from app.contacts.service import contact_summaries
from app.core.clock import uk_today, utc_now
from app.core.dates import add_months, age_on
from app.core.errors import Forbidden, InvalidInput, field_error
from app.db.pagination import Position, Window
from app.db.session import insert_or_raise
from app.local_authorities.models import LocalAuthority
from app.local_authorities.repository import LocalAuthorityRepository
from app.notifications import wording
from app.notifications.service import notify
from app.pathway_plans.service import plan_summaries


class _AlreadyOpen(Exception):
    pass


# A personal adviser by 17½; the queue starts at 17¼ so managers have three months to allocate (seeds 001, 003).
QUEUE_FROM_MONTHS, ALLOCATE_BY_MONTHS = 17 * 12 + 3, 17 * 12 + 6
# PA support on request from 21 to the 25th birthday (CA89 s23CZB).
SUPPORT_ON_REQUEST_AGES = range(21, 25)


async def list_advisers(
    session: AsyncSession,
    principal: Principal,
    team_id: uuid.UUID | None,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[AdviserRead]:
    assert principal.local_authority_id is not None
    repo = AdviserRepository(session)
    window = await repo.page(principal.local_authority_id, team_id, limit=limit, cursor=cursor)
    sizes = await repo.caseload_sizes([a.id for a in window.items], uk_today())
    await record(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "adviser",
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    return window.map(lambda a: views.adviser_read(a, sizes.get(a.id, 0)))


async def get_adviser(session: AsyncSession, principal: Principal, adviser_id: uuid.UUID) -> AdviserRead:
    adviser = await _adviser_in_council(session, principal, adviser_id)
    sizes = await AdviserRepository(session).caseload_sizes([adviser.id], uk_today())
    await record(
        session,
        principal.as_actor(),
        AuditAction.READ,
        "adviser",
        resource_id=adviser.id,
        local_authority_id=adviser.local_authority_id,
    )
    return views.adviser_read(adviser, sizes.get(adviser.id, 0))


async def _adviser_in_council(
    session: AsyncSession, principal: Principal, adviser_id: uuid.UUID
) -> UserAccount:
    adviser = await AdviserRepository(session).adviser(adviser_id)
    if adviser is None or adviser.local_authority_id != principal.local_authority_id:
        raise AdviserNotFound("No personal adviser with that id in your council.")
    return adviser


async def update_adviser(
    session: AsyncSession, principal: Principal, adviser_id: uuid.UUID, body: AdviserUpdate
) -> AdviserRead:
    """The adviser themself, their team manager, or an admin keeps the profile current."""
    adviser = await _adviser_in_council(session, principal, adviser_id)
    own = adviser.id == principal.user_id
    manages = principal.has(Role.TEAM_MANAGER) and adviser.team_id == principal.team_id
    if not (own or manages or principal.has(Role.LA_ADMIN)):
        raise Forbidden("Only the adviser, their team manager or an admin changes this profile.")
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        setattr(adviser, name, value)
    await session.flush()
    await record(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "adviser",
        resource_id=adviser.id,
        local_authority_id=adviser.local_authority_id,
        details={"fields": sorted(changes)},
    )
    sizes = await AdviserRepository(session).caseload_sizes([adviser.id], uk_today())
    return views.adviser_read(adviser, sizes.get(adviser.id, 0))


async def caseload(
    session: AsyncSession,
    principal: Principal,
    adviser_id: uuid.UUID,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[CaseloadEntry]:
    """A page of the adviser's caseload, by name, with what the adviser needs to act on, in a constant
    number of queries. For the adviser, their team and manager, and admins (others: 403)."""
    today = uk_today()
    adviser = await _adviser_in_council(session, principal, adviser_id)
    same_team = adviser.team_id is not None and adviser.team_id == principal.team_id
    if not (adviser.id == principal.user_id or principal.has(Role.LA_ADMIN) or same_team):
        raise CaseloadOutOfScope("Only the adviser, their team and managers, and admins see this caseload.")
    window = await AdviserRepository(session).caseload(adviser.id, today, limit=limit, cursor=cursor)
    ids = [p.id for p, _ in window.items]
    contacts, plans = await contact_summaries(session, ids, today), await plan_summaries(session, ids, today)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "caseload",
        [p for p, _ in window.items],
        resource_id=adviser.id,
        local_authority_id=adviser.local_authority_id,
        details={"count": len(ids)},
    )
    lines = window.map(
        lambda row: CaseloadLine(row[0], row[1], contacts.get(row[0].id), plans.get(row[0].id))
    )
    return lines.map(lambda line: views.caseload_entry(line, today))


async def my_caseload(
    session: AsyncSession, principal: Principal, *, limit: int, cursor: Position | None
) -> Window[CaseloadEntry]:
    """The signed-in personal adviser's own caseload: the same use case, with their own id."""
    return await caseload(session, principal, principal.user_id, limit=limit, cursor=cursor)


async def allocate_adviser(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, body: AllocationCreate
) -> AllocationRead:
    """A new allocation ends the open one: allocation history is never overwritten.

    A team manager allocates advisers of their own team, to young people of their team or to
    those nobody is allocated to; an la_admin allocates anyone in the council.
    """
    person, scope = await load_for_read(session, principal, care_leaver_id)
    manager_may = principal.has(Role.TEAM_MANAGER) and (
        scope.adviser_id is None or may_write(principal, scope)
    )
    if not (principal.has(Role.LA_ADMIN) or manager_may):
        raise ReadOnlyAccess("Only their team manager or an admin allocates a personal adviser.")
    repo = CareLeaverRepository(session)
    adviser = (await repo.advisers({body.adviser_id})).get(body.adviser_id)
    if not _can_be_allocated(principal, adviser, person.local_authority_id):
        raise InvalidInput(
            "Choose an active personal adviser of this council (and of your team, as a manager).",
            errors=[field_error("adviser_id", "not a personal adviser you can allocate")],
        )
    assert adviser is not None
    started_on = body.started_on or uk_today()
    current = await repo.open_allocation(person.id)
    if current is not None:
        if started_on <= current.started_on:
            raise InvalidInput(
                "A new allocation must start after the current one started.",
                errors=[field_error("started_on", f"must be after {current.started_on.isoformat()}")],
            )
        current.ended_on = started_on
        await session.flush()
    for request in await repo.open_support_requests(person.id):
        # Asking for an adviser (the 21-plus queue) is answered by allocating one.
        request.status, request.resolved_at, request.resolved_by = (
            SupportRequestStatus.ALLOCATED,
            utc_now(),
            principal.user_id,
        )
    allocation = AdviserAllocation(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        adviser_id=adviser.id,
        started_on=started_on,
        created_by=principal.user_id,
    )
    session.add(allocation)
    await session.flush()
    await hooks.record_changed(session, person.id)  # contact is due from the allocation
    await notify(
        session, person.local_authority_id, person.id,
        wording.adviser_changed(allocation.id, adviser.display_name, started_on),
    )  # fmt: skip
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "adviser_allocation",
        [person],
        resource_id=allocation.id,
    )
    return AllocationRead.model_validate(allocation)


def _can_be_allocated(
    principal: Principal, adviser: UserAccount | None, local_authority_id: uuid.UUID
) -> bool:
    if adviser is None or not adviser.is_active or Role.PERSONAL_ADVISER.value not in adviser.roles:
        return False
    if adviser.local_authority_id != local_authority_id:
        return False
    return principal.has(Role.LA_ADMIN) or adviser.team_id == principal.team_id


async def list_adviser_allocations(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> list[AllocationRead]:
    """Who was the young person's personal adviser, from when to when, oldest first."""
    person = await read_person(session, principal, care_leaver_id, "adviser_allocation")
    return [
        AllocationRead.model_validate(a) for a in await CareLeaverRepository(session).allocations(person.id)
    ]


async def unallocated_young_people(
    session: AsyncSession, principal: Principal
) -> list[UnallocatedYoungPerson]:
    """Still in care, 17¼ or over, and no personal adviser: with the date one is due (17½)."""
    assert principal.local_authority_id is not None
    today = uk_today()
    people = await AdviserRepository(session).in_care_without_adviser(
        principal.local_authority_id, add_months(today, -QUEUE_FROM_MONTHS), today
    )
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "care_leaver",
        people,
        local_authority_id=principal.local_authority_id,
        details={"count": len(people), "queue": "17_and_a_quarter"},
    )
    return [views.unallocated(p, add_months(p.date_of_birth, ALLOCATE_BY_MONTHS), today) for p in people]


async def my_adviser(session: AsyncSession, principal: Principal) -> MyAdviser:
    """Who the young person's adviser is, how to reach them, and who to call when they are away."""
    assert principal.care_leaver_id is not None
    person, scope = await load_for_read(session, principal, principal.care_leaver_id)
    adviser = await AdviserRepository(session).adviser(scope.adviser_id) if scope.adviser_id else None
    authority = await LocalAuthorityRepository(session).get_by_id(person.local_authority_id)
    assert authority is not None
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        "adviser",
        [person],
        resource_id=scope.adviser_id,
    )
    can_ask = may_ask_for_adviser(person, adviser is not None, uk_today())
    return views.my_adviser(adviser, adviser.team if adviser else None, authority, can_ask)


def may_ask_for_adviser(person: CareLeaver, has_adviser: bool, today: date) -> bool:
    return not has_adviser and age_on(person.date_of_birth, today) in SUPPORT_ON_REQUEST_AGES


async def request_support(
    session: AsyncSession, principal: Principal, message: str | None
) -> tuple[SupportRequestRead, bool]:
    """A care leaver of 21 to 24 without an adviser asks for one; asking twice returns the open request."""
    assert principal.care_leaver_id is not None
    person, scope = await load_for_read(session, principal, principal.care_leaver_id)
    today = uk_today()
    if not may_ask_for_adviser(person, scope.adviser_id is not None, today):
        reason = (
            "You already have a personal adviser."
            if scope.adviser_id
            else ("This is for care leavers aged 21 to 24. Your council's duty line can help you now.")
        )
        raise SupportRequestNotAllowed(reason)
    repo = CareLeaverRepository(session)
    existing = await repo.open_support_requests(person.id)
    if existing:
        return views.support_request_read(existing[0], person, today), False
    request = SupportRequest(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        message=message,
        status=SupportRequestStatus.OPEN,
        created_at=utc_now(),
    )
    try:
        await insert_or_raise(session, request, _AlreadyOpen())
    except _AlreadyOpen:
        # Asked twice at the same moment: the other request won the unique index; answer with it.
        return views.support_request_read(
            (await repo.open_support_requests(person.id))[0], person, today
        ), False
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "support_request",
        [person],
        resource_id=request.id,
    )
    return views.support_request_read(request, person, today), True


async def support_requests(
    session: AsyncSession,
    principal: Principal,
    status: SupportRequestStatus | None,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[SupportRequestRead]:
    assert principal.local_authority_id is not None
    today = uk_today()
    window = await AdviserRepository(session).support_requests(
        principal, status, today, limit=limit, cursor=cursor
    )
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "support_request",
        [p for _, p in window.items],
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    return window.map(lambda pair: views.support_request_read(*pair, today))


async def update_support_request(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, status: SupportRequestStatus
) -> SupportRequestRead:
    """A young person may withdraw their own open request; it is allocated by allocating an adviser."""
    repo = AdviserRepository(session)
    request = await repo.support_request(request_id)
    if request is None or request.care_leaver_id != principal.care_leaver_id:
        raise SupportRequestNotFound("No request of yours has that id.")
    if status is not SupportRequestStatus.WITHDRAWN:
        raise InvalidInput(
            "You can withdraw your request; it is closed for you when an adviser is allocated.",
            errors=[field_error("status", "only withdrawn")],
        )
    if request.status is SupportRequestStatus.OPEN:
        request.status, request.resolved_at = SupportRequestStatus.WITHDRAWN, utc_now()
        await session.flush()
        await record_about(
            session,
            principal.as_actor(),
            AuditAction.UPDATE,
            "support_request",
            [request],
            resource_id=request.id,
            details={"status": "withdrawn"},
        )
    people = await repo.people({request.care_leaver_id})
    return views.support_request_read(request, people[request.care_leaver_id], uk_today())


async def set_service_contacts(
    session: AsyncSession, principal: Principal, gss_code: str, body: ServiceContacts
) -> LocalAuthority:
    authority = await LocalAuthorityRepository(session).get_by_gss_code(gss_code)
    if authority is None or authority.id != principal.local_authority_id:
        raise Forbidden("You can change only your own council's numbers.")
    authority.duty_phone, authority.out_of_hours_phone = body.duty_phone, body.out_of_hours_phone
    await session.flush()
    await record(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "local_authority",
        resource_id=authority.id,
        local_authority_id=authority.id,
        details={"fields": ["duty_phone", "out_of_hours_phone"]},
    )
    return authority
