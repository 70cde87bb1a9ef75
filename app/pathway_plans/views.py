"""Loaded plans turned into what clients read: the staff representation and the young person's view."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from app.auth.models import UserAccount
from app.care_leavers.models import CareLeaver
from app.core.clock import UK
from app.pathway_plans.enums import FINISHED, ActionOwner, PlanStatus, ReviewReason, SectionKind
from app.pathway_plans.models import ActionUpdate, PathwayPlan, PlanAction, PlanGoal
from app.pathway_plans.repository import PlanContent, current_status
from app.pathway_plans.reviews import EXPLANATIONS
from app.pathway_plans.schemas import (
    ActionRead,
    CommentRead,
    GoalRead,
    MyAction,
    MyGoal,
    MyPlan,
    MySection,
    PersonInvolvedRead,
    PlanRead,
    ReviewRead,
    SectionRead,
    UserRef,
)
from app.pathway_plans.wording import PLAIN_STATUS, PLAIN_TITLES, TITLES, plain_owner

DUE_NEXT = 5  # how many open actions the young person's summary lists


@dataclass(frozen=True, slots=True)
class LoadedPlan:
    """A version with everything its representation shows."""

    plan: PathwayPlan
    content: PlanContent
    users: dict[uuid.UUID, UserAccount]
    person: CareLeaver
    adviser: UserAccount | None  # the young person's current adviser


def etag(plan: PathwayPlan) -> str:
    """A strong ETag: the version and its revision, which every change to what a read shows increments."""
    return f'"{plan.id}.{plan.revision}"'


def uk_date(moment: datetime | None) -> date | None:
    """The date in the UK at `moment`: councils count days in Europe/London."""
    return moment.astimezone(UK).date() if moment is not None else None


def review_of(plan: PathwayPlan, today: date) -> ReviewRead | None:
    """The next review of the current plan; a draft, or a version already replaced, has none."""
    if (
        plan.status is not PlanStatus.AUTHORISED
        or plan.review_due_on is None
        or plan.review_due_reason is None
    ):
        return None
    reason = ReviewReason(plan.review_due_reason)
    return ReviewRead(
        due_on=plan.review_due_on,
        reason=reason,
        trigger_on=plan.review_trigger_on,
        explanation=EXPLANATIONS[reason],
        days_overdue=max(0, (today - plan.review_due_on).days),
    )


def _user(users: dict[uuid.UUID, UserAccount], user_id: uuid.UUID | None) -> UserRef | None:
    user = users.get(user_id) if user_id is not None else None
    return UserRef(id=user.id, display_name=user.display_name) if user else None


def action_read(action: PlanAction, latest: ActionUpdate | None, today: date) -> ActionRead:
    """The action as written, with the latest progress recorded on it (if any)."""
    status, reason = current_status(action, latest)
    return ActionRead(
        id=action.id,
        description=action.description,
        owner=ActionOwner(action.owner),
        partner_name=action.partner_name,
        due_on=action.due_on,
        status=status,
        dropped_reason=reason,
        status_updated_at=latest.recorded_at if latest else None,
        overdue=action.due_on < today and status not in FINISHED,
    )


@dataclass(frozen=True, slots=True)
class _Grouped:
    goals: dict[uuid.UUID, list[PlanGoal]]  # by section id, in order
    actions: dict[uuid.UUID, list[PlanAction]]  # by goal id, in order
    comments: dict[SectionKind, list[CommentRead]]


def _grouped(content: PlanContent) -> _Grouped:
    """The version's goals, actions and comments grouped once, whatever the size of the plan."""
    goals: dict[uuid.UUID, list[PlanGoal]] = defaultdict(list)
    actions: dict[uuid.UUID, list[PlanAction]] = defaultdict(list)
    comments: dict[SectionKind, list[CommentRead]] = defaultdict(list)
    for goal in content.goals:
        goals[goal.section_id].append(goal)
    for action in content.actions:
        actions[action.goal_id].append(action)
    for comment in content.comments:
        comments[SectionKind(comment.section)].append(
            CommentRead.model_validate(comment, from_attributes=True)
        )
    return _Grouped(goals, actions, comments)


def plan_read(loaded: LoadedPlan, today: date) -> PlanRead:
    plan, content = loaded.plan, loaded.content
    grouped = _grouped(content)
    sections = []
    for section in content.sections:
        goals = [
            GoalRead(
                id=goal.id,
                description=goal.description,
                actions=[
                    action_read(a, loaded.content.progress.get(a.id), today) for a in grouped.actions[goal.id]
                ],
            )
            for goal in grouped.goals[section.id]
        ]
        kind = SectionKind(section.kind)
        sections.append(
            SectionRead(
                kind=kind,
                title=TITLES[kind],
                needs_and_risks=section.needs_and_risks,
                going_well=section.going_well,
                young_person_views=section.young_person_views,
                goals=goals,
                comments=grouped.comments[kind],
            )
        )
    return PlanRead(
        id=plan.id,
        etag=etag(plan),
        care_leaver_id=plan.care_leaver_id,
        version=plan.version,
        status=plan.status,
        previous_version_id=plan.previous_version_id,
        created_at=plan.created_at,
        created_by=_user(loaded.users, plan.created_by),
        updated_at=plan.updated_at,
        submitted_at=plan.submitted_at,
        submitted_by=_user(loaded.users, plan.submitted_by),
        # The manager's note to the adviser matters while the draft is reworked; once resubmitted it is
        # history (kept on the row, and the return is in the audit trail), never shown with a live plan.
        returned_at=plan.returned_at if plan.status is PlanStatus.DRAFT else None,
        return_reason=plan.return_reason if plan.status is PlanStatus.DRAFT else None,
        authorised_at=plan.authorised_at,
        authorised_by=_user(loaded.users, plan.authorised_by),
        superseded_at=plan.superseded_at,
        review=review_of(plan, today),
        contingency_plan=plan.contingency_plan,
        people_involved=[PersonInvolvedRead.model_validate(p) for p in plan.people_involved],
        sections=sections,
    )


def _my_action(action: PlanAction, loaded: LoadedPlan, today: date) -> MyAction:
    read = action_read(action, loaded.content.progress.get(action.id), today)
    return MyAction(
        id=read.id,
        what=read.description,
        who=plain_owner(
            read.owner, read.partner_name, loaded.adviser.display_name if loaded.adviser else None
        ),
        by=read.due_on,
        status=read.status,
        status_text=PLAIN_STATUS[read.status],
        overdue=read.overdue,
        yours=read.owner is ActionOwner.YOUNG_PERSON,
    )


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def my_plan(loaded: LoadedPlan, today: date) -> MyPlan:
    """The young person's own view: their authorised plan in plain words, and what is due next."""
    plan, content = loaded.plan, loaded.content
    grouped = _grouped(content)
    sections = []
    for section in content.sections:
        kind = SectionKind(section.kind)
        goals = [
            MyGoal(
                goal=goal.description,
                actions=[_my_action(a, loaded, today) for a in grouped.actions[goal.id]],
            )
            for goal in grouped.goals[section.id]
        ]
        sections.append(
            MySection(
                kind=kind,
                title=PLAIN_TITLES[kind],
                what_you_need=section.needs_and_risks,
                going_well=section.going_well,
                in_your_words=section.young_person_views,
                goals=goals,
                your_comments=grouped.comments[kind],
            )
        )
    open_actions = sorted(
        (a for a in (_my_action(x, loaded, today) for x in content.actions) if a.status not in FINISHED),
        key=lambda a: (a.by, a.what),
    )
    review = review_of(plan, today)
    agreed_on = uk_date(plan.authorised_at) or plan.created_at.date()
    return MyPlan(
        plan_id=plan.id,
        version=plan.version,
        agreed_on=agreed_on,
        next_review_on=review.due_on if review else None,
        next_review_why=review.explanation if review else None,
        summary=_summary(agreed_on, open_actions, review),
        due_next=open_actions[:DUE_NEXT],
        sections=sections,
        if_things_go_wrong=plan.contingency_plan,
        people_you_want_involved=[PersonInvolvedRead.model_validate(p) for p in plan.people_involved],
    )


def _summary(agreed_on: date, open_actions: list[MyAction], review: ReviewRead | None) -> str:
    parts = [f"Your plan was agreed on {_long(agreed_on)}."]
    yours = [a for a in open_actions if a.yours]
    late = [a for a in yours if a.overdue]
    if late:
        parts.append(
            f"{len(late)} of your things to do {'is' if len(late) == 1 else 'are'} past the date you agreed."
        )
    elif yours:
        things = "thing" if len(yours) == 1 else "things"
        parts.append(f"You have {len(yours)} {things} to do; the next is due by {_long(yours[0].by)}.")
    else:
        parts.append("You have nothing left to do on your plan right now.")
    if review is not None:
        parts.append(f"Your next review is by {_long(review.due_on)}.")
    return " ".join(parts)
