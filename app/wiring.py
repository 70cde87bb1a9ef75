"""Wiring between domains, in one place: which higher domains hear about changes in lower ones.

A lower domain cannot import a higher one (import-linter's layers), so it announces changes through a
hook and the higher domains subscribe. Subscribing here, explicitly, rather than as a side effect of
importing a module, means every process gets every subscriber: `app.main.create_app`, the CLI (before
any command) and the demo-data loader all call `wire()`. `tests/architecture/test_wiring.py` lists
exactly what is wired.
"""

from __future__ import annotations

from app.care_leavers import hooks
from app.contacts.due_dates import refresh_after_records_change, refresh_council
from app.db import changes
from app.decisions import service as decisions
from app.entitlements import hooks as offer_hooks
from app.notifications import service as notifications
from app.pathway_plans.service import refresh_review_due
from app.sync import tracking as sync

# When a care-leaver record or its circumstances change (a new record, a corrected date of birth, a
# closed case, a move, a course, a child, a status override): the stored decisions first (the contact
# duty is one of them), then the next-contact date, then the pathway plan's review date.
RECORD_CHANGE_SUBSCRIBERS: tuple[hooks.RecordsChanged, ...] = (
    decisions.refresh_after_records_change,
    refresh_after_records_change,
    refresh_review_due,
    sync.records_changed,
)
# When a council publishes a new version of its offer: its people's stored decisions, then their
# next-contact dates (whether the council must keep in touch is one of those decisions), then a
# notification to each of its young people that the offer changed.
OFFER_PUBLISHED_SUBSCRIBERS: tuple[offer_hooks.OfferPublished, ...] = (
    decisions.recompute_council,
    refresh_council,
    notifications.offer_published,
    sync.offer_published,
)


def wire() -> None:
    """Subscribe every domain to the changes it depends on. Idempotent: safe to call more than once."""
    hooks.subscribe(RECORD_CHANGE_SUBSCRIBERS)
    offer_hooks.subscribe(OFFER_PUBLISHED_SUBSCRIBERS)
    sync.install()  # and every flush of a row about a young person marks their sync view stale
    changes.subscribe((sync.records_changed,))  # as do rows written without the ORM
