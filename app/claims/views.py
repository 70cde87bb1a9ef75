"""Claims as the API shows them. Pure: the use cases pass in what was loaded."""

from __future__ import annotations

from collections.abc import Sequence

from app.claims.lifecycle import ClaimMoney
from app.claims.models import Claim, ClaimEvidence, Payment
from app.claims.schemas import (
    ClaimRead,
    ClaimSummary,
    DecisionKept,
    EvidenceRead,
    Money,
    PaymentRead,
    money,
)


def etag(claim: Claim) -> str:
    """A strong ETag: the claim and its revision, which every change to what a read shows increments."""
    return f'"{claim.id}.{claim.revision}"'


def payment_read(payment: Payment) -> PaymentRead:
    return PaymentRead(
        id=payment.id,
        claim_id=payment.claim_id,
        amount_pence=payment.amount_pence,
        amount=Money.of(payment.amount_pence),
        method=payment.method,
        paid_on=payment.paid_on,
        reference=payment.reference,
        created_at=payment.created_at,
        reversed=payment.reversed_at is not None,
        reversed_on=payment.reversed_on,
        reversal_reason=payment.reversal_reason,
    )


def _decision(claim: Claim) -> DecisionKept | None:
    if claim.decided_on is None or claim.decision_outcome is None or claim.decision_offer_version is None:
        return None
    return DecisionKept(
        decided_on=claim.decided_on,
        outcome=claim.decision_outcome,
        amount=money(claim.decision_amount_pence),
        offer_version=claim.decision_offer_version,
        reasons=[
            {"code": str(code), "result": str(result)} for code, result in (claim.decision_reasons or [])
        ],
    )


def claim_read(
    claim: Claim, money_of: ClaimMoney, payments: Sequence[Payment], evidence: Sequence[ClaimEvidence]
) -> ClaimRead:
    return ClaimRead(
        id=claim.id,
        care_leaver_id=claim.care_leaver_id,
        entitlement_code=claim.entitlement_code,
        status=claim.status,
        purpose=claim.purpose,
        items=claim.items,
        total_pence=claim.total_pence,
        total=Money.of(claim.total_pence),
        payment_method=claim.payment_method,
        payee=claim.payee,
        pathway_plan_action_id=claim.pathway_plan_action_id,
        requested_by=claim.requested_by,
        created_at=claim.created_at,
        updated_at=claim.updated_at,
        submitted_at=claim.submitted_at,
        decision=_decision(claim),
        approvals_needed=claim.approvals_needed,
        first_approved_at=claim.first_approved_at,
        approved_at=claim.approved_at,
        approved_pence=claim.approved_pence,
        paid_pence=money_of.net_paid,
        payable_pence=money_of.payable,
        declined_at=claim.declined_at,
        decline_reason=claim.decline_reason,
        withdrawn_at=claim.withdrawn_at,
        payments=[payment_read(p) for p in payments],
        evidence=[
            EvidenceRead(
                id=e.id,
                kind=e.kind,
                file_name=e.file_name,
                media_type=e.media_type,
                size_bytes=e.size_bytes,
                sha256=e.sha256,
                uploaded_at=e.uploaded_at,
            )
            for e in evidence
        ],
        etag=etag(claim),
    )


def claim_summary(claim: Claim, name: str | None) -> ClaimSummary:
    return ClaimSummary(
        id=claim.id,
        care_leaver_id=claim.care_leaver_id,
        name=name,
        entitlement_code=claim.entitlement_code,
        status=claim.status,
        purpose=claim.purpose,
        total_pence=claim.total_pence,
        total=Money.of(claim.total_pence),
        submitted_at=claim.submitted_at,
        first_approved_at=claim.first_approved_at,
        approvals_needed=claim.approvals_needed,
        updated_at=claim.updated_at,
        decline_reason=claim.decline_reason,
    )
