"""Pathway plans for the test world, written straight to the database as the lifecycle leaves them.

p_a1: version 1 authorised (written by pa_a1, authorised by manager_a) and version 2, a complete draft
(its review, by pa_a1). p_a2: version 1 submitted by pa_a2, waiting for a manager. Content is written
while a version is a draft; the database refuses it afterwards (migration 0008).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import UserAccount
from app.care_leavers.models import CareLeaver
from app.core.clock import uk_today, utc_now
from app.core.dates import add_months
from app.pathway_plans.enums import CORE_SECTIONS, ActionOwner, ActionStatus, PlanStatus, ReviewReason
from app.pathway_plans.models import PathwayPlan, PlanAction, PlanGoal, PlanSection
from tests.support.world import World


async def plan_version(
    session: AsyncSession,
    person: CareLeaver,
    author: UserAccount,
    *,
    version: int = 1,
    status: PlanStatus = PlanStatus.DRAFT,
    authoriser: UserAccount | None = None,
    adviser_action_due_on: date | None = None,
) -> PathwayPlan:
    """A complete version (every core section assessed, a contingency, one goal with an action each for
    the young person and their adviser), taken through the lifecycle as far as `status`."""
    now = utc_now()
    plan = PathwayPlan(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        version=version,
        status=PlanStatus.DRAFT,
        contingency_plan="If the move falls through, supported lodgings are extended.",
        people_involved=[{"name": "Jess", "relationship": "Sister", "how_they_help": None}],
        contributors=[str(author.id)],
        created_at=now,
        created_by=author.id,
        updated_at=now,
    )
    session.add(plan)
    await session.flush()
    sections = [
        PlanSection(
            local_authority_id=plan.local_authority_id,
            plan_id=plan.id,
            kind=kind,
            needs_and_risks="Assessed.",
        )
        for kind in CORE_SECTIONS
    ]
    session.add_all(sections)
    await session.flush()
    goal = PlanGoal(
        local_authority_id=plan.local_authority_id,
        plan_id=plan.id,
        section_id=sections[0].id,
        position=0,
        description="Own tenancy by April",
    )
    session.add(goal)
    await session.flush()
    for position, owner in enumerate((ActionOwner.YOUNG_PERSON, ActionOwner.PERSONAL_ADVISER)):
        session.add(
            PlanAction(
                local_authority_id=plan.local_authority_id,
                plan_id=plan.id,
                goal_id=goal.id,
                position=position,
                description=f"Action for the {owner.value.replace('_', ' ')}",
                owner=owner,
                due_on=(
                    adviser_action_due_on
                    if adviser_action_due_on and owner is ActionOwner.PERSONAL_ADVISER
                    else uk_today() + timedelta(days=14)
                ),
                status=ActionStatus.NOT_STARTED,
            )
        )
    await session.flush()
    if status is not PlanStatus.DRAFT:
        plan.status, plan.submitted_at, plan.submitted_by = PlanStatus.SUBMITTED, now, author.id
        await session.flush()
    if status is PlanStatus.AUTHORISED and authoriser is not None:
        plan.status, plan.authorised_at, plan.authorised_by = PlanStatus.AUTHORISED, now, authoriser.id
        plan.review_due_on, plan.review_due_reason = add_months(uk_today(), 6), ReviewReason.SIX_MONTHLY
        await session.flush()
    return plan


async def add_plans(session: AsyncSession, world: World) -> None:
    """The world's plans (see the module docstring), and the young person's action of p_a1's current plan."""
    people, users = world.people, world.users
    current = await plan_version(
        session, people["p_a1"], users["pa_a1"], status=PlanStatus.AUTHORISED, authoriser=users["manager_a"]
    )
    review = await plan_version(session, people["p_a1"], users["pa_a1"], version=2)
    review.previous_version_id = current.id
    submitted = await plan_version(session, people["p_a2"], users["pa_a2"], status=PlanStatus.SUBMITTED)
    await session.flush()
    world.plans = {"p_a1_current": current, "p_a1_review": review, "p_a2_submitted": submitted}
    own = select(PlanAction.id).where(
        PlanAction.plan_id == current.id, PlanAction.owner == ActionOwner.YOUNG_PERSON
    )
    world.plan_actions = {"p_a1_young_person": (await session.execute(own)).scalar_one()}
