"""Claims and the money ledger as stored.

Balances are never stored: they are sums over `ledger_entry`, an append-only table (the database
refuses updates and deletes: triggers in migration 0014). `allowance_account` holds no money either:
it is the row a change to one allowance locks, so concurrent approvals and payments against the same
allowance queue behind each other instead of both reading the same remainder.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.claims.enums import ClaimStatus, LedgerKind, PaymentMethod, RequestedBy
from app.core.clock import utc_now
from app.db.base import Base, IdMixin


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class ClaimSettings(Base):
    """What each council decides about its claims: when a second approver is needed, and the cost codes
    its finance system books each entitlement's payments to."""

    __tablename__ = "claim_settings"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), primary_key=True)
    second_approval_above_pence: Mapped[int | None]
    cost_codes: Mapped[dict[str, str]] = mapped_column(JSON)  # entitlement code -> cost code
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_by: Mapped[uuid.UUID | None]


class AllowanceAccount(IdMixin, Base):
    """One young person's pot for one entitlement (and, for a yearly amount, one academic year)."""

    __tablename__ = "allowance_account"
    __table_args__ = (UniqueConstraint("care_leaver_id", "entitlement_code", "period_key"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    entitlement_code: Mapped[str] = mapped_column(String(80))
    period_key: Mapped[str] = mapped_column(String(16))  # "whole", or an academic year "2026/27"
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Claim(IdMixin, Base):
    __tablename__ = "claim"
    __table_args__ = (
        Index("ix_claim_person", "care_leaver_id", "created_at"),
        Index("ix_claim_council_status", "local_authority_id", "status", "updated_at"),
        CheckConstraint("total_pence > 0", name="total_positive"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    entitlement_code: Mapped[str] = mapped_column(String(80))
    period_key: Mapped[str] = mapped_column(String(16))
    status: Mapped[ClaimStatus] = mapped_column(_enum(ClaimStatus))
    revision: Mapped[int] = mapped_column(default=1)  # the ETag is (id, revision)

    purpose: Mapped[str] = mapped_column(Text)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"description", "amount_pence"}]
    total_pence: Mapped[int]
    payment_method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod))
    payee: Mapped[str | None] = mapped_column(String(160))  # the supplier, when paid to one
    pathway_plan_action_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pathway_plan_action.id"))

    requested_by: Mapped[RequestedBy] = mapped_column(_enum(RequestedBy))
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    contributors: Mapped[list[str]] = mapped_column(JSON)  # user ids who wrote or submitted it

    # The stored decision the claim was made under, kept as it was on the day it was submitted.
    decided_on: Mapped[date | None]
    decision_outcome: Mapped[str | None] = mapped_column(String(16))
    decision_amount_pence: Mapped[int | None]
    decision_offer_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offer_version.id"))
    decision_offer_version: Mapped[int | None]
    decision_reasons: Mapped[list[Any] | None] = mapped_column(JSON)

    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[uuid.UUID | None]
    approvals_needed: Mapped[int | None]
    first_approved_at: Mapped[datetime | None]
    first_approved_by: Mapped[uuid.UUID | None]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[uuid.UUID | None]
    approved_pence: Mapped[int | None]
    declined_at: Mapped[datetime | None]
    declined_by: Mapped[uuid.UUID | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[uuid.UUID | None]
    withdraw_reason: Mapped[str | None] = mapped_column(Text)


class ClaimEvidence(IdMixin, Base):
    """A receipt or a quote, kept with the claim (bytes in the database: a few hundred KB each)."""

    __tablename__ = "claim_evidence"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claim.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # receipt, quote, other
    file_name: Mapped[str] = mapped_column(String(160))
    media_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(default=utc_now)
    uploaded_by: Mapped[uuid.UUID]


class Payment(IdMixin, Base):
    __tablename__ = "payment"
    __table_args__ = (
        Index("ix_payment_council_paid", "local_authority_id", "paid_on", "id"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claim.id"), index=True)
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    entitlement_code: Mapped[str] = mapped_column(String(80))
    amount_pence: Mapped[int]
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod))
    paid_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(80))  # the finance system's own reference
    team_id: Mapped[uuid.UUID | None]  # the adviser's team when it was paid: finance books by team
    cost_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID]
    reversed_at: Mapped[datetime | None]
    reversed_by: Mapped[uuid.UUID | None]
    reversed_on: Mapped[date | None]
    reversal_reason: Mapped[str | None] = mapped_column(Text)


class LedgerEntry(IdMixin, Base):
    """One movement of money against one allowance. Appended, never changed."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_entry_person", "care_leaver_id", "entitlement_code", "period_key"),
        Index("ix_ledger_entry_claim", "claim_id"),
        # The backstop for "exactly once": one commitment per claim, one payment line per payment,
        # one reversal per payment, whatever the application does.
        Index(
            "uq_ledger_entry_commitment",
            "claim_id",
            unique=True,
            postgresql_where=text("kind = 'commitment'"),
            sqlite_where=text("kind = 'commitment'"),
        ),
        Index(
            "uq_ledger_entry_payment",
            "payment_id",
            "kind",
            unique=True,
            postgresql_where=text("payment_id IS NOT NULL"),
            sqlite_where=text("payment_id IS NOT NULL"),
        ),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    entitlement_code: Mapped[str] = mapped_column(String(80))
    period_key: Mapped[str] = mapped_column(String(16))
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claim.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"))
    kind: Mapped[LedgerKind] = mapped_column(_enum(LedgerKind))
    amount_pence: Mapped[int]
    # Signed effects on the two sums a balance is made of (`app.claims.lifecycle.LEDGER_EFFECT`).
    committed_delta: Mapped[int]
    paid_delta: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID]
