"""Payments, reversals and balances.

A payment draws on its claim's commitment, so it can never take an allowance over its cap: only an
approval can, and approvals hold the allowance's lock (`app.claims.service.approve_claim`). A payment
holds its claim's row lock, so two payments of one claim never both read the same amount left to pay.
Every movement is a ledger line; a balance is a sum of lines.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.auth.principal import Principal
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.service import load_for_read
from app.claims import lifecycle
from app.claims.enums import ClaimStatus, LedgerKind
from app.claims.errors import AlreadyReversed, ClaimNotFound, ExceedsApproved, PaymentNotFound
from app.claims.lifecycle import Transition
from app.claims.models import Payment
from app.claims.repository import ClaimRepository
from app.claims.schemas import Balance, Instalment, Money, PaymentCreate, PaymentRead, ReversalCreate
from app.claims.service import (
    CLAIMABLE_PROVIDERS,
    _require,
    _require_approver,
    _touch,
    audit,
    claim_for_read,
    instalments,
)
from app.claims.views import payment_read
from app.core.clock import uk_today, utc_now
from app.core.errors import field_error
from app.core.types import format_pence
from app.db.idempotency import fingerprint, run_once
from app.events.enums import EventType
from app.events.outbox import emit

PAYMENT_NOT_FOUND = "No payment with that id is yours to see."


async def record_payment(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, body: PaymentCreate
) -> PaymentRead:
    loaded = await claim_for_read(session, principal, claim_id, for_update=True)
    claim = loaded.claim
    _require_approver(principal, loaded)
    _require(claim, Transition.PAY, "paid")
    repo = ClaimRepository(session)
    before = (await repo.money([claim.id])).get(claim.id, lifecycle.ClaimMoney())
    if body.amount_pence > before.payable:
        raise ExceedsApproved(
            f"{format_pence(body.amount_pence)} is more than the {format_pence(before.payable)} left to pay of "
            "what was approved.",
            errors=[field_error("amount_pence", f"at most {before.payable}")],
            payable_pence=before.payable,
        )
    today = uk_today()
    adviser = (await CareLeaverRepository(session).current_advisers([claim.care_leaver_id], today)).get(
        claim.care_leaver_id
    )
    settings = await repo.settings(claim.local_authority_id)
    payment = Payment(
        local_authority_id=claim.local_authority_id,
        claim_id=claim.id,
        care_leaver_id=claim.care_leaver_id,
        entitlement_code=claim.entitlement_code,
        amount_pence=body.amount_pence,
        method=body.method or claim.payment_method,
        paid_on=body.paid_on or today,
        reference=body.reference,
        team_id=adviser.team_id if adviser is not None else None,
        cost_code=(settings.cost_codes if settings else {}).get(claim.entitlement_code),
        created_at=utc_now(),
        created_by=principal.user_id,
    )
    session.add(payment)
    await session.flush()
    await repo.append(claim, LedgerKind.PAYMENT, payment.amount_pence, principal.user_id, payment.id)
    after = lifecycle.ClaimMoney(
        before.approved, before.paid + payment.amount_pence, before.reversed, before.released
    )
    claim.status = lifecycle.status_after_money(after)
    _touch(claim)
    if claim.status is ClaimStatus.PAID:
        await emit(
            session, EventType.CLAIM_PAID, {"claim_id": claim.id, "payment_id": payment.id},
            local_authority_id=claim.local_authority_id,
        )  # fmt: skip
    await audit(
        session, principal, AuditAction.CREATE, loaded.person, payment.id, resource="payment",
        details={"claim_id": str(claim.id), "amount_pence": payment.amount_pence, "status": claim.status.value},
    )  # fmt: skip
    return payment_read(payment)


async def load_payment(session: AsyncSession, principal: Principal, payment_id: uuid.UUID) -> PaymentRead:
    """What a retried payment request answers: the payment its first request made."""
    payment = await ClaimRepository(session).payment(payment_id)
    if payment is None:
        raise PaymentNotFound(PAYMENT_NOT_FOUND)
    return payment_read(payment)


async def reverse_payment(
    session: AsyncSession, principal: Principal, payment_id: uuid.UUID, body: ReversalCreate
) -> PaymentRead:
    repo = ClaimRepository(session)
    payment = await repo.payment(payment_id)
    if payment is None:
        raise PaymentNotFound(PAYMENT_NOT_FOUND)
    try:
        # The claim's lock first, as a payment takes it: then the payment's state is settled.
        loaded = await claim_for_read(session, principal, payment.claim_id, for_update=True)
    except ClaimNotFound:  # out of scope: the same 404 as an unknown payment
        raise PaymentNotFound(PAYMENT_NOT_FOUND) from None
    _require_approver(principal, loaded)
    payment = await repo.payment(payment_id, for_update=True)
    assert payment is not None
    if payment.reversed_at is not None:
        raise AlreadyReversed(f"This payment was reversed on {payment.reversed_on}.")
    claim = loaded.claim
    payment.reversed_at, payment.reversed_by = utc_now(), principal.user_id
    payment.reversed_on, payment.reversal_reason = body.reversed_on or uk_today(), body.reason
    await session.flush()
    await repo.append(claim, LedgerKind.REVERSAL, payment.amount_pence, principal.user_id, payment.id)
    after = (await repo.money([claim.id]))[claim.id]
    claim.status = lifecycle.status_after_money(after)
    if claim.status is ClaimStatus.REVERSED and after.payable:
        # A reversed claim is closed and never paid again: what was approved and unpaid goes back.
        await repo.append(claim, LedgerKind.RELEASE, after.payable, principal.user_id)
    _touch(claim)
    await audit(
        session, principal, AuditAction.UPDATE, loaded.person, payment.id, resource="payment",
        details={"claim_id": str(claim.id), "reversed_pence": payment.amount_pence, "status": claim.status.value},
    )  # fmt: skip
    return payment_read(payment)


def _balance(
    code: str,
    title: str | None,
    period: str,
    eligible: bool,
    cap: int,
    committed: int,
    paid: int,
    schedule: list[tuple[str, int]] | None = None,
    today: date | None = None,
) -> Balance:
    left = lifecycle.remaining(cap, committed, paid)
    available = left
    if schedule and today is not None:
        available = lifecycle.remaining(lifecycle.released_by(schedule, today), committed, paid)
    return Balance(
        entitlement_code=code,
        title=title,
        period=period,
        eligible_today=eligible,
        cap_pence=cap,
        committed_pence=committed,
        paid_pence=paid,
        remaining_pence=left,
        cap=Money.of(cap),
        committed=Money.of(committed),
        paid=Money.of(paid),
        remaining=Money.of(left),
        available_now_pence=available,
        instalments=[
            Instalment(academic_year=year, from_on=lifecycle.academic_start(year), amount_pence=amount)
            for year, amount in schedule or []
        ],
    )


async def balances(session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID) -> list[Balance]:
    """Each allowance the young person may claim today, and each they have drawn on: one query."""
    person, _ = await load_for_read(session, principal, care_leaver_id)
    found = await allowances(session, person.id, uk_today())
    await audit(session, principal, AuditAction.READ, person, person.id, resource="balance")
    return found


async def allowances(session: AsyncSession, care_leaver_id: uuid.UUID, today: date) -> list[Balance]:
    """The balances of someone the caller has already been allowed to see (unaudited: the caller audits),
    from the stored decisions for `today` and the ledger."""
    # What the Leaving Care Service pays: a university's own bursary is not a balance held here.
    pots = await ClaimRepository(session).pots(care_leaver_id, today, CLAIMABLE_PROVIDERS)
    decided = {p.entitlement_code: p for p in pots if p.cap_pence is not None}
    sums = {
        (p.entitlement_code, p.period_key): (p.committed, p.paid) for p in pots if p.period_key is not None
    }
    found: list[Balance] = []
    for code, pot in decided.items():
        key = lifecycle.period_key(pot.period or "once", today)
        committed, paid = sums.pop((code, key), (0, 0))
        cap = pot.cap_pence or 0
        schedule = await instalments(session, care_leaver_id, pot.period, cap, today)
        found.append(_balance(code, pot.title, key, True, cap, committed, paid, schedule, today))
    # Pots drawn on that today's decisions do not cover (an earlier academic year; no longer eligible).
    for (code, key), (committed, paid) in sums.items():
        title = decided[code].title if code in decided else None
        found.append(_balance(code, title, key, False, 0, committed, paid))
    return sorted(found, key=lambda b: (b.entitlement_code, b.period))


async def record_payment_once(
    session: AsyncSession,
    principal: Principal,
    claim_id: uuid.UUID,
    body: PaymentCreate,
    idempotency_key: str,
) -> PaymentRead:
    """Exactly once per key: a retry (same key, same body) gets the payment the first request made."""
    return await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "money:record_payment",
        fingerprint(str(claim_id), body.model_dump(mode="json")),
        create=lambda: record_payment(session, principal, claim_id, body),
        load=lambda payment_id: load_payment(session, principal, payment_id),
        id_of=lambda payment: payment.id,
    )
