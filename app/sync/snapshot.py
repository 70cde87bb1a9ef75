"""Everything a young person may see, as the items their devices keep: built from the same services
that answer `/v1/me/...`, so the app offline shows exactly what it would online (one source of truth).

An item is (type, id) and its body. What is not in the snapshot any more (an action dropped, a claim
they may no longer see, a consent withdrawn, an entitlement the new offer no longer has) becomes a
tombstone when the sync compares this with what it sent before (`app.sync.registry`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.advisers.service import my_adviser
from app.auth.principal import Principal
from app.care_leavers.schemas import ConsentRead
from app.care_leavers.service import get_care_leaver, list_consents
from app.claims import lists as claim_lists
from app.claims import money
from app.contacts import call_backs
from app.contacts import service as contacts
from app.contacts.repository import ContactFilters
from app.core.clock import utc_now
from app.db.pagination import Position, Window, windows
from app.decisions import report
from app.entitlements.published import CurrentOffers, PublishedOffer
from app.entitlements.service import get_offer
from app.notifications.service import list_for_person
from app.partners.confirmations import my_council_tax
from app.pathway_plans import service as plans
from app.pathway_plans.enums import ActionStatus
from app.pathway_plans.errors import PlanNotFound

T = TypeVar("T")
PAGE = 200
NOTIFICATIONS = 100  # the latest kept on the phone; older ones fall off as tombstones


class ItemType(StrEnum):
    """What a device keeps, one kind per list in the app."""

    PROFILE = "profile"  # their record's summary and legal status (id: their record's id)
    ENTITLEMENT = "entitlement"  # a stored decision for today (id: the entitlement's code)
    BALANCE = "balance"  # an allowance's balance (id: the entitlement's code)
    CLAIM = "claim"
    PATHWAY_PLAN = "pathway_plan"  # the current plan, its actions listed by id
    PLAN_ACTION = "plan_action"  # an action of the current plan (a dropped one is a tombstone)
    ADVISER = "adviser"  # their PA and the duty and out-of-hours numbers (id: "adviser")
    CONTACT = "contact"
    CALL_BACK = "call_back"
    CONSENT = "consent"  # what they agreed to share, and with whom (withdrawn: a tombstone)
    COUNCIL_TAX = "council_tax"  # what the billing authorities did (id: "council_tax")
    OFFER = "offer"  # their council's published offer (id: the council's GSS code)
    NOTIFICATION = "notification"  # the latest notifications, read or not


@dataclass(frozen=True, slots=True)
class Item:
    type: ItemType
    id: str
    body: dict[str, Any] | None  # None: served from memory (the offer)
    version: str


def _version(body: Any) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def item(kind: ItemType, item_id: object, body: Any) -> Item:
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return Item(kind, str(item_id), data, _version(data))


async def _all(fetch: Callable[[Position | None], Awaitable[Window[T]]]) -> list[T]:
    return [found async for window in windows(fetch) for found in window.items]


def _plan_items(plan: dict[str, Any]) -> list[Item]:
    """The plan, and each action it still asks for as an item of its own (so one action can change,
    conflict or be dropped alone); the plan lists its actions by id."""
    actions: list[Item] = []
    for section in plan["sections"]:
        for goal in section["goals"]:
            kept = []
            for action in goal["actions"]:
                if action["status"] == ActionStatus.DROPPED:
                    continue
                body = {
                    **action,
                    "plan_id": plan["plan_id"],
                    "section": section["kind"],
                    "goal": goal["goal"],
                }
                actions.append(item(ItemType.PLAN_ACTION, action["id"], body))
                kept.append(action["id"])
            goal["actions"] = kept
    plan["due_next"] = [a["id"] for a in plan["due_next"]]
    return [item(ItemType.PATHWAY_PLAN, plan["plan_id"], plan), *actions]


async def offer_of(
    session: AsyncSession, principal: Principal, offers: CurrentOffers | None
) -> PublishedOffer:
    assert principal.local_authority_gss is not None
    return await get_offer(session, principal.local_authority_gss, on=None, now=utc_now(), current=offers)


async def build(session: AsyncSession, principal: Principal, offers: CurrentOffers | None) -> list[Item]:
    """The young person's whole view, as of now. Each read is audited as theirs by the service it uses."""
    me = principal.care_leaver_id
    assert me is not None
    items = [item(ItemType.PROFILE, me, await get_care_leaver(session, principal, me))]

    decisions = json.loads(await report.entitlements_report(session, principal, me, None))
    common = {k: v for k, v in decisions.items() if k != "results"}
    items += [item(ItemType.ENTITLEMENT, r["entitlement"], {**r, **common}) for r in decisions["results"]]
    items += [
        item(ItemType.BALANCE, b.entitlement_code, b) for b in await money.balances(session, principal, me)
    ]
    claims = await _all(
        lambda at: claim_lists.claims_of_person(session, principal, me, limit=PAGE, cursor=at)
    )
    items += [item(ItemType.CLAIM, c.id, c) for c in claims]
    try:
        plan = await plans.my_pathway_plan(session, principal)
    except PlanNotFound:
        pass
    else:
        items += _plan_items(plan.model_dump(mode="json"))
    items.append(item(ItemType.ADVISER, "adviser", await my_adviser(session, principal)))
    contacts_seen = await _all(
        lambda at: contacts.list_contacts(session, principal, me, ContactFilters(), limit=PAGE, cursor=at)
    )
    items += [item(ItemType.CONTACT, c.id, c) for c in contacts_seen]
    asked = await _all(
        lambda at: call_backs.list_call_backs(session, principal, me, None, limit=PAGE, cursor=at)
    )
    items += [item(ItemType.CALL_BACK, r.id, r) for r in asked]
    items += [
        item(ItemType.CONSENT, c.id, ConsentRead.model_validate(c))
        for c in await list_consents(session, principal, me)
        if c.withdrawn_at is None
    ]
    council_tax = [t.model_dump(mode="json") for t in await my_council_tax(session, principal)]
    items.append(item(ItemType.COUNCIL_TAX, "council_tax", {"billing_authorities": council_tax}))
    latest = (await list_for_person(session, me))[:NOTIFICATIONS]  # the sync's own event audits the read
    items += [item(ItemType.NOTIFICATION, n.id, n) for n in latest]
    offer = await offer_of(session, principal, offers)
    items.append(Item(ItemType.OFFER, offer.pointer.gss_code, None, offer.etag.strip('"')))
    return items
