"""The claim lifecycle and its arithmetic as data (app.claims.lifecycle): no database, no app."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from app.claims import lifecycle
from app.claims.enums import ClaimStatus as S
from app.claims.enums import LedgerKind
from app.claims.lifecycle import ClaimMoney, Transition

T = Transition

ALLOWED = {
    (S.DRAFT, T.SUBMIT),
    (S.DRAFT, T.WITHDRAW),
    (S.SUBMITTED, T.APPROVE),
    (S.SUBMITTED, T.DECLINE),
    (S.SUBMITTED, T.WITHDRAW),
    (S.APPROVED, T.PAY),
    (S.APPROVED, T.WITHDRAW),
    (S.PARTLY_PAID, T.PAY),
    (S.PARTLY_PAID, T.REVERSE),
    (S.PAID, T.REVERSE),
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("transition", list(T))
def test_each_transition_starts_only_where_the_lifecycle_says(status: S, transition: T) -> None:
    assert lifecycle.may(status, transition) is ((status, transition) in ALLOWED)


def test_declined_withdrawn_and_reversed_claims_are_closed() -> None:
    for closed in (S.DECLINED, S.WITHDRAWN, S.REVERSED):
        assert not any(lifecycle.may(closed, t) for t in T)
    assert S.PAID not in lifecycle.OPEN and S.PARTLY_PAID in lifecycle.OPEN


def test_a_second_approver_only_above_the_threshold() -> None:
    assert lifecycle.approvals_needed(50000, 50000) == 1
    assert lifecycle.approvals_needed(50001, 50000) == 2
    assert lifecycle.approvals_needed(10_000_000, None) == 1
    assert lifecycle.approvals_needed(1, 0) == 2


def test_nobody_approves_a_claim_they_asked_for_wrote_or_approved_already() -> None:
    requester, editor, first, other = (uuid.uuid4() for _ in range(4))
    side = {requester, editor}
    assert not lifecycle.may_approve(requester, side, None)
    assert not lifecycle.may_approve(editor, side, None)
    assert not lifecycle.may_approve(first, side, first)
    assert lifecycle.may_approve(first, side, None)
    assert lifecycle.may_approve(other, side, first)


@pytest.mark.parametrize(
    ("money", "status", "payable", "net"),
    [
        (ClaimMoney(approved=400), S.APPROVED, 400, 0),
        (ClaimMoney(approved=400, paid=150), S.PARTLY_PAID, 250, 150),
        (ClaimMoney(approved=400, paid=400), S.PAID, 0, 400),
        (ClaimMoney(approved=400, paid=400, reversed=150), S.PAID, 0, 250),
        (ClaimMoney(approved=400, paid=400, reversed=400), S.REVERSED, 0, 0),
        (ClaimMoney(approved=400, paid=150, reversed=150), S.REVERSED, 250, 0),
    ],
)
def test_a_claim_s_status_follows_from_its_money(
    money: ClaimMoney, status: S, payable: int, net: int
) -> None:
    assert lifecycle.status_after_money(money) == status
    assert (money.payable, money.net_paid) == (payable, net)


def test_a_reversed_payment_does_not_reopen_the_approval() -> None:
    assert ClaimMoney(approved=400, paid=400, reversed=400).payable == 0
    assert ClaimMoney(approved=400, released=400).payable == 0


def test_ledger_lines_move_committed_and_paid() -> None:
    lines = [(LedgerKind.COMMITMENT, 400), (LedgerKind.PAYMENT, 150), (LedgerKind.REVERSAL, 150)]
    committed = sum(lifecycle.LEDGER_EFFECT[k][0] * p for k, p in lines)
    paid = sum(lifecycle.LEDGER_EFFECT[k][1] * p for k, p in lines)
    assert (committed, paid) == (250, 0)
    assert lifecycle.remaining(3000, committed, paid) == 2750
    assert lifecycle.remaining(300, 250, 100) == 0  # never below zero


def test_a_yearly_amount_is_counted_by_academic_year_from_1_august() -> None:
    assert lifecycle.academic_year(date(2026, 7, 31)) == "2025/26"
    assert lifecycle.academic_year(date(2026, 8, 1)) == "2026/27"
    assert lifecycle.academic_year(date(2099, 9, 1)) == "2099/00"
    assert lifecycle.period_key("per_year", date(2026, 8, 1)) == "2026/27"
    assert lifecycle.period_key("once", date(2026, 8, 1)) == "whole"
