"""Staff lists across young people: reviews due, and plans by status (e.g. waiting to be authorised).

Scoped like the care-leaver list (`app.care_leavers.repository.visible_people`); one audit event per
page, linked to each person shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.care_leavers.models import CareLeaver
from app.care_leavers.repository import CareLeaverRepository
from app.core.clock import uk_today
from app.db.pagination import Position, Window
from app.pathway_plans.enums import PlanStatus
from app.pathway_plans.models import PathwayPlan
from app.pathway_plans.repository import PlanRepository
from app.pathway_plans.schemas import PlanListItem, ReviewDueItem, UserRef
from app.pathway_plans.views import review_of, uk_date


async def _people_and_advisers(
    session: AsyncSession, plans: list[PathwayPlan], today: date
) -> tuple[dict[uuid.UUID, CareLeaver], dict[uuid.UUID, UserRef]]:
    repo = PlanRepository(session)
    ids = [p.care_leaver_id for p in plans]
    people = await repo.people(ids)
    advisers = {
        person_id: UserRef(id=user.id, display_name=user.display_name)
        for person_id, user in (await CareLeaverRepository(session).current_advisers(ids, today)).items()
    }
    return people, advisers


async def _audit_list(
    session: AsyncSession, principal: Principal, what: str, plans: list[PathwayPlan]
) -> None:
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        what,
        plans,
        local_authority_id=principal.local_authority_id,
        details={"count": len(plans)},
    )


async def reviews_due(
    session: AsyncSession,
    principal: Principal,
    *,
    adviser_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    due_before: date | None,
    limit: int,
    cursor: Position | None,
) -> Window[ReviewDueItem]:
    """Current plans by review date, soonest (most overdue) first."""
    today = uk_today()
    window = await PlanRepository(session).reviews_due(
        principal,
        today,
        adviser_id=adviser_id,
        team_id=team_id,
        due_before=due_before,
        limit=limit,
        cursor=cursor,
    )
    people, advisers = await _people_and_advisers(session, window.items, today)
    await _audit_list(session, principal, "pathway_plan_review", window.items)

    def item(plan: PathwayPlan) -> ReviewDueItem:
        review = review_of(plan, today)
        assert review is not None  # the query finds authorised plans with a review date
        return ReviewDueItem(
            plan_id=plan.id,
            care_leaver_id=plan.care_leaver_id,
            name=people[plan.care_leaver_id].display_name,
            adviser=advisers.get(plan.care_leaver_id),
            version=plan.version,
            authorised_on=uk_date(plan.authorised_at) or review.due_on,
            review_due_on=review.due_on,
            review_due_reason=review.reason,
            trigger_on=review.trigger_on,
            explanation=review.explanation,
            days_overdue=review.days_overdue,
        )

    return window.map(item)


async def list_plans(
    session: AsyncSession,
    principal: Principal,
    *,
    statuses: Collection[PlanStatus],
    adviser_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    limit: int,
    cursor: Position | None,
) -> Window[PlanListItem]:
    """Plan versions of the people you may see, most recently changed first."""
    today = uk_today()
    window = await PlanRepository(session).plans_visible(
        principal,
        today,
        statuses=statuses,
        adviser_id=adviser_id,
        team_id=team_id,
        limit=limit,
        cursor=cursor,
    )
    people, advisers = await _people_and_advisers(session, window.items, today)
    await _audit_list(session, principal, "pathway_plan", window.items)
    return window.map(
        lambda plan: PlanListItem(
            id=plan.id,
            care_leaver_id=plan.care_leaver_id,
            name=people[plan.care_leaver_id].display_name,
            adviser=advisers.get(plan.care_leaver_id),
            version=plan.version,
            status=plan.status,
            created_at=plan.created_at,
            updated_at=plan.updated_at,
            submitted_at=plan.submitted_at,
            authorised_at=plan.authorised_at,
            review_due_on=plan.review_due_on,
        )
    )
