"""Use cases on claims: create, edit, submit, approve, decline and withdraw them, and read them.

Access: a claim is reached through its young person (404 outside scope, the same as an unknown id).
The young person asks, edits, submits and withdraws their own claims; staff with write access to the
person (their adviser, the team manager, an admin) do the same for them; only a team manager or an
admin with write access approves or declines, and never a claim they asked for or wrote. Every read and
change records one audit event about the young person.

Money moves only on approval (a commitment in the ledger) and in `app.claims.money` (payments and
reversals). The cap is the amount in the stored decision the claim was submitted under.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import require_if_match
from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.enums import Role
from app.auth.policy import PersonScope, may_write
from app.auth.principal import Principal
from app.care_leavers.enums import CircumstanceKind
from app.care_leavers.errors import CareLeaverNotFound, ReadOnlyAccess
from app.care_leavers.models import CareLeaver
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.service import load_for_read
from app.claims import lifecycle
from app.claims.enums import ClaimStatus, LedgerKind, RequestedBy
from app.claims.errors import (
    ActionNotInPlan,
    ClaimNotEligible,
    ClaimNotFound,
    NotAnApprover,
    NotClaimable,
    OverAllowance,
    SelfApproval,
    WrongStatus,
)
from app.claims.lifecycle import Transition
from app.claims.models import Claim
from app.claims.repository import ClaimRepository
from app.claims.schemas import ClaimCreate, ClaimRead, ClaimUpdate
from app.claims.views import claim_read, etag
from app.core.clock import uk_today, utc_now
from app.core.errors import InvalidInput, field_error
from app.core.types import format_pence
from app.db.idempotency import fingerprint, run_once
from app.entitlements.enums import ProviderKind
from app.events.enums import EventType
from app.events.outbox import emit
from app.notifications import wording
from app.notifications.service import notify
from app.pathway_plans.models import PathwayPlan, PlanAction

RESOURCE = "claim"
NOT_FOUND = "No claim with that id is yours to see."
# Paid through the Leaving Care Service: the council's own allowances, and the county's personal health
# budget, which it runs with the NHS. Others (a university's bursary, the DWP's housing costs) are
# claimed from whoever provides them.
CLAIMABLE_PROVIDERS = frozenset({ProviderKind.COUNCIL, ProviderKind.NHS})


@dataclass(frozen=True, slots=True)
class Loaded:
    claim: Claim
    person: CareLeaver
    scope: PersonScope


def is_young_person(principal: Principal, person_id: uuid.UUID) -> bool:
    return (
        principal.has(Role.CARE_LEAVER)
        and principal.care_leaver_id == person_id
        and not principal.is_council_staff
    )


async def audit(
    session: AsyncSession,
    principal: Principal,
    action: AuditAction,
    person: CareLeaver,
    resource_id: uuid.UUID,
    *,
    resource: str = RESOURCE,
    details: dict[str, Any] | None = None,
) -> None:
    await record_about(
        session, principal.as_actor(), action, resource, [person], resource_id=resource_id, details=details
    )


async def claim_for_read(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, *, for_update: bool = False
) -> Loaded:
    claim = await ClaimRepository(session).get(claim_id, for_update=for_update)
    if claim is None:
        raise ClaimNotFound(NOT_FOUND)
    try:
        person, scope = await load_for_read(session, principal, claim.care_leaver_id)
    except CareLeaverNotFound:
        raise ClaimNotFound(NOT_FOUND) from None
    return Loaded(claim, person, scope)


def _require_requester_side(principal: Principal, loaded: Loaded) -> None:
    """The young person themself, or staff who may change their record."""
    if is_young_person(principal, loaded.person.id) or may_write(principal, loaded.scope):
        return
    raise ReadOnlyAccess(
        "You can read this claim but only the young person, their adviser or manager can change it."
    )


def _require_approver(principal: Principal, loaded: Loaded) -> None:
    if not principal.has(Role.TEAM_MANAGER, Role.LA_ADMIN) or not may_write(principal, loaded.scope):
        raise NotAnApprover("Only the young person's team manager or an admin approves or declines a claim.")


def _require(claim: Claim, transition: Transition, doing: str) -> None:
    if not lifecycle.may(claim.status, transition):
        allowed = ", ".join(sorted(s.value for s in lifecycle.allowed_from(transition)))
        raise WrongStatus(f"Only a claim that is {allowed} can be {doing}; this one is {claim.status.value}.")


def _touch(claim: Claim, principal: Principal | None = None) -> None:
    claim.revision += 1
    claim.updated_at = utc_now()
    if principal is not None:
        claim.contributors = list(dict.fromkeys([*claim.contributors, str(principal.user_id)]))


async def read_model(session: AsyncSession, claim: Claim) -> ClaimRead:
    repo = ClaimRepository(session)
    found = await repo.money([claim.id])
    payments = await repo.payments([claim.id])
    evidence = await repo.evidence([claim.id])
    return claim_read(
        claim, found.get(claim.id, lifecycle.ClaimMoney()), payments[claim.id], evidence[claim.id]
    )


# What a claim is made against


@dataclass(frozen=True, slots=True)
class Grounds:
    """The stored decision for the entitlement on the day, and what the offer says of its amount."""

    outcome: str
    amount_pence: int
    offer_version_id: uuid.UUID
    offer_version: int
    reasons: list[Any]
    period: str
    title: str


async def grounds(session: AsyncSession, person: CareLeaver, code: str, day: date) -> Grounds:
    """The stored decision a claim is made under, or 422 `claim.not_eligible` with its reasons."""
    repo = ClaimRepository(session)
    decision = await repo.decision_on(person.id, code, day)
    field = [field_error("entitlement_code", "not an entitlement you can claim today")]
    if decision is None:
        raise ClaimNotEligible(
            f"There is no decision about '{code}' for this young person on {day.isoformat()}: it is not in their "
            "council's offer.",
            errors=field,
            reasons=[],
        )
    reasons = [{"code": str(c), "result": str(r)} for c, r in decision.reasons]
    if decision.outcome != "eligible":
        raise ClaimNotEligible(
            f"On {day.isoformat()} the decision about '{code}' is {decision.outcome}: see the reasons.",
            errors=field,
            reasons=reasons,
            missing_facts=list(decision.missing_facts),
        )
    entitlement = await repo.entitlement(decision.offer_version_id, code)
    if (
        decision.amount_pence is None
        or entitlement is None
        or entitlement.provider_kind not in CLAIMABLE_PROVIDERS
        or (entitlement.amount or {}).get("period") == "per_week"
    ):
        raise NotClaimable(
            f"'{code}' is not an amount the Leaving Care Service pays: ask its provider.", errors=field
        )
    return Grounds(
        outcome=decision.outcome,
        amount_pence=decision.amount_pence,
        offer_version_id=decision.offer_version_id,
        offer_version=decision.offer_version,
        reasons=list(decision.reasons),
        period=str((entitlement.amount or {}).get("period", "once")),
        title=entitlement.title,
    )


async def _check_action(session: AsyncSession, person: CareLeaver, action_id: uuid.UUID | None) -> None:
    if action_id is None:
        return
    stmt = (
        select(PlanAction.id)
        .join(PathwayPlan, PathwayPlan.id == PlanAction.plan_id)
        .where(PlanAction.id == action_id, PathwayPlan.care_leaver_id == person.id)
    )
    if await session.scalar(stmt) is None:
        raise ActionNotInPlan(
            "That action is not in this young person's pathway plan.",
            errors=[field_error("pathway_plan_action_id", "not an action in their plan")],
        )


async def instalments(
    session: AsyncSession, care_leaver_id: uuid.UUID, period: str | None, cap: int, day: date
) -> list[tuple[str, int]]:
    """An amount over a course in its instalments by academic year, from the course recorded on `day`
    (none for other amounts, or when no course is recorded)."""
    if period != "over_course":
        return []
    snapshot = (await CareLeaverRepository(session).snapshots([care_leaver_id], day))[care_leaver_id]
    course = snapshot.get(CircumstanceKind.HIGHER_EDUCATION)
    if course is None:
        return []
    ends = course.details.get("expected_end_on")
    started = date.fromisoformat(course.details["started_on"])
    return lifecycle.course_instalments(cap, started, date.fromisoformat(ends) if ends else None)


async def left_to_commit(session: AsyncSession, claim: Claim, cap: int, period: str | None, day: date) -> int:
    """What of the allowance may still be committed on `day`: the cap, or what its instalments have
    released so far, less what is committed and paid (read under the allowance's lock when approving)."""
    committed, paid = await ClaimRepository(session).pot_sums(claim)
    schedule = await instalments(session, claim.care_leaver_id, period, cap, day)
    limit = lifecycle.released_by(schedule, day) if schedule else cap
    return lifecycle.remaining(limit, committed, paid)


def _over(total: int, remaining: int, title: str) -> OverAllowance:
    return OverAllowance(
        f"This claim is {format_pence(total)} and {format_pence(remaining)} of {title} is left.",
        errors=[field_error("items", f"more than the {format_pence(remaining)} left")],
        remaining_pence=remaining,
    )


# Use cases


async def create_claim(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, body: ClaimCreate
) -> ClaimRead:
    person, scope = await load_for_read(session, principal, care_leaver_id)
    young_person = is_young_person(principal, person.id)
    if not young_person and not may_write(principal, scope):
        raise ReadOnlyAccess("Only the young person, their adviser or manager can make a claim for them.")
    today = uk_today()
    found = await grounds(session, person, body.entitlement_code, today)
    await _check_action(session, person, body.pathway_plan_action_id)
    now = utc_now()
    claim = Claim(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        entitlement_code=body.entitlement_code,
        period_key=lifecycle.period_key(found.period, today),
        status=ClaimStatus.DRAFT,
        revision=1,
        purpose=body.purpose,
        items=[i.model_dump() for i in body.items],
        total_pence=sum(i.amount_pence for i in body.items),
        payment_method=body.payment_method,
        payee=body.payee,
        pathway_plan_action_id=body.pathway_plan_action_id,
        requested_by=RequestedBy.YOUNG_PERSON if young_person else RequestedBy.STAFF,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
        contributors=[str(principal.user_id)],
    )
    session.add(claim)
    await session.flush()
    await audit(session, principal, AuditAction.CREATE, person, claim.id, details={"status": "draft"})
    if body.submit:
        await _submit(session, principal, Loaded(claim, person, scope), found)
    return await read_model(session, claim)


async def get_claim(session: AsyncSession, principal: Principal, claim_id: uuid.UUID) -> ClaimRead:
    loaded = await claim_for_read(session, principal, claim_id)
    await audit(session, principal, AuditAction.READ, loaded.person, loaded.claim.id)
    return await read_model(session, loaded.claim)


async def update_claim(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, body: ClaimUpdate, if_match: str | None
) -> ClaimRead:
    loaded = await claim_for_read(session, principal, claim_id, for_update=True)
    claim = loaded.claim
    _require_requester_side(principal, loaded)
    require_if_match(if_match, etag(claim), what="this claim")
    if claim.status is not ClaimStatus.DRAFT:
        raise WrongStatus(f"Only a draft can be changed; this claim is {claim.status.value}.")
    changes = body.model_dump(exclude_unset=True)
    if "pathway_plan_action_id" in changes:
        await _check_action(session, loaded.person, body.pathway_plan_action_id)
    for name in ("purpose", "payment_method", "payee", "pathway_plan_action_id"):
        if name in changes:
            setattr(claim, name, getattr(body, name))
    if body.items is not None:
        claim.items = [i.model_dump() for i in body.items]
        claim.total_pence = sum(i.amount_pence for i in body.items)
    if claim.payment_method.value == "supplier" and claim.payee is None:
        raise InvalidInput(
            "Name the supplier the money is paid to.",
            errors=[field_error("payee", "needed when paid to a supplier")],
        )
    _touch(claim, principal)
    await audit(
        session, principal, AuditAction.UPDATE, loaded.person, claim.id, details={"fields": sorted(changes)}
    )
    return await read_model(session, claim)


async def _submit(
    session: AsyncSession, principal: Principal, loaded: Loaded, found: Grounds | None = None
) -> None:
    claim = loaded.claim
    _require(claim, Transition.SUBMIT, "submitted")
    today = uk_today()
    found = found or await grounds(session, loaded.person, claim.entitlement_code, today)
    repo = ClaimRepository(session)
    left = await left_to_commit(session, claim, found.amount_pence, found.period, today)
    if claim.total_pence > left:
        raise _over(claim.total_pence, left, found.title)
    settings = await repo.settings(claim.local_authority_id)
    claim.status = ClaimStatus.SUBMITTED
    claim.decided_on = today
    claim.decision_outcome = found.outcome
    claim.decision_amount_pence = found.amount_pence
    claim.decision_offer_version_id = found.offer_version_id
    claim.decision_offer_version = found.offer_version
    claim.decision_reasons = found.reasons
    claim.approvals_needed = lifecycle.approvals_needed(
        claim.total_pence, settings.second_approval_above_pence if settings else None
    )
    claim.submitted_at = utc_now()
    claim.submitted_by = principal.user_id
    _touch(claim, principal)
    await session.flush()
    # The council's approvers' systems hear that a claim awaits them, in this same transaction.
    await emit(
        session,
        EventType.CLAIM_SUBMITTED,
        {"claim_id": claim.id},
        local_authority_id=claim.local_authority_id,
    )
    await audit(
        session, principal, AuditAction.UPDATE, loaded.person, claim.id,
        details={"status": "submitted", "total_pence": claim.total_pence, "offer_version": found.offer_version},
    )  # fmt: skip


async def submit_claim(session: AsyncSession, principal: Principal, claim_id: uuid.UUID) -> ClaimRead:
    loaded = await claim_for_read(session, principal, claim_id, for_update=True)
    _require_requester_side(principal, loaded)
    await _submit(session, principal, loaded)
    return await read_model(session, loaded.claim)


async def approve_claim(session: AsyncSession, principal: Principal, claim_id: uuid.UUID) -> ClaimRead:
    """One approval, or the second of two; the final one commits the money under the allowance's lock."""
    loaded = await claim_for_read(session, principal, claim_id, for_update=True)
    claim = loaded.claim
    _require_approver(principal, loaded)
    _require(claim, Transition.APPROVE, "approved")
    requester_side = {uuid.UUID(u) for u in claim.contributors} | {claim.created_by}
    if not lifecycle.may_approve(principal.user_id, requester_side, claim.first_approved_by):
        raise SelfApproval(
            "A claim is approved by someone who did not ask for it, write it or approve it already."
        )
    now = utc_now()
    if (claim.approvals_needed or 1) > 1 and claim.first_approved_by is None:
        claim.first_approved_at, claim.first_approved_by = now, principal.user_id
        _touch(claim)
        await audit(
            session, principal, AuditAction.UPDATE, loaded.person, claim.id, details={"approval": "first"}
        )
        return await read_model(session, claim)
    repo = ClaimRepository(session)
    await repo.lock_account(claim)
    period = await _period_of(session, claim)
    left = await left_to_commit(session, claim, claim.decision_amount_pence or 0, period, uk_today())
    if claim.total_pence > left:
        raise _over(claim.total_pence, left, "this allowance")
    await repo.append(claim, LedgerKind.COMMITMENT, claim.total_pence, principal.user_id)
    claim.status = ClaimStatus.APPROVED
    claim.approved_at, claim.approved_by, claim.approved_pence = now, principal.user_id, claim.total_pence
    _touch(claim)
    await notify(
        session, claim.local_authority_id, claim.care_leaver_id,
        wording.claim_approved(claim.id, claim.purpose, format_pence(claim.total_pence)),
    )  # fmt: skip
    await audit(
        session, principal, AuditAction.UPDATE, loaded.person, claim.id,
        details={"status": "approved", "committed_pence": claim.total_pence},
    )  # fmt: skip
    return await read_model(session, claim)


async def _period_of(session: AsyncSession, claim: Claim) -> str | None:
    if claim.decision_offer_version_id is None:
        return None
    entitlement = await ClaimRepository(session).entitlement(
        claim.decision_offer_version_id, claim.entitlement_code
    )
    return None if entitlement is None else (entitlement.amount or {}).get("period")


async def decline_claim(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, reason: str
) -> ClaimRead:
    loaded = await claim_for_read(session, principal, claim_id, for_update=True)
    claim = loaded.claim
    _require_approver(principal, loaded)
    _require(claim, Transition.DECLINE, "declined")
    claim.status = ClaimStatus.DECLINED
    claim.declined_at, claim.declined_by, claim.decline_reason = utc_now(), principal.user_id, reason
    _touch(claim)
    await notify(
        session, claim.local_authority_id, claim.care_leaver_id,
        wording.claim_declined(claim.id, claim.purpose, reason),
    )  # fmt: skip
    await audit(
        session, principal, AuditAction.UPDATE, loaded.person, claim.id, details={"status": "declined"}
    )
    return await read_model(session, claim)


async def withdraw_claim(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, reason: str | None
) -> ClaimRead:
    """Taken back before any payment; an approved claim's commitment goes back to the allowance."""
    loaded = await claim_for_read(session, principal, claim_id, for_update=True)
    claim = loaded.claim
    _require_requester_side(principal, loaded)
    _require(claim, Transition.WITHDRAW, "withdrawn")
    if claim.status is ClaimStatus.APPROVED:
        repo = ClaimRepository(session)
        await repo.lock_account(claim)
        unspent = (await repo.money([claim.id])).get(claim.id, lifecycle.ClaimMoney()).payable
        if unspent:
            await repo.append(claim, LedgerKind.RELEASE, unspent, principal.user_id)
    claim.status = ClaimStatus.WITHDRAWN
    claim.withdrawn_at, claim.withdrawn_by, claim.withdraw_reason = utc_now(), principal.user_id, reason
    _touch(claim)
    await audit(
        session, principal, AuditAction.UPDATE, loaded.person, claim.id, details={"status": "withdrawn"}
    )
    return await read_model(session, claim)


async def create_claim_once(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    body: ClaimCreate,
    idempotency_key: str | None,
) -> ClaimRead:
    """With an `Idempotency-Key` (kept 30 days, for the app's late retries), a retry answers with the claim
    the first request made."""
    return await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "money:create_claim",
        fingerprint(str(care_leaver_id), body.model_dump(mode="json")),
        create=lambda: create_claim(session, principal, care_leaver_id, body),
        load=lambda claim_id: get_claim(session, principal, claim_id),
        id_of=lambda claim: claim.id,
    )
