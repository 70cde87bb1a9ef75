"""Pathway plans as stored: one row per version, with its sections, goals and actions.

A version's content changes only while it is a draft; once submitted it is fixed, and the database
refuses any change to an authorised or superseded version's content (triggers in migration 0008).
What happens after authorisation is added beside the content, never written into it: the young
person's comments, and progress on actions.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base, IdMixin
from app.pathway_plans.enums import ActionOwner, ActionStatus, PlanStatus, ReviewReason, SectionKind


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class PathwayPlan(IdMixin, Base):
    """One version of a young person's pathway plan. Version 1 is the first plan; each review adds one."""

    __tablename__ = "pathway_plan"
    __table_args__ = (
        UniqueConstraint("care_leaver_id", "version"),
        # One current plan per young person, and at most one version being worked on.
        Index(
            "uq_pathway_plan_authorised",
            "care_leaver_id",
            unique=True,
            postgresql_where=text("status = 'authorised'"),
            sqlite_where=text("status = 'authorised'"),
        ),
        Index(
            "uq_pathway_plan_open",
            "care_leaver_id",
            unique=True,
            postgresql_where=text("status IN ('draft', 'submitted')"),
            sqlite_where=text("status IN ('draft', 'submitted')"),
        ),
        Index("ix_pathway_plan_review_due", "local_authority_id", "status", "review_due_on"),
        Index("ix_pathway_plan_authorised_at", "care_leaver_id", "authorised_at"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    version: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus))
    # Bumped on every change to what a read of this version shows: the ETag is (id, revision).
    revision: Mapped[int] = mapped_column(default=1)
    previous_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pathway_plan.id"))

    contingency_plan: Mapped[str | None] = mapped_column(Text)
    # [{"name", "relationship", "how_they_help"}]: the people the young person wants involved.
    people_involved: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Everyone who wrote this version (created, edited or submitted it): none of them may authorise it.
    contributors: Mapped[list[str]] = mapped_column(JSON, default=list)

    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    returned_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)
    authorised_at: Mapped[datetime | None]
    authorised_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    superseded_at: Mapped[datetime | None]

    # Kept on the authorised version so lists filter and sort on it (app.pathway_plans.reviews).
    review_due_on: Mapped[date | None]
    review_due_reason: Mapped[ReviewReason | None] = mapped_column(_enum(ReviewReason))
    review_trigger_on: Mapped[date | None]


class PlanSection(IdMixin, Base):
    __tablename__ = "pathway_plan_section"
    __table_args__ = (UniqueConstraint("plan_id", "kind"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan.id"))
    kind: Mapped[SectionKind] = mapped_column(_enum(SectionKind))
    needs_and_risks: Mapped[str | None] = mapped_column(Text)
    going_well: Mapped[str | None] = mapped_column(Text)
    young_person_views: Mapped[str | None] = mapped_column(Text)  # their own words, as the PA wrote them


class PlanGoal(IdMixin, Base):
    __tablename__ = "pathway_plan_goal"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan.id"), index=True)
    # Indexed: editing a draft's section deletes its goals by section (and PostgreSQL checks the key).
    section_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan_section.id"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(Text)


class PlanAction(IdMixin, Base):
    """What, who, by when, and the status as written in this version (progress since: `ActionUpdate`)."""

    __tablename__ = "pathway_plan_action"
    __table_args__ = (Index("ix_pathway_plan_action_plan_due", "plan_id", "due_on"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan.id"))
    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan_goal.id"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[ActionOwner] = mapped_column(_enum(ActionOwner))
    partner_name: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus))
    dropped_reason: Mapped[str | None] = mapped_column(Text)


class ActionUpdate(IdMixin, Base):
    """Progress on an action of an authorised plan: append-only; the latest is the action's status."""

    __tablename__ = "pathway_plan_action_update"
    __table_args__ = (Index("ix_pathway_plan_action_update_action", "action_id", "recorded_at"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan.id"), index=True)
    action_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan_action.id"))
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    by_young_person: Mapped[bool] = mapped_column(default=False)


class PlanComment(IdMixin, Base):
    """The young person's own comment on a section of an authorised plan: theirs, kept with the version."""

    __tablename__ = "pathway_plan_comment"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_plan.id"), index=True)
    section: Mapped[SectionKind] = mapped_column(_enum(SectionKind))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
