"""Every change to what a young person may see marks their sync view stale, in the same transaction.

Two ways in, so that nothing is missed: an ORM flush of any row about a young person (a plan's action,
a claim, a consent, a contact...), seen by one listener on every session; and the domain hooks for
changes made in bulk without the ORM (stored decisions after a record change; a council's new offer,
which may change every one of its young people's entitlements). `app.wiring.wire()` installs both.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import event, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from app.care_leavers.models import CareLeaver
from app.claims.models import Claim
from app.pathway_plans.models import PathwayPlan
from app.sync.models import SyncState
from app.sync.registry import mark_stale

# Rows about one young person, by the column that names them.
BY_PERSON = frozenset(
    {
        "adviser_allocation",
        "allowance_account",
        "care_episode",
        "circumstance",
        "claim",
        "consent",
        "contact",
        "contact_action",
        "contact_request",
        "council_tax_confirmation",
        "entitlement_decision",
        "ledger_entry",
        "legal_status_override",
        "legal_status_period",
        "pathway_plan",
        "payment",
        "support_request",
    }
)
BY_PLAN = frozenset(
    {
        "pathway_plan_section",
        "pathway_plan_goal",
        "pathway_plan_action",
        "pathway_plan_action_update",
        "pathway_plan_comment",
    }
)
BY_CLAIM = frozenset({"claim_evidence"})


def _touched(session: Session) -> tuple[set[uuid.UUID], set[uuid.UUID], set[uuid.UUID]]:
    people: set[uuid.UUID] = set()
    plans: set[uuid.UUID] = set()
    claims: set[uuid.UUID] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None:
            continue
        if table == "care_leaver":
            if obj.id is not None:
                people.add(obj.id)
        elif table in BY_PERSON:
            if obj.care_leaver_id is not None:
                people.add(obj.care_leaver_id)
        elif table in BY_PLAN:
            if obj.plan_id is not None:
                plans.add(obj.plan_id)
        elif table in BY_CLAIM and obj.claim_id is not None:
            claims.add(obj.claim_id)
    return people, plans, claims


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    people, plans, claims = _touched(session)
    if not (people or plans or claims):
        return
    whose: list[Any] = []
    if people:
        whose.append(SyncState.care_leaver_id.in_(people))
    if plans:
        whose.append(
            SyncState.care_leaver_id.in_(select(PathwayPlan.care_leaver_id).where(PathwayPlan.id.in_(plans)))
        )
    if claims:
        whose.append(SyncState.care_leaver_id.in_(select(Claim.care_leaver_id).where(Claim.id.in_(claims))))
    session.connection().execute(
        update(SyncState).where(SyncState.stale.is_(False), or_(*whose)).values(stale=True)
    )


def install() -> None:
    """Listen to every session's flushes (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


async def records_changed(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    """A record-change subscriber: their stored decisions may have changed in bulk."""
    await mark_stale(session, list(care_leaver_ids))


async def offer_published(session: AsyncSession, local_authority_id: uuid.UUID) -> None:
    """An offer-published subscriber: every young person of the council may see something new."""
    await mark_stale(
        session, select(CareLeaver.id).where(CareLeaver.local_authority_id == local_authority_id)
    )
