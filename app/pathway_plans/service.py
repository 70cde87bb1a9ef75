"""Use cases on pathway plans: start, read, edit, submit, authorise, return and review them; the young
person's own view; review dates kept current; summaries for the caseload. (Comments and progress between
reviews: `app.pathway_plans.progress`.)

Access: reads follow `load_for_read` (404 outside scope); changes need write access to the person (the
personal adviser, their team manager, an admin: 403 for a read-only colleague). A young person sees only
their authorised plans (and the ones these replaced). Every read and change records one audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import require_if_match
from app.audit.enums import AuditAction, AuditOutcome
from app.audit.service import record_about, record_even_if_rolled_back
from app.auth.enums import Role
from app.auth.policy import PersonScope, may_write
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound, ReadOnlyAccess
from app.care_leavers.models import CareLeaver, Circumstance
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.service import advisers_by_id, load_for_read, load_for_write
from app.core.clock import uk_today, utc_now
from app.core.errors import PreconditionFailed, field_error
from app.db.pagination import Position, Window
from app.db.session import insert_or_raise
from app.pathway_plans import lifecycle
from app.pathway_plans.enums import CORE_SECTIONS, PlanStatus, SectionKind
from app.pathway_plans.errors import (
    Incomplete,
    NotADraft,
    OpenVersionExists,
    PlanNotFound,
    SelfAuthorisation,
    WrongStatus,
)
from app.pathway_plans.lifecycle import OPEN, SHOWN_TO_YOUNG_PERSON, SectionFacts
from app.pathway_plans.models import PathwayPlan
from app.pathway_plans.repository import PlanContent, PlanRepository
from app.pathway_plans.reviews import Entry, ReviewDue, changes_in, review_due
from app.pathway_plans.schemas import MyPlan, PlanRead, PlanUpdate
from app.pathway_plans.views import LoadedPlan, etag, my_plan, plan_read, uk_date

RESOURCE = "pathway_plan"
NOT_FOUND = "No pathway plan with that id is yours to see."


def is_young_person(principal: Principal, person: CareLeaver) -> bool:
    """The young person themself (not staff who happen to reach the record)."""
    return (
        principal.has(Role.CARE_LEAVER)
        and principal.care_leaver_id == person.id
        and not principal.is_council_staff
    )


async def plan_for_read(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID
) -> tuple[PathwayPlan, CareLeaver, PersonScope]:
    """The version, if the principal may read it: otherwise 404, the same as for an id that does not exist
    (never the person's 404, which would tell a prober that the plan exists)."""
    plan = await PlanRepository(session).get(plan_id)
    if plan is None:
        raise PlanNotFound(NOT_FOUND)
    try:
        person, scope = await load_for_read(session, principal, plan.care_leaver_id)
    except CareLeaverNotFound:
        raise PlanNotFound(NOT_FOUND) from None
    if is_young_person(principal, person) and plan.status not in SHOWN_TO_YOUNG_PERSON:
        raise PlanNotFound(NOT_FOUND)  # a draft is the staff's until it is authorised
    return plan, person, scope


async def plan_for_write(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID
) -> tuple[PathwayPlan, CareLeaver, PersonScope]:
    plan, person, scope = await plan_for_read(session, principal, plan_id)
    if not may_write(principal, scope):
        raise ReadOnlyAccess(
            "You can read this plan but only their personal adviser, team manager or an admin can change it."
        )
    return plan, person, scope


async def load(
    session: AsyncSession,
    plan: PathwayPlan,
    person: CareLeaver,
    scope: PersonScope,
    content: PlanContent | None = None,
) -> LoadedPlan:
    """The version with everything its representation shows; pass `content` when it is already loaded
    and unchanged since."""
    if content is None:
        content = await PlanRepository(session).content(plan.id)
    wanted = {plan.created_by, plan.submitted_by, plan.authorised_by, scope.adviser_id}
    users = await advisers_by_id(session, {i for i in wanted if i is not None})
    adviser = users.get(scope.adviser_id) if scope.adviser_id else None
    return LoadedPlan(plan, content, users, person, adviser)


async def audit(
    session: AsyncSession,
    principal: Principal,
    action: AuditAction,
    person: CareLeaver,
    resource_id: uuid.UUID | None,
    *,
    resource: str = RESOURCE,
    details: dict[str, Any] | None = None,
) -> None:
    await record_about(
        session,
        principal.as_actor(),
        action,
        resource,
        [person],
        resource_id=resource_id,
        details=details,
    )


def expected_revision(if_match: str | None, plan: PathwayPlan) -> int:
    """The revision the client last read, named by `If-Match`."""
    require_if_match(if_match, etag(plan), what="this plan")
    return plan.revision


def _require_status(plan: PathwayPlan, wanted: PlanStatus, doing: str) -> None:
    if plan.status is not wanted:
        error = NotADraft if wanted is PlanStatus.DRAFT else WrongStatus
        raise error(f"Only a {wanted.value} version can be {doing}; this one is {plan.status.value}.")


async def _advance(
    session: AsyncSession,
    plan: PathwayPlan,
    expected: int,
    wanted: PlanStatus,
    doing: str,
    values: dict[str, Any],
) -> None:
    """Apply `values` if the version is still `wanted` at revision `expected`; otherwise say why not."""
    if await PlanRepository(session).advance(plan, expected, {wanted}, values):
        return
    _require_status(plan, wanted, doing)  # it moved on meanwhile: 409
    raise PreconditionFailed(
        "Someone changed this plan at the same time. Read it again, re-apply your change, and send the new ETag.",
        etag=etag(plan),
    )


def _with_contributor(plan: PathwayPlan, principal: Principal) -> list[str]:
    return list(dict.fromkeys([*plan.contributors, str(principal.user_id)]))


async def start_plan(session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID) -> PlanRead:
    """A first plan with its core sections (and the where-relevant ones today's circumstances call for), or
    a review: a new draft copied from the current authorised plan."""
    person, scope = await load_for_write(session, principal, care_leaver_id)
    repo = PlanRepository(session)
    if await repo.of_status(person.id, OPEN) is not None:
        raise OpenVersionExists(
            "A version of this plan is already being written; finish or authorise it first."
        )
    current = await repo.of_status(person.id, {PlanStatus.AUTHORISED})
    now = utc_now()
    plan = PathwayPlan(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        version=await repo.last_version_number(person.id) + 1,
        status=PlanStatus.DRAFT,
        revision=1,
        previous_version_id=current.id if current else None,
        contingency_plan=current.contingency_plan if current else None,
        people_involved=list(current.people_involved) if current else [],
        contributors=[str(principal.user_id)],
        created_at=now,
        created_by=principal.user_id,
        updated_at=now,
    )
    # Another draft started at the same moment clashes on the one-open-version index.
    await insert_or_raise(
        session, plan, OpenVersionExists("A version of this plan is already being written.")
    )
    if current is not None:
        await repo.copy_content(current, plan)
    else:
        snapshot = (await CareLeaverRepository(session).snapshots([person.id], uk_today()))[person.id]
        extra = lifecycle.relevant_sections({k.value: e.details for k, e in snapshot.items()})
        await repo.add_empty_sections(plan, [*CORE_SECTIONS, *extra])
    await audit(session, principal, AuditAction.CREATE, person, plan.id, details={"version": plan.version})
    return plan_read(await load(session, plan, person, scope), uk_today())


async def list_versions(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[PathwayPlan]:
    """Every version of the person's plan, newest first (a young person: the authorised ones)."""
    person, _ = await load_for_read(session, principal, care_leaver_id)
    statuses = SHOWN_TO_YOUNG_PERSON if is_young_person(principal, person) else None
    window = await PlanRepository(session).versions(person.id, statuses, limit=limit, cursor=cursor)
    await audit(session, principal, AuditAction.LIST, person, None, details={"count": len(window.items)})
    return window


async def get_plan(session: AsyncSession, principal: Principal, plan_id: uuid.UUID) -> PlanRead:
    plan, person, scope = await plan_for_read(session, principal, plan_id)
    await audit(session, principal, AuditAction.READ, person, plan.id)
    return plan_read(await load(session, plan, person, scope), uk_today())


async def printable_plan(session: AsyncSession, principal: Principal, plan_id: uuid.UUID) -> LoadedPlan:
    """The version to print or share: an export of personal data, audited as one."""
    plan, person, scope = await plan_for_read(session, principal, plan_id)
    await audit(session, principal, AuditAction.EXPORT, person, plan.id, details={"format": "html"})
    return await load(session, plan, person, scope)


async def update_plan(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, if_match: str | None, body: PlanUpdate
) -> PlanRead:
    plan, person, scope = await plan_for_write(session, principal, plan_id)
    _require_status(plan, PlanStatus.DRAFT, "changed")
    expected = expected_revision(if_match, plan)
    fields = body.model_fields_set
    values: dict[str, Any] = {"contributors": _with_contributor(plan, principal)}
    if "contingency_plan" in fields:
        values["contingency_plan"] = body.contingency_plan
    if "people_involved" in fields:
        values["people_involved"] = [p.model_dump() for p in body.people_involved or []]
    # The version row first: its conditional UPDATE is what makes a second writer with the same ETag fail.
    await _advance(session, plan, expected, PlanStatus.DRAFT, "changed", values)
    repo = PlanRepository(session)
    for kind, section in (body.sections or {}).items():
        await repo.write_section(plan, kind, section)
    await audit(
        session,
        principal,
        AuditAction.UPDATE,
        person,
        plan.id,
        details={
            "fields": sorted(fields - {"sections"}),
            "sections": sorted(k.value for k in body.sections or {}),
        },
    )
    return plan_read(await load(session, plan, person, scope), uk_today())


async def submit_plan(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, if_match: str | None
) -> PlanRead:
    """A complete draft goes to a team manager; from now on its content is fixed."""
    plan, person, scope = await plan_for_write(session, principal, plan_id)
    _require_status(plan, PlanStatus.DRAFT, "submitted")
    expected = expected_revision(if_match, plan)
    content = await PlanRepository(session).content(plan.id)
    sections = {SectionKind(s.kind): SectionFacts(s.needs_and_risks) for s in content.sections}
    missing = lifecycle.missing_for_submission(plan.contingency_plan, sections)
    if missing:
        raise Incomplete(
            "Complete these parts of the draft, then submit it again.",
            errors=[field_error(name, message) for name, message in missing],
        )
    values = {
        "status": PlanStatus.SUBMITTED,
        "submitted_at": utc_now(),
        "submitted_by": principal.user_id,
        "contributors": _with_contributor(plan, principal),
    }
    await _advance(session, plan, expected, PlanStatus.DRAFT, "submitted", values)
    await audit(session, principal, AuditAction.UPDATE, person, plan.id, details={"transition": "submit"})
    # Submitting changes the version's status, not its content: the content read above is current.
    return plan_read(await load(session, plan, person, scope, content), uk_today())


async def authorise_plan(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, if_match: str | None
) -> PlanRead:
    """A team manager (or an admin acting as one) who did not write it authorises the version: it becomes
    the current plan, the one before is superseded, and the next review date is set."""
    plan, person, scope = await plan_for_write(session, principal, plan_id)
    _require_status(plan, PlanStatus.SUBMITTED, "authorised")
    expected = expected_revision(if_match, plan)
    if not lifecycle.may_authorise(principal.user_id, {uuid.UUID(c) for c in plan.contributors}):
        record_even_if_rolled_back(
            session,
            principal.as_actor(),
            AuditAction.ACCESS_DENIED,
            RESOURCE,
            resource_id=plan.id,
            people=[person],
            outcome=AuditOutcome.DENIED,
            details={"transition": "authorise", "reason": "self_authorisation"},
        )
        raise SelfAuthorisation("You wrote or submitted this version, so another manager must authorise it.")
    repo = PlanRepository(session)
    now = utc_now()
    previous = await repo.of_status(person.id, {PlanStatus.AUTHORISED})
    if previous is not None:
        await repo.touch(previous, {"status": PlanStatus.SUPERSEDED, "superseded_at": now})
    due = _review_due(person, (await repo.trigger_entries([person.id]))[person.id], now)
    values = {
        "status": PlanStatus.AUTHORISED,
        "authorised_at": now,
        "authorised_by": principal.user_id,
        **_review_values(due),
    }
    await _advance(session, plan, expected, PlanStatus.SUBMITTED, "authorised", values)
    carried = await repo.carry_progress(previous, plan) if previous is not None else 0
    await audit(
        session,
        principal,
        AuditAction.UPDATE,
        person,
        plan.id,
        details={
            "transition": "authorise",
            "superseded": str(previous.id) if previous else None,
            "progress_carried": carried,
        },
    )
    return plan_read(await load(session, plan, person, scope), uk_today())


async def return_plan(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, if_match: str | None, reason: str
) -> PlanRead:
    """A manager sends a submitted version back to its author as a draft, saying what to change."""
    plan, person, scope = await plan_for_write(session, principal, plan_id)
    _require_status(plan, PlanStatus.SUBMITTED, "returned")
    expected = expected_revision(if_match, plan)
    values = {"status": PlanStatus.DRAFT, "returned_at": utc_now(), "return_reason": reason}
    await _advance(session, plan, expected, PlanStatus.SUBMITTED, "returned", values)
    await audit(session, principal, AuditAction.UPDATE, person, plan.id, details={"transition": "return"})
    return plan_read(await load(session, plan, person, scope), uk_today())


async def my_pathway_plan(session: AsyncSession, principal: Principal) -> MyPlan:
    """The young person's current authorised plan, in plain words."""
    assert principal.care_leaver_id is not None  # the route admits care leavers only
    person, scope = await load_for_read(session, principal, principal.care_leaver_id)
    plan = await PlanRepository(session).of_status(person.id, {PlanStatus.AUTHORISED})
    if plan is None:
        raise PlanNotFound(
            "You don't have an agreed pathway plan yet. Your personal adviser will write it with you."
        )
    await audit(session, principal, AuditAction.READ, person, plan.id)
    return my_plan(await load(session, plan, person, scope), uk_today())


# Review dates


def _review_values(due: ReviewDue) -> dict[str, Any]:
    return {"review_due_on": due.due_on, "review_due_reason": due.reason, "review_trigger_on": due.trigger_on}


def _review_due(person: CareLeaver, entries: Iterable[Circumstance], authorised_at: datetime) -> ReviewDue:
    facts = [
        Entry(
            kind=e.kind.value,
            valid_from=e.valid_from,
            recorded_at=e.recorded_at,
            recorded_on=uk_date(e.recorded_at) or e.valid_from,
            details=e.details,
        )
        for e in entries
    ]
    authorised_on = uk_date(authorised_at)
    assert authorised_on is not None
    return review_due(
        authorised_at=authorised_at,
        authorised_on=authorised_on,
        date_of_birth=person.date_of_birth,
        changes=changes_in(facts),
    )


async def refresh_review_due(session: AsyncSession, care_leaver_ids: Collection[uuid.UUID]) -> None:
    """After changes to records (a move, a course, a child, a corrected date of birth), in the same unit
    of work: bring each current plan's review forward if a trigger calls for it. One query finds the
    authorised plans among the changed people (an import of thousands without plans costs just that)."""
    repo = PlanRepository(session)
    plans = [p for p in await repo.authorised_of(care_leaver_ids) if p.authorised_at is not None]
    if not plans:
        return
    ids = {p.care_leaver_id for p in plans}
    people, entries = await repo.people(ids), await repo.trigger_entries(ids)
    for plan in plans:
        assert plan.authorised_at is not None
        person = people[plan.care_leaver_id]
        values = _review_values(_review_due(person, entries[person.id], plan.authorised_at))
        if any(getattr(plan, name) != value for name, value in values.items()):
            await repo.touch(plan, values)


# For other domains


@dataclass(frozen=True, slots=True)
class PlanSummary:
    review_due_on: date | None
    overdue_actions: int  # actions of the current plan past their date, neither done nor dropped


async def plan_summaries(
    session: AsyncSession, care_leaver_ids: list[uuid.UUID], today: date
) -> dict[uuid.UUID, PlanSummary]:
    """For the caseload: each person's next review date and overdue actions, in three queries at most."""
    repo = PlanRepository(session)
    plans = await repo.authorised_of(care_leaver_ids)
    overdue = await repo.overdue_actions([p.id for p in plans], today)
    return {p.care_leaver_id: PlanSummary(p.review_due_on, overdue.get(p.id, 0)) for p in plans}
