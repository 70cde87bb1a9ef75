"""Claims for the test world, written straight to the database as the lifecycle leaves them.

p_a1 is given a home of their own (so, with the care episode the access matrix adds, the City's
setting-up-home allowance of £3,000) and claims in four states: `claim_draft` (theirs, from the app),
`claim_submitted` (by pa_a1, £200), `claim_approved` (£300, committed) and `claim_paid` (£150, paid:
`payment_paid`), with a receipt on the draft (`evidence_draft`).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.claims.enums import ClaimStatus, LedgerKind, PaymentMethod, RequestedBy
from app.claims.models import Claim, ClaimEvidence, Payment
from app.claims.repository import ledger_line
from app.core.clock import uk_today, utc_now
from app.decisions.repository import DecisionRepository
from app.decisions.service import refresh_people
from tests.support import factories as f
from tests.support.world import World

CODE = "setting-up-home-allowance"
PDF = b"%PDF-1.4\n% a receipt\n"


async def add_claims(session: AsyncSession, w: World, on: date | None = None) -> None:
    person = w.people["p_a1"]
    await f.residence(
        session,
        person,
        f.CITY,
        min(person.date_of_birth.replace(year=person.date_of_birth.year + 18), uk_today()),
    )
    await refresh_people(session, [person.id])
    today = on or uk_today()
    decision = (await DecisionRepository(session).on_day([person.id], CODE, today))[person.id]
    assert decision.outcome == "eligible" and decision.amount_pence, decision.reasons
    pa, manager, leaver = w.users["pa_a1"], w.users["manager_a"], w.users["leaver_a1"]
    now = utc_now()

    def claim(status: ClaimStatus, pence: int, by: uuid.UUID, young_person: bool = False) -> Claim:
        submitted = status is not ClaimStatus.DRAFT
        return Claim(
            local_authority_id=person.local_authority_id,
            care_leaver_id=person.id,
            entitlement_code=CODE,
            period_key="whole",
            status=status,
            revision=1,
            purpose="A bed for my flat",
            items=[{"description": "Bed", "amount_pence": pence}],
            total_pence=pence,
            payment_method=PaymentMethod.BANK_TRANSFER,
            requested_by=RequestedBy.YOUNG_PERSON if young_person else RequestedBy.STAFF,
            created_by=by,
            created_at=now,
            updated_at=now,
            contributors=[str(by)],
            decided_on=today if submitted else None,
            decision_outcome="eligible" if submitted else None,
            decision_amount_pence=decision.amount_pence if submitted else None,
            decision_offer_version_id=decision.offer_version_id if submitted else None,
            decision_offer_version=decision.offer_version if submitted else None,
            decision_reasons=list(decision.reasons) if submitted else None,
            submitted_at=now if submitted else None,
            submitted_by=by if submitted else None,
            approvals_needed=1 if submitted else None,
        )

    claims = {
        "claim_draft": claim(ClaimStatus.DRAFT, 10000, leaver.id, young_person=True),
        "claim_submitted": claim(ClaimStatus.SUBMITTED, 20000, pa.id),
        "claim_approved": claim(ClaimStatus.APPROVED, 30000, pa.id),
        "claim_paid": claim(ClaimStatus.PAID, 15000, pa.id),
    }
    for name in ("claim_approved", "claim_paid"):
        claims[name].approved_at, claims[name].approved_by = now, manager.id
        claims[name].approved_pence = claims[name].total_pence
    session.add_all(claims.values())
    await session.flush()
    payment = Payment(
        local_authority_id=person.local_authority_id,
        claim_id=claims["claim_paid"].id,
        care_leaver_id=person.id,
        entitlement_code=CODE,
        amount_pence=15000,
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=today,
        created_by=manager.id,
    )
    session.add(payment)
    await session.flush()
    session.add_all(
        [
            ledger_line(claims["claim_approved"], LedgerKind.COMMITMENT, 30000, manager.id),
            ledger_line(claims["claim_paid"], LedgerKind.COMMITMENT, 15000, manager.id),
            ledger_line(claims["claim_paid"], LedgerKind.PAYMENT, 15000, manager.id, payment.id),
        ]
    )
    evidence = ClaimEvidence(
        local_authority_id=person.local_authority_id,
        claim_id=claims["claim_draft"].id,
        kind="receipt",
        file_name="receipt.pdf",
        media_type="application/pdf",
        size_bytes=len(PDF),
        sha256="0" * 64,
        content=PDF,
        uploaded_by=leaver.id,
    )
    session.add(evidence)
    await session.flush()
    w.ids.update({name: c.id for name, c in claims.items()})
    w.ids["payment_paid"] = payment.id
    w.ids["evidence_draft"] = evidence.id
