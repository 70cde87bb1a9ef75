"""What billing authorities tell us back: a confirmation per person, seen by their adviser and, in
words, by the young person; and the take-up report (seed 001 para 59's table by billing authority
and month: on the list, confirmed applied, not liable, outstanding).

A confirmation is the billing authority's own statement, which only it changes: PUT replaces it, the
same body twice changes nothing (idempotent), and If-Match is optional. Sent, it must match the
current ETag (412 otherwise), which keeps two officers of one district from overwriting each other;
left out, the statement simply replaces the district's earlier one.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import check_if_match_if_sent
from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.service import read_person
from app.core.clock import uk_today, utc_now
from app.core.errors import Forbidden, InvalidInput, field_error
from app.notifications import wording
from app.notifications.service import notify
from app.partners import months
from app.partners.enums import ConfirmationOutcome
from app.partners.models import CouncilTaxConfirmation
from app.partners.months import Period
from app.partners.repository import CouncilTaxRepository
from app.partners.schemas import ConfirmationPut, ConfirmationRead, MyCouncilTax, TakeUpReport, TakeUpRow
from app.partners.service import authorities, district_only, parse_month

RESOURCE = "council_tax_confirmation"


def etag(confirmation: CouncilTaxConfirmation) -> str:
    return f'"{confirmation.id}-{confirmation.version}"'


def read_of(confirmation: CouncilTaxConfirmation, organisation_name: str) -> ConfirmationRead:
    return ConfirmationRead(
        care_leaver_id=confirmation.care_leaver_id,
        organisation_id=confirmation.partner_organisation_id,
        organisation_name=organisation_name,
        outcome=confirmation.outcome,
        applied_from=confirmation.applied_from,
        account_reference=confirmation.account_reference,
        note=confirmation.note,
        recorded_at=confirmation.recorded_at,
        version=confirmation.version,
    )


async def put_confirmation(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    body: ConfirmationPut,
    if_match: str | None,
) -> tuple[ConfirmationRead, str]:
    """The district's word on someone on its list this month or last (404 otherwise)."""
    if not district_only(principal):
        raise Forbidden("Only the billing authority confirms what it did with its own list.")
    scope = await authorities(session, principal, None)
    if not scope:
        raise CareLeaverNotFound("No care leaver with that id is on your council-tax list.")
    authority = scope[0]
    today = uk_today()
    this = Period.month(today.year, today.month)
    repo = CouncilTaxRepository(session)
    last = this.previous_month()
    standing = (await repo.standings(authority, last.first, this.last, [care_leaver_id])).get(care_leaver_id)
    if standing is None or not (months.listed(standing, this, today) or months.listed(standing, last, today)):
        raise CareLeaverNotFound("No care leaver with that id is on your council-tax list.")
    found = await repo.confirmation(care_leaver_id, authority.id)
    check_if_match_if_sent(if_match, etag(found) if found else None, what="the confirmation")
    fields = body.model_dump()
    if found is None:
        found = CouncilTaxConfirmation(
            local_authority_id=authority.local_authority_id,
            care_leaver_id=care_leaver_id,
            partner_organisation_id=authority.id,
            recorded_at=utc_now(),
            recorded_by=principal.user_id,
            version=1,
            **fields,
        )
        session.add(found)
    elif any(getattr(found, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(found, key, value)
        found.version += 1
        found.recorded_at, found.recorded_by = utc_now(), principal.user_id
    else:
        return read_of(found, authority.name), etag(found)  # the same statement again changes nothing
    await session.flush()
    if found.outcome is ConfirmationOutcome.APPLIED and found.applied_from is not None:
        # Once per confirmation and date: a corrected account reference says nothing new to them.
        await notify(
            session, found.local_authority_id, care_leaver_id,
            wording.exemption_confirmed(found.id, authority.name, found.applied_from),
        )  # fmt: skip
    person = (await repo.people([care_leaver_id]))[care_leaver_id]
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        RESOURCE,
        [person],
        resource_id=found.id,
        details={"outcome": body.outcome.value},
    )
    return read_of(found, authority.name), etag(found)


async def list_confirmations(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> list[ConfirmationRead]:
    """For the young person's adviser (anyone who may read the record), and the young person."""
    person = await read_person(session, principal, care_leaver_id, RESOURCE)
    return [read_of(c, o.name) for c, o in await CouncilTaxRepository(session).confirmations_of(person.id)]


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def message(read: ConfirmationRead) -> str:
    who = read.organisation_name
    match read.outcome:
        case ConfirmationOutcome.APPLIED:
            assert read.applied_from is not None
            return f"Your exemption was applied by {who} on {_long(read.applied_from)}."
        case ConfirmationOutcome.NOT_LIABLE:
            return f"{who} told us you do not pay council tax where you live, so there is nothing to exempt."
        case _:
            return f"{who} is still sorting out your exemption. Your personal adviser can help."


async def my_council_tax(session: AsyncSession, principal: Principal) -> list[MyCouncilTax]:
    assert principal.care_leaver_id is not None
    return [
        MyCouncilTax(
            organisation_name=r.organisation_name,
            outcome=r.outcome,
            applied_from=r.applied_from,
            message=message(r),
        )
        for r in await list_confirmations(session, principal, principal.care_leaver_id)
    ]


async def take_up(
    session: AsyncSession, principal: Principal, first_month: str, last_month: str
) -> TakeUpReport:
    """Per billing authority (a district: its own row) and month, as each month's list is reckoned."""
    first, last = parse_month(first_month, "from"), parse_month(last_month, "to")
    if (
        last.first < first.first
        or (last.first.year - first.first.year) * 12 + last.first.month - first.first.month >= 24
    ):
        raise InvalidInput(
            "Ask for up to 24 months, `to` not before `from`.",
            errors=[field_error("to", "within 24 months after from", location="query")],
        )
    periods = [first]
    while periods[-1].first < last.first:
        end = periods[-1].last
        periods.append(Period.month(end.year + end.month // 12, end.month % 12 + 1))
    today = uk_today()
    repo = CouncilTaxRepository(session)
    rows: list[TakeUpRow] = []
    for authority in await authorities(session, principal, None):
        standings = await repo.standings(authority, first.first, last.last)
        confirmed = await repo.confirmations_for(authority.id, standings)
        for period in periods:
            on = [pid for pid, s in standings.items() if months.run_in(s, period, today) is not None]
            said = [
                confirmed[pid].outcome
                for pid in on
                if pid in confirmed and confirmed[pid].recorded_at.date() <= period.reckoned_on(today)
            ]
            applied = said.count(ConfirmationOutcome.APPLIED)
            not_liable = said.count(ConfirmationOutcome.NOT_LIABLE)
            rows.append(
                TakeUpRow(
                    billing_authority=authority.name,
                    billing_authority_gss_code=authority.district_gss_code or "",
                    month=period.label,
                    on_list=len(on),
                    confirmed_applied=applied,
                    not_liable=not_liable,
                    outstanding=len(on) - applied - not_liable,
                )
            )
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.EXPORT,
        "council_tax_take_up",
        [],
        local_authority_id=principal.local_authority_id,
        details={"from": first.label, "to": last.label},
    )
    return TakeUpReport(**{"from": first.label, "to": last.label, "rows": rows})
