"""The spending report for the council's finance system: one row per payment paid or reversed in a
period, with its cost code, entitlement and team, and nothing that names the young person.

JSON is paginated like every list; CSV streams the whole period in batches of 1,000, each read in its
own short transaction, so a year of payments never sits in memory and never holds the database (on
SQLite, the process's only connection) for longer than one batch.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.csv_cells import cell
from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.claims.models import Payment
from app.claims.repository import ClaimRepository
from app.claims.schemas import SpendingRow
from app.core.errors import InvalidInput, field_error
from app.db.pagination import Position, Window, windows
from app.db.session import Database

BATCH = 1000
COLUMNS = list(SpendingRow.model_fields)


def check_period(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput(
            "`to` is before `from`.", errors=[field_error("to", "on or after from", location="query")]
        )
    if (last - first).days > 366 * 2:
        raise InvalidInput(
            "Ask for at most two years at a time.",
            errors=[field_error("to", "within two years", location="query")],
        )


def row_of(payment: Payment) -> SpendingRow:
    return SpendingRow(
        payment_id=payment.id,
        claim_id=payment.claim_id,
        paid_on=payment.paid_on,
        amount_pence=payment.amount_pence,
        entitlement_code=payment.entitlement_code,
        cost_code=payment.cost_code,
        team_id=payment.team_id,
        method=payment.method,
        reference=payment.reference,
        reversed_on=payment.reversed_on,
    )


async def audit_export(
    session: AsyncSession, principal: Principal, first: date, last: date, what: str
) -> None:
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.EXPORT,
        "spending_report",
        [],
        local_authority_id=principal.local_authority_id,
        details={"from": first.isoformat(), "to": last.isoformat(), "format": what},
    )


async def spending_page(
    session: AsyncSession,
    principal: Principal,
    first: date,
    last: date,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[SpendingRow]:
    check_period(first, last)
    assert principal.local_authority_id is not None
    window = await ClaimRepository(session).spending_page(
        principal.local_authority_id, first, last, limit=limit, cursor=cursor
    )
    await audit_export(session, principal, first, last, "json")
    return window.map(row_of)


async def spending_csv(
    db: Database, local_authority_id: uuid.UUID, first: date, last: date
) -> AsyncIterator[bytes]:
    """The CSV, a batch at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)

    async def batch(cursor: Position | None) -> Window[Payment]:
        async with db.unit_of_work() as session:
            return await ClaimRepository(session).spending_page(
                local_authority_id, first, last, limit=BATCH, cursor=cursor
            )

    async for window in windows(batch):
        for payment in window.items:
            row = row_of(payment)
            writer.writerow([cell(v) for v in row.model_dump(mode="json").values()])
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
