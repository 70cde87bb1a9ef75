"""What each notification says, in plain English for someone aged 16 to 25. Pure: standard library only.

A title is the same for every notification of its kind (it travels in the push, so it carries no name,
amount or date); the body, read in the app, says what happened and what to do next.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from app.notifications.enums import NotificationKind, SubjectType

TITLES: dict[NotificationKind, str] = {
    NotificationKind.PLAN_REVIEW_DUE: "Your pathway plan review is coming up",
    NotificationKind.ACTION_DUE: "Something in your plan is due soon",
    NotificationKind.CLAIM_APPROVED: "Your claim was approved",
    NotificationKind.CLAIM_DECLINED: "Your claim was not approved",
    NotificationKind.COUNCIL_TAX_EXEMPTION_CONFIRMED: "Your council tax exemption is confirmed",
    NotificationKind.ADVISER_CHANGED: "You have a new personal adviser",
    NotificationKind.OFFER_CHANGED: "Your council's Local Offer has changed",
    NotificationKind.BIRTHDAY_MONTH: "Happy birthday month from 21Plus",
}

# Nottinghamshire's 21Plus birthday card, as a message in the app (seed 001 para 72). The source is the
# council's own report; the body names it.
TWENTY_ONE_PLUS_SOURCE = (
    "Nottinghamshire County Council, report to the Children and Young People's Committee, 7 March 2022 "
    "(Partnership Strategy for Looked After Children and Care Leavers), paragraph 72"
)


@dataclass(frozen=True, slots=True)
class Message:
    """A notification before it is stored: what it says, what it opens, and the event it reports."""

    kind: NotificationKind
    body: str
    subject_type: SubjectType
    subject_id: uuid.UUID
    dedupe_key: str

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def plan_review_due(plan_id: uuid.UUID, due_on: date) -> Message:
    return Message(
        NotificationKind.PLAN_REVIEW_DUE,
        f"Your pathway plan is due to be reviewed by {long_date(due_on)}. Your personal adviser will get in "
        "touch to sort out a time. It helps to think about what is going well and what you want to change, "
        "and you can add comments to your plan in the app before then.",
        SubjectType.PATHWAY_PLAN,
        plan_id,
        f"plan_review_due:{plan_id}:{due_on.isoformat()}",
    )


def action_due(action_id: uuid.UUID, description: str, due_on: date) -> Message:
    return Message(
        NotificationKind.ACTION_DUE,
        f"“{description}” is due on {long_date(due_on)}. If you have done it, mark it done in your plan. "
        "If you are stuck or need more time, tell your personal adviser.",
        SubjectType.PATHWAY_PLAN_ACTION,
        action_id,
        f"action_due:{action_id}:{due_on.isoformat()}",
    )


def claim_approved(claim_id: uuid.UUID, purpose: str, amount: str) -> Message:
    return Message(
        NotificationKind.CLAIM_APPROVED,
        f"Your claim for “{purpose}” was approved: {amount}. You can see when it is paid in your claims.",
        SubjectType.CLAIM,
        claim_id,
        f"claim_approved:{claim_id}",
    )


def claim_declined(claim_id: uuid.UUID, purpose: str, reason: str) -> Message:
    return Message(
        NotificationKind.CLAIM_DECLINED,
        f"Your claim for “{purpose}” was not approved. This is why: {reason} "
        "If you want to talk about it, or ask for the decision to be looked at again, contact your personal "
        "adviser.",
        SubjectType.CLAIM,
        claim_id,
        f"claim_declined:{claim_id}",
    )


def exemption_confirmed(confirmation_id: uuid.UUID, billing_authority: str, applied_from: date) -> Message:
    return Message(
        NotificationKind.COUNCIL_TAX_EXEMPTION_CONFIRMED,
        f"{billing_authority} has confirmed your council tax exemption, applied from {long_date(applied_from)}. "
        "You should not be asked to pay council tax for that time. If you get a bill, show them this or "
        "tell your personal adviser.",
        SubjectType.COUNCIL_TAX_CONFIRMATION,
        confirmation_id,
        f"council_tax_applied:{confirmation_id}:{applied_from.isoformat()}",
    )


def adviser_changed(allocation_id: uuid.UUID, adviser_name: str, started_on: date) -> Message:
    return Message(
        NotificationKind.ADVISER_CHANGED,
        f"{adviser_name} is your personal adviser from {long_date(started_on)}. They will get in touch to "
        "say hello. You can find their details in the app under My adviser.",
        SubjectType.ADVISER_ALLOCATION,
        allocation_id,
        f"adviser_changed:{allocation_id}",
    )


def offer_changed(version_id: uuid.UUID, council: str, number: int) -> Message:
    return Message(
        NotificationKind.OFFER_CHANGED,
        f"{council} has published a new version of its Local Offer for care leavers (version {number}). "
        "Open the app to see what you can get now: what you are entitled to may have changed.",
        SubjectType.OFFER_VERSION,
        version_id,
        f"offer_changed:{version_id}",
    )


def birthday_month(care_leaver_id: uuid.UUID, year: int, council: str, phone: str | None) -> Message:
    call = f"call {council} on {phone}" if phone else "ask your council through the app"
    return Message(
        NotificationKind.BIRTHDAY_MONTH,
        "Happy birthday month! The 21Plus service is here for you until you are 25: help with housing, "
        f"money, work, health or anything else. To ask for support, {call}. This is the 21Plus birthday "
        f"card, sent to care leavers aged 21 to 24 in the month of their birthday ({TWENTY_ONE_PLUS_SOURCE}).",
        SubjectType.CARE_LEAVER,
        care_leaver_id,
        f"birthday_month:{year}",
    )
