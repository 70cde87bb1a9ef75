"""Personal advisers: profiles, caseloads, the allocation queue, and the 21-plus support queue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.advisers.errors import (
    AdviserNotFound,
    CaseloadOutOfScope,
    SupportRequestNotAllowed,
    SupportRequestNotFound,
)
from app.advisers.repository import AdviserRepository
from app.advisers.schemas import AdviserUpdate, ServiceContacts
from app.audit.enums import AuditAction
from app.audit.service import record, record_about
from app.auth.enums import Role
from app.auth.models import Team, UserAccount
from app.auth.principal import Principal
from app.care_leavers.enums import SupportRequestStatus
from app.care_leavers.models import CareLeaver, SupportRequest
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.service import load_for_read
from app.contacts.service import ContactSummary, contact_summaries
from app.core.clock import uk_today, utc_now
from app.core.dates import add_months, age_on
from app.core.errors import Forbidden, InvalidInput, field_error
from app.db.pagination import Position, Window
from app.db.session import insert_or_raise
from app.local_authorities.models import LocalAuthority
from app.local_authorities.repository import LocalAuthorityRepository
from app.pathway_plans.service import PlanSummary, plan_summaries


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
) -> tuple[Window[UserAccount], dict[uuid.UUID, int]]:
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
    return window, sizes


async def get_adviser(
    session: AsyncSession, principal: Principal, adviser_id: uuid.UUID
) -> tuple[UserAccount, int]:
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
    return adviser, sizes.get(adviser.id, 0)


async def _adviser_in_council(
    session: AsyncSession, principal: Principal, adviser_id: uuid.UUID
) -> UserAccount:
    adviser = await AdviserRepository(session).adviser(adviser_id)
    if adviser is None or adviser.local_authority_id != principal.local_authority_id:
        raise AdviserNotFound("No personal adviser with that id in your council.")
    return adviser


async def update_adviser(
    session: AsyncSession, principal: Principal, adviser_id: uuid.UUID, body: AdviserUpdate
) -> tuple[UserAccount, int]:
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
    return adviser, sizes.get(adviser.id, 0)


@dataclass(frozen=True, slots=True)
class CaseloadLine:
    person: CareLeaver
    allocated_on: date
    contact: ContactSummary | None
    plan: PlanSummary | None


async def caseload(
    session: AsyncSession,
    principal: Principal,
    adviser_id: uuid.UUID,
    today: date,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[CaseloadLine]:
    """A page of the adviser's caseload, by name, with what the adviser needs to act on, in a constant
    number of queries. For the adviser, their team and manager, and admins (others: 403)."""
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
    return window.map(lambda row: CaseloadLine(row[0], row[1], contacts.get(row[0].id), plans.get(row[0].id)))


async def my_caseload(
    session: AsyncSession, principal: Principal, today: date, *, limit: int, cursor: Position | None
) -> Window[CaseloadLine]:
    """The signed-in personal adviser's own caseload: the same use case, with their own id."""
    return await caseload(session, principal, principal.user_id, today, limit=limit, cursor=cursor)


async def unallocated_young_people(
    session: AsyncSession, principal: Principal, today: date
) -> list[tuple[CareLeaver, date]]:
    """Still in care, 17¼ or over, and no personal adviser: with the date one is due (17½)."""
    assert principal.local_authority_id is not None
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
    return [(p, add_months(p.date_of_birth, ALLOCATE_BY_MONTHS)) for p in people]


async def my_adviser(
    session: AsyncSession, principal: Principal
) -> tuple[CareLeaver, UserAccount | None, Team | None, LocalAuthority]:
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
    return person, adviser, adviser.team if adviser else None, authority


def may_ask_for_adviser(person: CareLeaver, has_adviser: bool, today: date) -> bool:
    return not has_adviser and age_on(person.date_of_birth, today) in SUPPORT_ON_REQUEST_AGES


async def request_support(
    session: AsyncSession, principal: Principal, message: str | None
) -> tuple[SupportRequest, CareLeaver, bool]:
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
        return existing[0], person, False
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
        return (await repo.open_support_requests(person.id))[0], person, False
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "support_request",
        [person],
        resource_id=request.id,
    )
    return request, person, True


async def support_requests(
    session: AsyncSession,
    principal: Principal,
    status: SupportRequestStatus | None,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[tuple[SupportRequest, CareLeaver]]:
    assert principal.local_authority_id is not None
    window = await AdviserRepository(session).support_requests(
        principal, status, uk_today(), limit=limit, cursor=cursor
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
    return window


async def update_support_request(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, status: SupportRequestStatus
) -> tuple[SupportRequest, CareLeaver]:
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
    return request, people[request.care_leaver_id]


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
