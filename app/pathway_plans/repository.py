"""All SQL about pathway plans. Lists of people are scoped with `app.care_leavers.repository.visible_people`."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import UserAccount
from app.auth.principal import Principal
from app.care_leavers.enums import CircumstanceKind
from app.care_leavers.models import AdviserAllocation, CareLeaver, Circumstance, LegalStatusOverride
from app.care_leavers.repository import allocation_in_force, visible_people
from app.core.clock import utc_now
from app.db.pagination import Position, SortKey, Window, keyset_page
from app.pathway_plans.enums import FINISHED, ActionOwner, ActionStatus, PlanStatus, SectionKind
from app.pathway_plans.models import (
    ActionUpdate,
    PathwayPlan,
    PlanAction,
    PlanComment,
    PlanGoal,
    PlanSection,
)
from app.pathway_plans.schemas import SectionWrite

NEWEST_VERSION_FIRST = SortKey("-version", (PathwayPlan.version, PathwayPlan.id), descending=True)
SOONEST_REVIEW_FIRST = SortKey("review_due_on", (PathwayPlan.review_due_on, PathwayPlan.id))
RECENTLY_CHANGED_FIRST = SortKey("-updated_at", (PathwayPlan.updated_at, PathwayPlan.id), descending=True)

# The circumstances that can bring a review forward (app.pathway_plans.reviews).
TRIGGER_KINDS = (CircumstanceKind.RESIDENCE, CircumstanceKind.HIGHER_EDUCATION, CircumstanceKind.PARENTHOOD)


@dataclass
class PlanContent:
    """A version's sections with their goals and actions, the young person's comments, and progress."""

    sections: list[PlanSection] = field(default_factory=list)
    goals: list[PlanGoal] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    comments: list[PlanComment] = field(default_factory=list)
    progress: dict[uuid.UUID, ActionUpdate] = field(default_factory=dict)  # latest per action


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, plan_id: uuid.UUID) -> PathwayPlan | None:
        return await self.session.get(PathwayPlan, plan_id, populate_existing=True)

    async def of_status(
        self, care_leaver_id: uuid.UUID, statuses: Collection[PlanStatus]
    ) -> PathwayPlan | None:
        stmt = select(PathwayPlan).where(
            PathwayPlan.care_leaver_id == care_leaver_id, PathwayPlan.status.in_(statuses)
        )
        return (await self.session.execute(stmt)).scalars().first()

    async def authorised_of(self, care_leaver_ids: Collection[uuid.UUID]) -> list[PathwayPlan]:
        """The current authorised plan of each of these people who has one: one query."""
        if not care_leaver_ids:
            return []
        stmt = select(PathwayPlan).where(
            PathwayPlan.care_leaver_id.in_(set(care_leaver_ids)), PathwayPlan.status == PlanStatus.AUTHORISED
        )
        return list((await self.session.execute(stmt)).scalars())

    async def last_version_number(self, care_leaver_id: uuid.UUID) -> int:
        stmt = select(func.max(PathwayPlan.version)).where(PathwayPlan.care_leaver_id == care_leaver_id)
        return int((await self.session.execute(stmt)).scalar_one() or 0)

    async def versions(
        self,
        care_leaver_id: uuid.UUID,
        statuses: Collection[PlanStatus] | None,
        *,
        limit: int,
        cursor: Position | None,
    ) -> Window[PathwayPlan]:
        stmt = select(PathwayPlan).where(PathwayPlan.care_leaver_id == care_leaver_id)
        if statuses is not None:
            stmt = stmt.where(PathwayPlan.status.in_(statuses))
        return await keyset_page(self.session, stmt, NEWEST_VERSION_FIRST, limit=limit, cursor=cursor)

    async def content(self, plan_id: uuid.UUID) -> PlanContent:
        """Everything a read of the version shows, in five queries whatever its size."""
        sections = await self._all(select(PlanSection).where(PlanSection.plan_id == plan_id))
        goals = await self._all(
            select(PlanGoal).where(PlanGoal.plan_id == plan_id).order_by(PlanGoal.position)
        )
        actions = await self._all(
            select(PlanAction).where(PlanAction.plan_id == plan_id).order_by(PlanAction.position)
        )
        comments = await self._all(
            select(PlanComment)
            .where(PlanComment.plan_id == plan_id)
            .order_by(PlanComment.created_at, PlanComment.id)
        )
        progress = await self.latest_progress([plan_id])
        order = list(SectionKind)
        sections.sort(key=lambda s: order.index(SectionKind(s.kind)))
        return PlanContent(sections, goals, actions, comments, progress)

    async def section_kinds(self, plan_id: uuid.UUID) -> set[SectionKind]:
        stmt = select(PlanSection.kind).where(PlanSection.plan_id == plan_id)
        return {SectionKind(kind) for kind in (await self.session.execute(stmt)).scalars()}

    async def _all(self, stmt: Any) -> list[Any]:
        return list((await self.session.execute(stmt)).scalars())

    async def latest_progress(self, plan_ids: list[uuid.UUID]) -> dict[uuid.UUID, ActionUpdate]:
        """The latest progress recorded on each action of these versions, in one query."""
        if not plan_ids:
            return {}
        ranked = (
            select(
                ActionUpdate.id,
                func.row_number()
                .over(
                    partition_by=ActionUpdate.action_id,
                    order_by=(ActionUpdate.recorded_at.desc(), ActionUpdate.id.desc()),
                )
                .label("rank"),
            )
            .where(ActionUpdate.plan_id.in_(plan_ids))
            .subquery()
        )
        stmt = select(ActionUpdate).join(ranked, ranked.c.id == ActionUpdate.id).where(ranked.c.rank == 1)
        return {u.action_id: u for u in (await self.session.execute(stmt)).scalars()}

    async def advance(
        self,
        plan: PathwayPlan,
        expected_revision: int,
        statuses: Collection[PlanStatus],
        values: dict[str, Any],
    ) -> bool:
        """Change the version only if nobody changed it since `expected_revision` and it is in one of
        `statuses`: one conditional UPDATE, so two writers with the same ETag cannot both succeed."""
        await self.session.flush()
        stmt = (
            update(PathwayPlan)
            .where(
                PathwayPlan.id == plan.id,
                PathwayPlan.revision == expected_revision,
                PathwayPlan.status.in_(statuses),
            )
            .values(revision=PathwayPlan.revision + 1, updated_at=utc_now(), **values)
            .execution_options(synchronize_session=False)
        )
        result = cast(CursorResult[Any], await self.session.execute(stmt))
        changed = result.rowcount == 1
        await self.session.refresh(plan)
        return changed

    async def touch(
        self,
        plan: PathwayPlan,
        values: dict[str, Any] | None = None,
        *,
        while_status: PlanStatus | None = None,
    ) -> bool:
        """A change beside the content (a comment, progress, the review date): a new revision, so a new ETag.

        With `while_status`, only if the version still has it (False otherwise): a comment or progress
        racing an authorisation that supersedes the version fails instead of landing on an old plan.
        """
        await self.session.flush()
        stmt = (
            update(PathwayPlan)
            .where(PathwayPlan.id == plan.id)
            .values(revision=PathwayPlan.revision + 1, updated_at=utc_now(), **(values or {}))
            .execution_options(synchronize_session=False)
        )
        if while_status is not None:
            stmt = stmt.where(PathwayPlan.status == while_status)
        result = cast(CursorResult[Any], await self.session.execute(stmt))
        await self.session.refresh(plan)
        return result.rowcount == 1

    async def write_section(self, plan: PathwayPlan, kind: SectionKind, body: SectionWrite | None) -> None:
        """Replace one section of a draft (its goals and actions too); None removes it."""
        section = (
            await self.session.execute(
                select(PlanSection).where(PlanSection.plan_id == plan.id, PlanSection.kind == kind)
            )
        ).scalar_one_or_none()
        if section is not None:
            goal_ids = select(PlanGoal.id).where(PlanGoal.section_id == section.id)
            await self.session.execute(delete(PlanAction).where(PlanAction.goal_id.in_(goal_ids)))
            await self.session.execute(delete(PlanGoal).where(PlanGoal.section_id == section.id))
            if body is None:
                await self.session.delete(section)
                await self.session.flush()
                return
        if body is None:
            return
        if section is None:
            section = PlanSection(local_authority_id=plan.local_authority_id, plan_id=plan.id, kind=kind)
            self.session.add(section)
        section.needs_and_risks = body.needs_and_risks
        section.going_well = body.going_well
        section.young_person_views = body.young_person_views
        await self.session.flush()
        for position, goal_body in enumerate(body.goals):
            goal = PlanGoal(
                local_authority_id=plan.local_authority_id,
                plan_id=plan.id,
                section_id=section.id,
                position=position,
                description=goal_body.description,
            )
            self.session.add(goal)
            await self.session.flush()
            for index, action in enumerate(goal_body.actions):
                self.session.add(
                    PlanAction(
                        local_authority_id=plan.local_authority_id,
                        plan_id=plan.id,
                        goal_id=goal.id,
                        position=index,
                        **action.model_dump(),
                    )
                )
        await self.session.flush()

    async def add_empty_sections(self, plan: PathwayPlan, kinds: Iterable[SectionKind]) -> None:
        for kind in kinds:
            self.session.add(
                PlanSection(local_authority_id=plan.local_authority_id, plan_id=plan.id, kind=kind)
            )
        await self.session.flush()

    async def copy_content(self, source: PathwayPlan, target: PathwayPlan) -> None:
        """A review starts from the authorised plan: its sections, goals and actions, each action with the
        progress made since. The young person's comments stay with the version they were made on."""
        content = await self.content(source.id)
        section_ids: dict[uuid.UUID, uuid.UUID] = {}
        for section in content.sections:
            copy = PlanSection(
                local_authority_id=target.local_authority_id,
                plan_id=target.id,
                kind=section.kind,
                needs_and_risks=section.needs_and_risks,
                going_well=section.going_well,
                young_person_views=section.young_person_views,
            )
            self.session.add(copy)
            await self.session.flush()
            section_ids[section.id] = copy.id
        goal_ids: dict[uuid.UUID, uuid.UUID] = {}
        for goal in content.goals:
            goal_copy = PlanGoal(
                local_authority_id=target.local_authority_id,
                plan_id=target.id,
                section_id=section_ids[goal.section_id],
                position=goal.position,
                description=goal.description,
            )
            self.session.add(goal_copy)
            await self.session.flush()
            goal_ids[goal.id] = goal_copy.id
        for action in content.actions:
            status, reason = current_status(action, content.progress.get(action.id))
            self.session.add(
                PlanAction(
                    local_authority_id=target.local_authority_id,
                    plan_id=target.id,
                    goal_id=goal_ids[action.goal_id],
                    position=action.position,
                    description=action.description,
                    owner=action.owner,
                    partner_name=action.partner_name,
                    due_on=action.due_on,
                    status=status,
                    dropped_reason=reason,
                )
            )
        await self.session.flush()

    async def carry_progress(self, source: PathwayPlan, target: PathwayPlan) -> int:
        """Progress recorded on the plan in force while its review was being written (after `target` was
        started from it) would otherwise stay behind on the superseded version. Each such latest update is
        carried to the action of `target` with the same owner and words (when exactly one matches) if it moves
        that action further on than the new version says: progress is never undone by carrying, and an action
        the author wrote as done or dropped stays as written. Returns how many were carried."""
        latest = {
            action_id: update
            for action_id, update in (await self.latest_progress([source.id])).items()
            if update.recorded_at >= target.created_at
        }
        if not latest:
            return 0
        old = await self._all(select(PlanAction).where(PlanAction.id.in_(list(latest))))
        new = await self._all(select(PlanAction).where(PlanAction.plan_id == target.id))
        by_words: dict[tuple[ActionOwner, str], list[PlanAction]] = {}
        for action in new:
            by_words.setdefault((ActionOwner(action.owner), action.description.strip()), []).append(action)
        carried = 0
        for action in old:
            matches = by_words.get((ActionOwner(action.owner), action.description.strip()), [])
            update = latest[action.id]
            if (
                len(matches) != 1
                or _STAGE[ActionStatus(update.status)] <= _STAGE[ActionStatus(matches[0].status)]
            ):
                continue
            self.session.add(
                ActionUpdate(
                    local_authority_id=target.local_authority_id,
                    plan_id=target.id,
                    action_id=matches[0].id,
                    status=update.status,
                    note=update.note,
                    recorded_at=update.recorded_at,
                    recorded_by=update.recorded_by,
                    by_young_person=update.by_young_person,
                )
            )
            carried += 1
        await self.session.flush()
        return carried

    async def action(self, plan_id: uuid.UUID, action_id: uuid.UUID) -> PlanAction | None:
        stmt = select(PlanAction).where(PlanAction.id == action_id, PlanAction.plan_id == plan_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def people(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, CareLeaver]:
        wanted = set(ids)
        if not wanted:
            return {}
        stmt = select(CareLeaver).where(CareLeaver.id.in_(wanted))
        return {p.id: p for p in (await self.session.execute(stmt)).scalars()}

    async def trigger_entries(
        self, care_leaver_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[Circumstance]]:
        """The entries that can call a review, per person, in one query for the whole batch."""
        found: dict[uuid.UUID, list[Circumstance]] = {i: [] for i in care_leaver_ids}
        if not found:
            return found
        stmt = select(Circumstance).where(
            Circumstance.care_leaver_id.in_(list(found)), Circumstance.kind.in_(TRIGGER_KINDS)
        )
        for entry in (await self.session.execute(stmt)).scalars():
            found[entry.care_leaver_id].append(entry)
        return found

    async def reviews_due(
        self,
        principal: Principal,
        today: date,
        *,
        adviser_id: uuid.UUID | None,
        team_id: uuid.UUID | None,
        due_before: date | None,
        limit: int,
        cursor: Position | None,
    ) -> Window[PathwayPlan]:
        people = visible_people(principal, today, adviser_id=adviser_id, team_id=team_id)
        stmt = select(PathwayPlan).where(
            PathwayPlan.status == PlanStatus.AUTHORISED,
            PathwayPlan.review_due_on.is_not(None),
            PathwayPlan.care_leaver_id.in_(people),
        )
        if due_before is not None:
            stmt = stmt.where(PathwayPlan.review_due_on < due_before)
        return await keyset_page(self.session, stmt, SOONEST_REVIEW_FIRST, limit=limit, cursor=cursor)

    async def plans_visible(
        self,
        principal: Principal,
        today: date,
        *,
        statuses: Collection[PlanStatus],
        adviser_id: uuid.UUID | None,
        team_id: uuid.UUID | None,
        limit: int,
        cursor: Position | None,
    ) -> Window[PathwayPlan]:
        people = visible_people(principal, today, adviser_id=adviser_id, team_id=team_id)
        stmt = select(PathwayPlan).where(
            PathwayPlan.status.in_(statuses), PathwayPlan.care_leaver_id.in_(people)
        )
        return await keyset_page(self.session, stmt, RECENTLY_CHANGED_FIRST, limit=limit, cursor=cursor)

    async def overdue_actions(self, plan_ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, int]:
        """Actions past their date and neither done nor dropped (after progress), per version: two queries."""
        if not plan_ids:
            return {}
        stmt = select(PlanAction).where(PlanAction.plan_id.in_(plan_ids), PlanAction.due_on < today)
        late = list((await self.session.execute(stmt)).scalars())
        progress = await self.latest_progress(plan_ids) if late else {}
        counts: dict[uuid.UUID, int] = {}
        for action in late:
            if current_status(action, progress.get(action.id))[0] not in FINISHED:
                counts[action.plan_id] = counts.get(action.plan_id, 0) + 1
        return counts

    # The measure (app.pathway_plans.report)

    async def cohort(
        self,
        local_authority_id: uuid.UUID,
        team_id: uuid.UUID | None,
        on: date,
        born_after: date,
        born_on_or_before: date,
    ) -> list[CareLeaver]:
        """Open cases of the council (or allocated on `on` to an adviser of the team) of an age to have a plan."""
        stmt = select(CareLeaver).where(
            CareLeaver.local_authority_id == local_authority_id,
            CareLeaver.date_of_birth > born_after,
            CareLeaver.date_of_birth <= born_on_or_before,
            or_(CareLeaver.closed_on.is_(None), CareLeaver.closed_on > on),
        )
        if team_id is not None:
            allocated = (
                select(AdviserAllocation.care_leaver_id)
                .join(UserAccount, UserAccount.id == AdviserAllocation.adviser_id)
                .where(UserAccount.team_id == team_id, allocation_in_force(on))
            )
            stmt = stmt.where(CareLeaver.id.in_(allocated))
        return list((await self.session.execute(stmt)).scalars())

    async def overrides_at(
        self, care_leaver_ids: list[uuid.UUID], at: datetime
    ) -> dict[uuid.UUID, LegalStatusOverride]:
        """The status override in force at `at` for each person (the latest recorded), in one query."""
        if not care_leaver_ids:
            return {}
        stmt = (
            select(LegalStatusOverride)
            .where(
                LegalStatusOverride.care_leaver_id.in_(care_leaver_ids),
                LegalStatusOverride.recorded_at < at,
                or_(LegalStatusOverride.ended_at.is_(None), LegalStatusOverride.ended_at >= at),
            )
            .order_by(LegalStatusOverride.recorded_at)
        )
        return {o.care_leaver_id: o for o in (await self.session.execute(stmt)).scalars()}

    async def last_authorised(
        self, care_leaver_ids: list[uuid.UUID], before: datetime
    ) -> dict[uuid.UUID, datetime]:
        """When each person's plan was last authorised before `before` (any version, superseded or not)."""
        if not care_leaver_ids:
            return {}
        stmt = (
            select(PathwayPlan.care_leaver_id, func.max(PathwayPlan.authorised_at))
            .where(
                PathwayPlan.care_leaver_id.in_(care_leaver_ids),
                and_(PathwayPlan.authorised_at.is_not(None), PathwayPlan.authorised_at < before),
            )
            .group_by(PathwayPlan.care_leaver_id)
        )
        rows = (await self.session.execute(stmt)).all()
        return {person_id: at for person_id, at in rows if at is not None}


# How far along an action is: carrying progress only ever moves it further.
_STAGE = {
    ActionStatus.NOT_STARTED: 0,
    ActionStatus.IN_PROGRESS: 1,
    ActionStatus.DONE: 2,
    ActionStatus.DROPPED: 2,
}


def current_status(action: PlanAction, latest: ActionUpdate | None) -> tuple[ActionStatus, str | None]:
    """An action's status now: the latest progress recorded on it, or the status written in the plan."""
    if latest is None:
        return ActionStatus(action.status), action.dropped_reason
    status = ActionStatus(latest.status)
    return status, latest.note if status is ActionStatus.DROPPED else None
