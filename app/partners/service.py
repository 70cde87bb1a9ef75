"""Council-tax exemption lists for billing authorities (seed 001 para 59: the list each district and
borough council receives monthly), and the starters and leavers since the month before.

Who is on a list is the engine's decision, read from the stored decisions (`app.decisions`), never
decided again here: the rule that joins them with residence, consent and the case's closure is in
`app.partners.months`, and a month's changes are two of its lists compared. A billing authority is a
partner organisation of the council of kind district council with the GSS code of the area it bills:
each Nottinghamshire district, and for Nottingham City (a unitary council) its own council tax team.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.csv_cells import cell
from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.enums import PartnerKind, Role
from app.auth.models import PartnerOrganisation
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.models import CareLeaver
from app.core.clock import uk_today
from app.core.errors import Forbidden, InvalidInput, field_error
from app.db.pagination import Position, Window, windows
from app.db.session import Database
from app.partners import months
from app.partners.enums import ListChange
from app.partners.months import Period, Run, Standing
from app.partners.repository import CouncilTaxRepository
from app.partners.schemas import CouncilTaxChange, CouncilTaxChanges, CouncilTaxExemption

RESOURCE = "council_tax_exemption"
BATCH = 1000
COLUMNS = list(CouncilTaxExemption.model_fields)
# A UK postcode at the end of an address (the record keeps the address as one text).
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\s*$", re.IGNORECASE)


def parse_month(text: str, name: str = "month") -> Period:
    year, month = (int(part) for part in text.split("-"))
    if not 2000 <= year <= 2100:
        raise InvalidInput(
            "Ask for a month from 2000 to 2100.",
            errors=[field_error(name, "a month YYYY-MM", location="query")],
        )
    return Period.month(year, month)


def period_of(month: str | None, on: date | None) -> Period:
    """`month=YYYY-MM`: that month's list; `on=`: the list for one day; neither: today's."""
    if month is not None and on is not None:
        raise InvalidInput(
            "Ask for a month or a day, not both.",
            errors=[field_error("on", "not with month", location="query")],
        )
    if month is not None:
        return parse_month(month)
    day = on or uk_today()
    return Period(day, day)


@dataclass(frozen=True, slots=True)
class Listed:
    authority: PartnerOrganisation
    standing: Standing
    run: Run


def district_only(principal: Principal) -> bool:
    """A partner (not also the council's admin) sees only its own area's list, if it bills council tax."""
    if not principal.has(Role.PARTNER) or principal.has(Role.LA_ADMIN):
        return False
    if principal.partner_kind is not PartnerKind.DISTRICT_COUNCIL or principal.partner_district_gss is None:
        # Universities and housing providers have no council-tax list: never the whole council's.
        raise Forbidden("Council-tax exemption lists are for the council that bills where people live.")
    return True


async def authorities(
    session: AsyncSession, principal: Principal, district: str | None
) -> list[PartnerOrganisation]:
    """The billing authorities whose lists the principal may read: a district its own, whatever it asks
    for; the council's staff any (or the one with `district`)."""
    assert principal.local_authority_id is not None
    repo = CouncilTaxRepository(session)
    if district_only(principal):
        assert principal.partner_organisation_id is not None
        own = await repo.organisation(principal.partner_organisation_id)
        return [own] if own is not None else []
    return await repo.billing_authorities(principal.local_authority_id, district)


async def members(
    session: AsyncSession, scope: list[PartnerOrganisation], period: Period, today: date
) -> dict[uuid.UUID, Listed]:
    """Everyone on these billing authorities' lists for the period, as the lists are sent now."""
    found: dict[uuid.UUID, Listed] = {}
    repo = CouncilTaxRepository(session)
    for authority in scope:
        for pid, standing in (await repo.standings(authority, period.first, period.last)).items():
            run = months.listed(standing, period, today)
            if run is not None and pid not in found:
                found[pid] = Listed(authority, standing, run)
    return found


def item(person: CareLeaver, listed: Listed) -> CouncilTaxExemption:
    gss = listed.authority.district_gss_code or ""
    # Their address only while the record places them in this area: never where they moved to.
    address = person.address if person.district_gss_code == gss else None
    postcode = _POSTCODE.search(address or "")
    return CouncilTaxExemption(
        care_leaver_id=person.id,
        reference=person.case_reference,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        address=address,
        postcode=f"{postcode[1]} {postcode[2]}".upper() if postcode else None,
        billing_authority_gss_code=gss,
        exempt_from=listed.run.first,
        exempt_until=listed.standing.exempt_until(listed.run),
    )


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: AuditAction,
    people: list[CareLeaver],
    **details: object,
) -> None:
    await record_about(
        session,
        principal.as_actor(),
        action,
        RESOURCE,
        people,
        local_authority_id=principal.local_authority_id,
        details={"count": len(people), **details},
    )


async def list_exemptions(
    session: AsyncSession,
    principal: Principal,
    period: Period,
    district: str | None,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[CouncilTaxExemption]:
    """A page of the list for the period, by name."""
    listed = await members(session, await authorities(session, principal, district), period, uk_today())
    window = await CouncilTaxRepository(session).page_people(listed, limit=limit, cursor=cursor)
    await _audit(session, principal, AuditAction.LIST, window.items, first=period.first.isoformat())
    return window.map(lambda p: item(p, listed[p.id]))


async def start_csv(
    session: AsyncSession, principal: Principal, period: Period, district: str | None
) -> dict[uuid.UUID, Listed]:
    """Who the CSV lists (reckoned in the request's own unit of work), with the export audited."""
    listed = await members(session, await authorities(session, principal, district), period, uk_today())
    people = list((await CouncilTaxRepository(session).people(listed)).values())
    await _audit(session, principal, AuditAction.EXPORT, people, first=period.first.isoformat(), format="csv")
    return listed


async def exemptions_csv(db: Database, listed: dict[uuid.UUID, Listed]) -> AsyncIterator[bytes]:
    """The CSV, a batch of people at a time, each batch read in its own short transaction."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)

    async def batch(cursor: Position | None) -> Window[CareLeaver]:
        async with db.unit_of_work() as session:
            return await CouncilTaxRepository(session).page_people(listed, limit=BATCH, cursor=cursor)

    async for window in windows(batch):
        for person in window.items:
            row = item(person, listed[person.id]).model_dump(mode="json")
            writer.writerow([cell(v) for v in row.values()])
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()


async def get_exemption(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, period: Period
) -> CouncilTaxExemption:
    """404 unless they are on one of the principal's lists for the period."""
    today = uk_today()
    repo = CouncilTaxRepository(session)
    for authority in await authorities(session, principal, None):
        standing = (await repo.standings(authority, period.first, period.last, [care_leaver_id])).get(
            care_leaver_id
        )
        run = months.listed(standing, period, today) if standing else None
        if run is not None:
            person = (await repo.people([care_leaver_id]))[care_leaver_id]
            await record_about(
                session, principal.as_actor(), AuditAction.READ, RESOURCE, [person], resource_id=person.id
            )
            return item(person, Listed(authority, standing, run))  # type: ignore[arg-type]
    raise CareLeaverNotFound("No care leaver with that id is on your council-tax list.")


async def changes_for(
    repo: CouncilTaxRepository, authority: PartnerOrganisation, period: Period, today: date
) -> list[tuple[uuid.UUID, ListChange, date]]:
    """Who joined one billing authority's list for `period` (a month), and who left it since the month
    before: the two months' lists compared, so the changes cannot disagree with the lists."""
    before = period.previous_month()
    changes: list[tuple[uuid.UUID, ListChange, date]] = []
    for pid, standing in (await repo.standings(authority, before.first, period.last)).items():
        now, then = months.run_in(standing, period, today), months.run_in(standing, before, today)
        if now is not None and then is None and standing.consents_now:
            changes.append((pid, ListChange.JOINED_LIST, months.joined_on(standing, now, period, today)))
        elif then is not None and now is None:
            changes.append((pid, ListChange.LEFT_LIST, months.left_on(standing, period, today)))
    return changes


async def list_changes(
    session: AsyncSession, principal: Principal, period: Period, district: str | None
) -> CouncilTaxChanges:
    """Who joined the list for `period` (a month) and who left it since the month before."""
    today = uk_today()
    repo = CouncilTaxRepository(session)
    scope = await authorities(session, principal, district)
    changes: list[tuple[uuid.UUID, ListChange, date]] = []
    for authority in scope:
        changes += await changes_for(repo, authority, period, today)
    people = await repo.people({pid for pid, _, _ in changes})
    rows = [
        CouncilTaxChange(
            care_leaver_id=pid,
            reference=people[pid].case_reference,
            given_name=people[pid].given_name,
            family_name=people[pid].family_name,
            date_of_birth=people[pid].date_of_birth,
            reason=reason,
            on=on,
        )
        for pid, reason, on in sorted(changes, key=lambda c: (c[2], people[c[0]].family_name, str(c[0])))
    ]
    await _audit(session, principal, AuditAction.LIST, list(people.values()), changes=period.label)
    return CouncilTaxChanges(
        month=period.label,
        billing_authority_gss_code=scope[0].district_gss_code if len(scope) == 1 else None,
        starters=[r for r in rows if r.reason is ListChange.JOINED_LIST],
        leavers=[r for r in rows if r.reason is ListChange.LEFT_LIST],
    )
