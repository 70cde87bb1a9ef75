"""The events we send and where a delivery is. Standard library only."""

from enum import StrEnum


class EventType(StrEnum):
    """Every event a subscription may ask for. Payloads carry ids only, never personal data: a receiver
    that wants more asks the API with its own credentials, and sees what its agreement lets it see."""

    # For the council (its own subscriptions)
    CLAIM_SUBMITTED = "claim.submitted"  # a claim awaits approval: {"claim_id"}
    CLAIM_PAID = "claim.paid"  # a claim is paid in full: {"claim_id", "payment_id"}
    # For a partner (its own subscriptions); emitted by the council-tax and status-letter features
    COUNCIL_TAX_LIST_CHANGED = "council_tax.list_changed"  # {"billing_authority_gss", "month"}
    COUNCIL_TAX_CONFIRMATION_DUE = "council_tax.confirmation_due"  # {"billing_authority_gss", "month"}
    STATUS_LETTER_REVOKED = "status_letter.revoked"  # {"letter_id"}
    # For the council's push gateway (its own subscription), which sends it to the young person's phone:
    # {"notification_id", "kind", "title", "care_leaver_id"}. The title is the kind's fixed wording (no
    # name, amount or date in it); the body stays here, read by the app with the young person's token.
    NOTIFICATION_CREATED = "notification.created"


class Audience(StrEnum):
    COUNCIL = "council"
    PARTNER = "partner"


AUDIENCE: dict[EventType, Audience] = {
    EventType.CLAIM_SUBMITTED: Audience.COUNCIL,
    EventType.CLAIM_PAID: Audience.COUNCIL,
    EventType.COUNCIL_TAX_LIST_CHANGED: Audience.PARTNER,
    EventType.COUNCIL_TAX_CONFIRMATION_DUE: Audience.PARTNER,
    EventType.STATUS_LETTER_REVOKED: Audience.PARTNER,
    EventType.NOTIFICATION_CREATED: Audience.COUNCIL,
}

# The keys each event's `data` holds (and nothing else): checked when an event is emitted.
PAYLOAD_KEYS: dict[EventType, frozenset[str]] = {
    EventType.CLAIM_SUBMITTED: frozenset({"claim_id"}),
    EventType.CLAIM_PAID: frozenset({"claim_id", "payment_id"}),
    EventType.COUNCIL_TAX_LIST_CHANGED: frozenset({"billing_authority_gss", "month"}),
    EventType.COUNCIL_TAX_CONFIRMATION_DUE: frozenset({"billing_authority_gss", "month"}),
    EventType.STATUS_LETTER_REVOKED: frozenset({"letter_id"}),
    EventType.NOTIFICATION_CREATED: frozenset({"notification_id", "kind", "title", "care_leaver_id"}),
}


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (or being attempted now)
    DELIVERED = "delivered"  # the receiver answered 2xx
    DEAD_LETTER = "dead_letter"  # every attempt failed: an admin may replay it
    CANCELLED = "cancelled"  # its subscription was deleted before it was delivered
