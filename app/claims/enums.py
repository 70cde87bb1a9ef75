"""The words of a claim and its money. Standard library only (the pure lifecycle uses them)."""

from enum import StrEnum


class ClaimStatus(StrEnum):
    """A claim's place in its lifecycle (`app.claims.lifecycle` holds the transitions)."""

    DRAFT = "draft"  # being written by the young person or their adviser; the only state that changes
    SUBMITTED = "submitted"  # waiting for a team manager (and, above the council's threshold, a second)
    APPROVED = "approved"  # the money is committed against the allowance; nothing paid yet
    DECLINED = "declined"  # refused, with a reason written for the young person
    PARTLY_PAID = "partly_paid"  # some of the approved amount paid
    PAID = "paid"  # all of the approved amount paid
    WITHDRAWN = "withdrawn"  # taken back before payment; any commitment released
    REVERSED = "reversed"  # every payment returned or made in error, each with a reason


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"  # to the young person's own bank account
    SUPPLIER = "supplier"  # paid to a supplier (a furniture shop, a landlord)
    PREPAID_CARD = "prepaid_card"
    BOUGHT_BY_COUNCIL = "bought_by_council"  # the council buys the items itself


class LedgerKind(StrEnum):
    """One line of the append-only ledger. Balances are sums of these, never a stored figure."""

    COMMITMENT = "commitment"  # an approval: money set aside for the claim
    PAYMENT = "payment"  # money paid out, drawn from the claim's commitment
    RELEASE = "release"  # an unspent commitment given back to the allowance (a withdrawn claim)
    REVERSAL = "reversal"  # a payment returned or made in error: back to the allowance


class RequestedBy(StrEnum):
    YOUNG_PERSON = "young_person"  # in the app
    STAFF = "staff"  # their personal adviser (or a manager) for them
