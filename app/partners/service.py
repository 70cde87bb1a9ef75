"""Council-tax exemption lists for district councils (seed 001: the list each district receives monthly)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.enums import ConsentRecipient, PartnerKind, Role
from app.auth.policy import partner_in_scope
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.models import CareLeaver
from app.care_leavers.repository import CareLeaverRepository
from app.core.dates import day_before_birthday, latest_birth_date
from app.core.errors import Forbidden
from app.db.pagination import Position, Window

RESOURCE = "council_tax_exemption"
# Exempt from 18 (when they can first be liable) until the day before they turn 25: Nottinghamshire's
# districts (seed 001) and Nottingham City (seed 003); STATUTE.md section 4.
FROM_AGE, UNTIL_AGE = 18, 25


def _in_age_range(date_of_birth: date, on: date) -> bool:
    return latest_birth_date(on, UNTIL_AGE) < date_of_birth <= latest_birth_date(on, FROM_AGE)


def exempt_until(date_of_birth: date) -> date:
    return day_before_birthday(date_of_birth, UNTIL_AGE)


def _district_only(principal: Principal) -> bool:
    """A partner (not also the council's admin) sees only its own district's list, if it is a district."""
    if not principal.has(Role.PARTNER) or principal.has(Role.LA_ADMIN):
        return False
    if principal.partner_kind is not PartnerKind.DISTRICT_COUNCIL or principal.partner_district_gss is None:
        # Universities and housing providers have no council-tax list: never the whole council's.
        raise Forbidden("Council-tax exemption lists are for the district council where people live.")
    return True


async def list_exemptions(
    session: AsyncSession,
    principal: Principal,
    on: date,
    district: str | None,
    *,
    limit: int,
    cursor: Position | None,
) -> tuple[Window[CareLeaver], dict[uuid.UUID, datetime]]:
    """People in the district who agreed to share, aged 18 to 24 on `on`, with when they agreed."""
    assert principal.local_authority_id is not None
    if _district_only(principal):
        district = principal.partner_district_gss  # a district sees its own residents, whatever it asks for
    repo = CareLeaverRepository(session)
    window = await repo.in_district_with_consent(
        principal.local_authority_id,
        district,
        latest_birth_date(on, UNTIL_AGE),
        latest_birth_date(on, FROM_AGE),
        limit=limit,
        cursor=cursor,
    )
    given = await repo.consents_given_at([p.id for p in window.items], ConsentRecipient.DISTRICT_COUNCIL)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        RESOURCE,
        window.items,
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    return window, given


async def get_exemption(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, on: date
) -> tuple[CareLeaver, datetime]:
    repo = CareLeaverRepository(session)
    found = await repo.scope(care_leaver_id, on)
    missing = CareLeaverNotFound("No care leaver with that id is yours to see.")
    if found is None:
        raise missing
    person, scope = found
    if principal.local_authority_id != scope.local_authority_id:
        raise missing
    if _district_only(principal) and not partner_in_scope(principal, scope):
        raise missing
    given = (await repo.consents_given_at([person.id], ConsentRecipient.DISTRICT_COUNCIL)).get(person.id)
    if given is None or person.closed_on is not None or not _in_age_range(person.date_of_birth, on):
        raise missing
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        RESOURCE,
        [person],
        resource_id=person.id,
    )
    return person, given
