"""Council-tax exemption lists for district councils (seed 001: the list each district receives monthly).

Who is on a list is the engine's decision, read from the stored decisions (`app.decisions`), never
decided again here: the council's `council-tax-exemption` entitlement on the date asked, for the
place the young person lived on that date (their dated residence). The record does not say whether
someone is liable for council tax on their home, which the district knows (it bills them), so the
list is everyone whose answer is eligible, or unknown for want of that fact alone.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.enums import ConsentRecipient, PartnerKind, Role
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.models import CareLeaver
from app.care_leavers.repository import CareLeaverRepository
from app.core.errors import Forbidden
from app.db.pagination import Position, Window
from app.decisions.models import EntitlementDecision
from app.decisions.repository import DecisionRepository, answered

RESOURCE = "council_tax_exemption"
ENTITLEMENT = "council-tax-exemption"
LIABILITY = "liable_for_council_tax"
LISTED = answered("eligible", or_unknown_only_for=LIABILITY)


def _listed(decision: EntitlementDecision) -> bool:
    return decision.outcome == "eligible" or (
        decision.outcome == "unknown" and decision.missing_facts == [LIABILITY]
    )


def _exempt_until(rows: list[EntitlementDecision], district: str | None) -> date | None:
    """The last day of the run of listed answers that starts with the first row, in the same district."""
    until = None
    for row in rows:
        if not _listed(row) or row.district_gss_code != district:
            break
        until = row.valid_to
        if until is None:
            break
    return until


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
) -> tuple[Window[CareLeaver], dict[uuid.UUID, datetime], dict[uuid.UUID, tuple[str | None, date | None]]]:
    """People exempt on `on` in the district they lived in that day, who agreed to share; with when they
    agreed, and (district, exempt until) as the stored decisions say."""
    assert principal.local_authority_id is not None
    if _district_only(principal):
        district = principal.partner_district_gss  # a district sees its own residents, whatever it asks for
    decisions = DecisionRepository(session)
    window = await decisions.page_answered(
        principal.local_authority_id,
        ENTITLEMENT,
        on,
        LISTED,
        district=district,
        consent=ConsentRecipient.DISTRICT_COUNCIL,
        limit=limit,
        cursor=cursor,
    )
    ids = [p.id for p in window.items]
    given = await CareLeaverRepository(session).consents_given_at(ids, ConsentRecipient.DISTRICT_COUNCIL)
    later = await decisions.later(ids, ENTITLEMENT, on)
    where = {
        pid: (rows[0].district_gss_code, _exempt_until(rows, rows[0].district_gss_code))
        for pid, rows in later.items()
        if rows
    }
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        RESOURCE,
        window.items,
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    return window, given, where


async def get_exemption(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, on: date
) -> tuple[CareLeaver, datetime, tuple[str | None, date | None]]:
    repo = CareLeaverRepository(session)
    found = await repo.scope(care_leaver_id, on)
    missing = CareLeaverNotFound("No care leaver with that id is yours to see.")
    if found is None:
        raise missing
    person, scope = found
    if principal.local_authority_id != scope.local_authority_id:
        raise missing
    rows = (await DecisionRepository(session).later([person.id], ENTITLEMENT, on))[person.id]
    current = rows[0] if rows and rows[0].valid_from <= on else None
    if current is None or not _listed(current):
        raise missing
    # The district that day is the one that may see them (a move takes them to the new district's list).
    if _district_only(principal) and current.district_gss_code != principal.partner_district_gss:
        raise missing
    given = (await repo.consents_given_at([person.id], ConsentRecipient.DISTRICT_COUNCIL)).get(person.id)
    if given is None or person.closed_on is not None:
        raise missing
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        RESOURCE,
        [person],
        resource_id=person.id,
    )
    return person, given, (current.district_gss_code, _exempt_until(rows, current.district_gss_code))
