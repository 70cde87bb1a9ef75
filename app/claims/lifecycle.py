"""The lifecycle of a claim and the arithmetic of its money, as data. Pure: standard library only.

    draft --submit--> submitted --approve--> approved --pay--> partly_paid --pay--> paid
                          |                     |                   |                |
                          +--decline--> declined|                   +----reverse-----+--> reversed
    draft, submitted, approved --withdraw--> withdrawn

Above the council's threshold an approval needs two people: the first approval is recorded on the
submitted claim, and the second (never the same person, never the person who asked) approves it.
Nobody approves a claim they asked for or wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.claims.enums import ClaimStatus, LedgerKind


class Transition(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    PAY = "pay"
    REVERSE = "reverse"


# Where each transition may start; the status it leads to is decided by `after_*` for money moves.
_FROM: Mapping[Transition, frozenset[ClaimStatus]] = {
    Transition.SUBMIT: frozenset({ClaimStatus.DRAFT}),
    Transition.APPROVE: frozenset({ClaimStatus.SUBMITTED}),
    Transition.DECLINE: frozenset({ClaimStatus.SUBMITTED}),
    Transition.WITHDRAW: frozenset({ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED}),
    Transition.PAY: frozenset({ClaimStatus.APPROVED, ClaimStatus.PARTLY_PAID}),
    Transition.REVERSE: frozenset({ClaimStatus.PARTLY_PAID, ClaimStatus.PAID}),
}

# Claims that still count against an allowance (a young person sees their money set aside).
OPEN = frozenset({ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PARTLY_PAID})


def allowed_from(transition: Transition) -> frozenset[ClaimStatus]:
    return _FROM[transition]


def may(current: ClaimStatus, transition: Transition) -> bool:
    return current in _FROM[transition]


def approvals_needed(total_pence: int, second_approval_above_pence: int | None) -> int:
    """Two approvers above the council's threshold, one otherwise."""
    if second_approval_above_pence is not None and total_pence > second_approval_above_pence:
        return 2
    return 1


def may_approve(
    approver_id: uuid.UUID, requester_side: Collection[uuid.UUID], first_approver: uuid.UUID | None
) -> bool:
    """Not the person who asked or anyone who wrote the claim, and not the first approver again."""
    return approver_id not in requester_side and approver_id != first_approver


@dataclass(frozen=True, slots=True)
class ClaimMoney:
    """What a claim has had: approved, paid out (gross, before reversals), reversed, released."""

    approved: int = 0
    paid: int = 0
    reversed: int = 0
    released: int = 0

    @property
    def payable(self) -> int:
        """What may still be paid against the approval (a reversed payment does not reopen it)."""
        return max(self.approved - self.paid - self.released, 0)

    @property
    def net_paid(self) -> int:
        return self.paid - self.reversed


def status_after_money(money: ClaimMoney) -> ClaimStatus:
    """The status a paid (or reversed) claim is in, from its money alone."""
    if money.paid > 0 and money.net_paid == 0:
        return ClaimStatus.REVERSED
    if money.payable == 0 and money.paid > 0:
        return ClaimStatus.PAID
    return ClaimStatus.PARTLY_PAID if money.paid > 0 else ClaimStatus.APPROVED


# How each ledger line moves the two sums a balance is made of: (committed, paid).
LEDGER_EFFECT: Mapping[LedgerKind, tuple[int, int]] = {
    LedgerKind.COMMITMENT: (1, 0),
    LedgerKind.PAYMENT: (-1, 1),
    LedgerKind.RELEASE: (-1, 0),
    LedgerKind.REVERSAL: (0, -1),
}


def remaining(cap: int, committed: int, paid: int) -> int:
    return max(cap - committed - paid, 0)


def academic_year(day: date) -> str:
    """'2026/27' for 1 August 2026 to 31 July 2027: a yearly amount (a bursary of so much a year) is
    counted by academic year, which runs from 1 August as the 16 to 19 Bursary Fund counts it."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def period_key(period: str, day: date) -> str:
    """Which pot a claim draws on: the academic year for a yearly amount, one pot for the rest (an amount
    once, or over a course)."""
    return academic_year(day) if period == "per_year" else "whole"


def academic_start(year: str) -> date:
    return date(int(year[:4]), 8, 1)


def course_instalments(cap: int, started_on: date, expected_end_on: date | None) -> list[tuple[str, int]]:
    """An amount over a course, in equal instalments by academic year from the course's dates (the odd
    pennies in the first years): a three-year degree from September 2026 has its £2,000 as £666.67,
    £666.67 and £666.66 for 2026/27, 2027/28 and 2028/29. Without an expected end the whole
    amount is one instalment, in the year the course began (CA89 s23C(5A): a lump sum or instalments)."""
    first = academic_year(started_on)
    if expected_end_on is None or expected_end_on <= started_on:
        return [(first, cap)]
    start_year = int(first[:4])
    years = [
        academic_year(date(y, 8, 1)) for y in range(start_year, int(academic_year(expected_end_on)[:4]) + 1)
    ]
    share, rest = divmod(cap, len(years))
    return [(year, share + (1 if i < rest else 0)) for i, year in enumerate(years)]


def released_by(instalments: list[tuple[str, int]], day: date) -> int:
    """What of an amount in instalments may be committed by `day`: every instalment whose academic year
    has begun (all of it once the last has)."""
    return sum(amount for year, amount in instalments if academic_start(year) <= day)
