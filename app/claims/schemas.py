"""What the claims API reads and writes. Money is integer pence, each amount also as a money object."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints, model_validator
from pydantic.config import JsonDict

from app.claims.enums import ClaimStatus, PaymentMethod, RequestedBy
from app.core.schemas import Flag, InputModel, IsoDate
from app.core.types import format_pence

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
EntitlementCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
# A single claim line: up to £10,000 (no allowance in either council's offer is larger).
Pence = Annotated[int, Field(strict=True, ge=1, le=1_000_000)]

_CLAIM_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f20"
_PERSON_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80"
_ITEMS: list[JsonValue] = [
    {"description": "Bed and mattress", "amount_pence": 25000},
    {"description": "Cooker", "amount_pence": 32000},
]

_MONEY_57000: JsonDict = {"amount_pence": 57000, "currency": "GBP", "display": "£570"}
_PAYMENT: JsonDict = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f30",
    "claim_id": _CLAIM_ID,
    "amount_pence": 57000,
    "amount": _MONEY_57000,
    "method": "supplier",
    "paid_on": "2026-12-04",
    "reference": "AP-20931",
    "created_at": "2026-12-04T10:15:00Z",
    "reversed": False,
    "reversed_on": None,
    "reversal_reason": None,
}
_EVIDENCE: JsonDict = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f40",
    "kind": "quote",
    "file_name": "quote.pdf",
    "media_type": "application/pdf",
    "size_bytes": 48213,
    "sha256": "9f2c5b0e3a1d4c6b8e7f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d",
    "uploaded_at": "2026-12-01T16:02:00Z",
}
_CLAIM: JsonDict = {
    "id": _CLAIM_ID,
    "care_leaver_id": _PERSON_ID,
    "entitlement_code": "setting-up-home-allowance",
    "status": "paid",
    "purpose": "Furniture and a cooker for my first flat",
    "items": _ITEMS,
    "total_pence": 57000,
    "total": _MONEY_57000,
    "payment_method": "supplier",
    "payee": "Notts Furniture Project",
    "pathway_plan_action_id": None,
    "requested_by": "young_person",
    "created_at": "2026-12-01T15:40:00Z",
    "updated_at": "2026-12-04T10:15:00Z",
    "submitted_at": "2026-12-01T16:05:00Z",
    "decision": {
        "decided_on": "2026-12-01",
        "outcome": "eligible",
        "amount": {"amount_pence": 300000, "currency": "GBP", "display": "£3,000"},
        "offer_version": 3,
        "reasons": [
            {"code": "status", "result": "passed"},
            {"code": "lives_in_own_home", "result": "passed"},
        ],
    },
    "approvals_needed": 2,
    "first_approved_at": "2026-12-02T09:00:00Z",
    "approved_at": "2026-12-02T11:30:00Z",
    "approved_pence": 57000,
    "paid_pence": 57000,
    "payable_pence": 0,
    "declined_at": None,
    "decline_reason": None,
    "withdrawn_at": None,
    "payments": [_PAYMENT],
    "evidence": [_EVIDENCE],
    "etag": '"0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f20.6"',
}
_SUMMARY: JsonDict = {
    "id": _CLAIM_ID,
    "care_leaver_id": _PERSON_ID,
    "name": "Ash Example",
    "entitlement_code": "setting-up-home-allowance",
    "status": "declined",
    "purpose": "A television",
    "total_pence": 35000,
    "total": {"amount_pence": 35000, "currency": "GBP", "display": "£350"},
    "submitted_at": "2026-12-01T16:05:00Z",
    "first_approved_at": None,
    "approvals_needed": 1,
    "updated_at": "2026-12-02T09:00:00Z",
    "decline_reason": "The allowance is for essentials for your home; let's talk about other help instead.",
}
_BALANCE: JsonDict = {
    "entitlement_code": "setting-up-home-allowance",
    "title": "Setting up home allowance",
    "period": "whole",
    "eligible_today": True,
    "cap_pence": 300000,
    "committed_pence": 25000,
    "paid_pence": 57000,
    "remaining_pence": 218000,
    "cap": {"amount_pence": 300000, "currency": "GBP", "display": "£3,000"},
    "committed": {"amount_pence": 25000, "currency": "GBP", "display": "£250"},
    "paid": _MONEY_57000,
    "remaining": {"amount_pence": 218000, "currency": "GBP", "display": "£2,180"},
    "available_now_pence": 218000,
    "instalments": [],
}
_SPENDING: JsonDict = {
    "payment_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f30",
    "claim_id": _CLAIM_ID,
    "paid_on": "2026-12-04",
    "amount_pence": 57000,
    "entitlement_code": "setting-up-home-allowance",
    "cost_code": "LC4101",
    "team_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e10",
    "method": "supplier",
    "reference": "AP-20931",
    "reversed_on": None,
}


class Money(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_MONEY_57000]})

    amount_pence: int
    currency: Literal["GBP"] = "GBP"
    display: str = Field(description="For showing as it is: '£3,000', '£12.50'")

    @classmethod
    def of(cls, pence: int) -> Money:
        return cls(amount_pence=pence, display=format_pence(pence))


def money(pence: int | None) -> Money | None:
    return None if pence is None else Money.of(pence)


class ClaimItem(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"description": "Bed and mattress", "amount_pence": 25000}]}
    )

    description: ShortText = Field(description="What it is for: 'Bed and mattress'")
    amount_pence: Pence


class ClaimCreate(InputModel):
    """A new claim. With `submit: true` it goes straight to a manager; otherwise it is a draft to finish."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "entitlement_code": "setting-up-home-allowance",
                    "purpose": "Furniture and a cooker for my first flat",
                    "items": _ITEMS,
                    "payment_method": "supplier",
                    "payee": "Notts Furniture Project",
                    "submit": True,
                }
            ]
        }
    )

    entitlement_code: EntitlementCode = Field(description="The entitlement claimed against, as in the offer")
    purpose: Text = Field(description="What the money is for, in the young person's words")
    items: list[ClaimItem] = Field(min_length=1, max_length=50)
    payment_method: PaymentMethod
    payee: ShortText | None = Field(default=None, description="The supplier, when paid to a supplier")
    pathway_plan_action_id: uuid.UUID | None = Field(
        default=None, description="The action in the current pathway plan this claim carries out"
    )
    submit: Flag = Field(default=False, description="Submit it now instead of keeping a draft")

    @model_validator(mode="after")
    def _payee_for_supplier(self) -> ClaimCreate:
        if self.payment_method is PaymentMethod.SUPPLIER and self.payee is None:
            raise ValueError("payee: name the supplier the money is paid to")
        return self


class ClaimUpdate(InputModel):
    """Changes to a draft: only the fields sent change."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": _ITEMS}]})

    purpose: Text | None = None
    items: list[ClaimItem] | None = Field(default=None, min_length=1, max_length=50)
    payment_method: PaymentMethod | None = None
    payee: ShortText | None = None
    pathway_plan_action_id: uuid.UUID | None = None


class DeclineCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reason": "The allowance is for essentials for your home; let's talk about other help instead."
                }
            ]
        }
    )

    reason: Text = Field(description="Written for the young person: they read it in the app")


class WithdrawCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "My nan gave me her old cooker."}]})

    reason: Text | None = None


class PaymentCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"amount_pence": 57000, "paid_on": "2026-12-04", "reference": "AP-20931"}]
        }
    )

    amount_pence: Annotated[int, Field(strict=True, ge=1, le=50_000_000)]
    paid_on: IsoDate | None = Field(default=None, description="The day it was paid; today if not given")
    method: PaymentMethod | None = Field(
        default=None, description="How it was paid; the claim's method if not given"
    )
    reference: Reference | None = Field(default=None, description="The finance system's reference")


class ReversalCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reason": "Returned by the bank: the account was closed.", "reversed_on": "2026-12-09"}
            ]
        }
    )

    reason: Text = Field(description="Why: returned by the bank, paid in error, goods returned")
    reversed_on: IsoDate | None = Field(
        default=None, description="The day the money came back; today if not given"
    )


class UserRef(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70", "display_name": "Priya Adviser (demo)"}
            ]
        }
    )

    id: uuid.UUID
    display_name: str


class DecisionKept(BaseModel):
    """The stored decision the claim was submitted under, as it was that day."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CLAIM["decision"]]})

    decided_on: date
    outcome: str
    amount: Money | None
    offer_version: int
    reasons: list[dict[str, str]] = Field(
        description="Each condition's code and result, in the engine's order"
    )


class PaymentRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_PAYMENT]})

    id: uuid.UUID
    claim_id: uuid.UUID
    amount_pence: int
    amount: Money
    method: PaymentMethod
    paid_on: date
    reference: str | None
    created_at: datetime
    reversed: bool
    reversed_on: date | None
    reversal_reason: str | None


class EvidenceRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EVIDENCE]})

    id: uuid.UUID
    kind: Literal["receipt", "quote", "other"]
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime


class ClaimRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_CLAIM]})

    id: uuid.UUID
    care_leaver_id: uuid.UUID
    entitlement_code: str
    status: ClaimStatus
    purpose: str
    items: list[dict[str, Any]]
    total_pence: int
    total: Money
    payment_method: PaymentMethod
    payee: str | None
    pathway_plan_action_id: uuid.UUID | None
    requested_by: RequestedBy
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decision: DecisionKept | None
    approvals_needed: int | None = Field(description="Two above the council's threshold, one otherwise")
    first_approved_at: datetime | None
    approved_at: datetime | None
    approved_pence: int | None
    paid_pence: int = Field(description="Paid out and not reversed")
    payable_pence: int = Field(description="Approved and not yet paid")
    declined_at: datetime | None
    decline_reason: str | None = Field(description="Written for the young person")
    withdrawn_at: datetime | None
    payments: list[PaymentRead]
    evidence: list[EvidenceRead]
    etag: str = Field(description="Send it in If-Match to change a draft")


class ClaimSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY]})

    id: uuid.UUID
    care_leaver_id: uuid.UUID
    name: str | None = Field(description="The young person's name (staff lists only)")
    entitlement_code: str
    status: ClaimStatus
    purpose: str
    total_pence: int
    total: Money
    submitted_at: datetime | None
    first_approved_at: datetime | None
    approvals_needed: int | None
    updated_at: datetime
    decline_reason: str | None


class Instalment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"academic_year": "2026/27", "from_on": "2026-08-01", "amount_pence": 66667}]
        }
    )

    academic_year: str
    from_on: date = Field(description="The day it may be claimed from: the start of its academic year")
    amount_pence: int


class Balance(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_BALANCE]})

    entitlement_code: str
    title: str | None
    period: str = Field(
        description="'whole' for an amount once or over a course; an academic year like '2026/27'"
    )
    eligible_today: bool = Field(description="Whether the stored decision for today says eligible")
    cap_pence: int
    committed_pence: int = Field(description="Approved and not yet paid")
    paid_pence: int = Field(description="Paid and not reversed")
    remaining_pence: int = Field(description="cap - committed - paid, never below zero")
    available_now_pence: int = Field(
        description="What may be committed today: the remaining amount, or for an amount paid in instalments "
        "over a course, the instalments whose academic year has begun less what is committed and paid"
    )
    instalments: list[Instalment] = Field(
        description="For an amount over a course: its instalments by academic year"
    )
    cap: Money
    committed: Money
    paid: Money
    remaining: Money


class ClaimSettingsRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "second_approval_above_pence": 50000,
                    "cost_codes": {"setting-up-home-allowance": "LC4101"},
                    "etag": '"claim-settings.2"',
                }
            ]
        }
    )

    second_approval_above_pence: int | None = Field(
        description="Claims above this need a second approver; null: one approver always"
    )
    cost_codes: dict[str, str] = Field(description="Entitlement code -> the finance system's cost code")
    etag: str


class ClaimSettingsUpdate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"second_approval_above_pence": 50000, "cost_codes": {"setting-up-home-allowance": "LC4101"}}
            ]
        }
    )

    second_approval_above_pence: Annotated[int, Field(strict=True, ge=0, le=50_000_000)] | None
    cost_codes: dict[EntitlementCode, Reference] = Field(max_length=100)


class SpendingRow(BaseModel):
    """One payment for the finance system: what, when, which budget, which team; no names or addresses."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SPENDING]})

    payment_id: uuid.UUID
    claim_id: uuid.UUID
    paid_on: date
    amount_pence: int
    entitlement_code: str
    cost_code: str | None
    team_id: uuid.UUID | None
    method: PaymentMethod
    reference: str | None
    reversed_on: date | None = Field(description="When the payment came back (returned, or made in error)")
