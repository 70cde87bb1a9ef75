"""The kinds of notification. Standard library only."""

from enum import StrEnum


class NotificationKind(StrEnum):
    PLAN_REVIEW_DUE = "plan_review_due"
    ACTION_DUE = "action_due"
    CLAIM_APPROVED = "claim_approved"
    CLAIM_DECLINED = "claim_declined"
    COUNCIL_TAX_EXEMPTION_CONFIRMED = "council_tax_exemption_confirmed"
    ADVISER_CHANGED = "adviser_changed"
    OFFER_CHANGED = "offer_changed"
    BIRTHDAY_MONTH = "birthday_month"  # the 21Plus service's birthday-month reminder


class SubjectType(StrEnum):
    """What a notification is about, for the app to open: a type and an id, never personal data."""

    PATHWAY_PLAN = "pathway_plan"
    PATHWAY_PLAN_ACTION = "pathway_plan_action"
    CLAIM = "claim"
    COUNCIL_TAX_CONFIRMATION = "council_tax_confirmation"
    ADVISER_ALLOCATION = "adviser_allocation"
    OFFER_VERSION = "offer_version"
    CARE_LEAVER = "care_leaver"  # the young person's own record (the birthday message)
