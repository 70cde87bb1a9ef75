"""Between reviews: the young person's comments and progress on actions, kept beside the authorised plan
(whose content never changes) and shown with it. One audit event per request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.auth.policy import may_write
from app.auth.principal import Principal
from app.care_leavers.errors import ReadOnlyAccess
from app.core.clock import uk_today, utc_now
from app.core.errors import InvalidInput, field_error
from app.pathway_plans.enums import ActionOwner, ActionStatus, PlanStatus
from app.pathway_plans.errors import ActionDropped, ActionNotFound, NotCurrent, NotYourAction, PlanNotFound
from app.pathway_plans.models import ActionUpdate, PlanComment
from app.pathway_plans.repository import PlanRepository, current_status
from app.pathway_plans.schemas import ActionProgressCreate, ActionRead, CommentCreate, CommentRead
from app.pathway_plans.service import NOT_FOUND, audit, is_young_person, plan_for_read
from app.pathway_plans.views import action_read

# What a young person may record on their own actions; dropping one is agreed with their adviser.
YOUNG_PERSON_PROGRESS = frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE})


async def add_comment(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, body: CommentCreate
) -> CommentRead:
    """The young person's own words on a section of their current plan, kept with that version."""
    plan, person, _ = await plan_for_read(session, principal, plan_id)
    if plan.status is not PlanStatus.AUTHORISED:
        raise NotCurrent("You can comment on your current plan; this one has been replaced by a newer one.")
    repo = PlanRepository(session)
    if body.section not in await repo.section_kinds(plan.id):
        raise InvalidInput(
            "Your plan has no section like that.",
            errors=[field_error("section", "not a section of this plan")],
        )
    comment = PlanComment(
        local_authority_id=plan.local_authority_id,
        plan_id=plan.id,
        section=body.section,
        body=body.body,
        created_at=utc_now(),
        created_by=principal.user_id,
    )
    session.add(comment)
    if not await repo.touch(plan, while_status=PlanStatus.AUTHORISED):
        raise NotCurrent("This plan was replaced by a newer one a moment ago: comment on the new one.")
    await audit(
        session,
        principal,
        AuditAction.CREATE,
        person,
        comment.id,
        resource="pathway_plan_comment",
        details={"plan_id": str(plan.id), "section": body.section.value},
    )
    return CommentRead.model_validate(comment, from_attributes=True)


async def record_progress(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, body: ActionProgressCreate
) -> ProgressRecorded:
    """Progress on an action of the current plan, beside the plan (its content never changes): by staff
    who may change the record, or by the young person on their own actions."""
    plan, person, scope = await plan_for_read(session, principal, plan_id)
    young_person = is_young_person(principal, person)
    if not young_person and not may_write(principal, scope):
        raise ReadOnlyAccess("Only their personal adviser, team manager or an admin records progress.")
    if plan.status is not PlanStatus.AUTHORISED:
        raise NotCurrent("Progress is recorded on the current plan; a draft is changed by editing it.")
    repo = PlanRepository(session)
    action = await repo.action(plan.id, body.action_id)
    if action is None:
        raise ActionNotFound("This plan has no action with that id.")
    if young_person:
        if action.owner is not ActionOwner.YOUNG_PERSON:
            raise NotYourAction("This is not one of your actions; ask your personal adviser about it.")
        if body.status not in YOUNG_PERSON_PROGRESS:
            raise InvalidInput(
                "You can mark your own actions started or done; talk to your personal adviser about the rest.",
                errors=[field_error("status", "in_progress or done")],
            )
        latest = (await repo.latest_progress([plan.id])).get(action.id)
        if current_status(action, latest)[0] is ActionStatus.DROPPED:
            # Dropping was agreed with their adviser; taking it up again is agreed the same way.
            raise ActionDropped(
                "This action was dropped with your adviser; talk to them to take it up again."
            )
    update = ActionUpdate(
        local_authority_id=plan.local_authority_id,
        plan_id=plan.id,
        action_id=action.id,
        status=body.status,
        note=body.note,
        recorded_at=utc_now(),
        recorded_by=principal.user_id,
        by_young_person=young_person,
    )
    session.add(update)
    if not await repo.touch(plan, while_status=PlanStatus.AUTHORISED):
        raise NotCurrent(
            "This plan was replaced by a newer one a moment ago: record progress on the new one."
        )
    await audit(
        session,
        principal,
        AuditAction.UPDATE,
        person,
        action.id,
        resource="pathway_plan_action",
        details={"plan_id": str(plan.id), "status": body.status.value},
    )
    return ProgressRecorded(update.id, action_read(action, update, uk_today()))


@dataclass(frozen=True, slots=True)
class ProgressRecorded:
    update_id: uuid.UUID  # what an Idempotency-Key remembers
    action: ActionRead


# Retries: with an Idempotency-Key, a phone that lost the answer gets what its first request made.


async def recorded_comment(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, comment_id: uuid.UUID
) -> CommentRead:
    plan, person, _ = await plan_for_read(session, principal, plan_id)
    comment = await session.get(PlanComment, comment_id)
    if comment is None or comment.plan_id != plan.id:
        raise PlanNotFound(NOT_FOUND)
    await audit(session, principal, AuditAction.READ, person, comment.id, resource="pathway_plan_comment")
    return CommentRead.model_validate(comment, from_attributes=True)


async def recorded_progress(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID, update_id: uuid.UUID
) -> ProgressRecorded:
    plan, person, _ = await plan_for_read(session, principal, plan_id)
    update = await session.get(ActionUpdate, update_id)
    action = await PlanRepository(session).action(plan.id, update.action_id) if update is not None else None
    if update is None or action is None:
        raise PlanNotFound(NOT_FOUND)
    await audit(session, principal, AuditAction.READ, person, action.id, resource="pathway_plan_action")
    return ProgressRecorded(update.id, action_read(action, update, uk_today()))
