"""What clients send and receive about pathway plans."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.config import JsonDict

from app.care_leavers.enums import RecordStatus
from app.core.schemas import InputModel, IsoDate
from app.pathway_plans.enums import (
    CORE_SECTIONS,
    ActionOwner,
    ActionStatus,
    PlanStatus,
    ReviewReason,
    SectionKind,
)

LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
MediumText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

_PLAN_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f10"
_PERSON_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80"
_ACTION: JsonDict = {
    "description": "Book a viewing of the flat on Carlton Road",
    "owner": "young_person",
    "partner_name": None,
    "due_on": "2026-12-11",
    "status": "not_started",
    "dropped_reason": None,
}
_SECTION_WRITE: JsonDict = {
    "needs_and_risks": "Ash's supported lodgings end in March; she needs a home she can afford near college.",
    "going_well": "She has kept her room and paid her service charge on time since May.",
    "young_person_views": "I want my own flat but not too far from my sister.",
    "goals": [{"description": "Move into her own tenancy by April", "actions": [_ACTION]}],
}


# Requests


class PersonInvolved(InputModel):
    """Someone the young person wants involved in their plan (CLR 2010 Schedule 1 (1): personal support)."""

    name: ShortText
    relationship: ShortText | None = Field(default=None, description="Sister, foster carer, youth worker...")
    how_they_help: MediumText | None = None


class ActionWrite(InputModel):
    """What will be done, by whom and by when (CLR 2010 Schedule 1: how each need is met)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ACTION]})

    description: MediumText
    owner: ActionOwner
    partner_name: ShortText | None = Field(default=None, description="Who, when a partner does it")
    due_on: IsoDate
    status: ActionStatus = ActionStatus.NOT_STARTED
    dropped_reason: MediumText | None = Field(default=None, description="Why it was dropped")

    @model_validator(mode="after")
    def _consistent(self) -> ActionWrite:
        if (self.owner is ActionOwner.PARTNER) != (self.partner_name is not None):
            raise ValueError("partner_name names the partner, and only when the owner is a partner")
        if (self.status is ActionStatus.DROPPED) != (self.dropped_reason is not None):
            raise ValueError("a dropped action gives dropped_reason; others have none")
        return self


class GoalWrite(InputModel):
    description: MediumText
    actions: list[ActionWrite] = Field(default_factory=list, max_length=20)


class SectionWrite(InputModel):
    """One section, written whole: what is sent replaces what was there (goals and actions included)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SECTION_WRITE]})

    needs_and_risks: LongText | None = None
    going_well: LongText | None = None
    young_person_views: LongText | None = Field(default=None, description="The young person's own words")
    goals: list[GoalWrite] = Field(default_factory=list, max_length=20)


class PlanUpdate(InputModel):
    """Changes to a draft. Only the fields sent change; each section sent replaces that section, and a
    section set to null is removed (only the sections that apply where relevant can be removed)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "contingency_plan": "If the tenancy falls through, Ash stays in supported lodgings "
                    "(extension agreed with the provider) and we apply to the council's housing register.",
                    "sections": {"accommodation": _SECTION_WRITE, "parenting": None},
                }
            ]
        }
    )

    contingency_plan: LongText | None = None
    people_involved: list[PersonInvolved] | None = Field(default=None, max_length=30)
    sections: dict[SectionKind, SectionWrite | None] | None = None

    @model_validator(mode="after")
    def _core_sections_stay(self) -> PlanUpdate:
        removed = [k.value for k, v in (self.sections or {}).items() if v is None and k in CORE_SECTIONS]
        if removed:
            raise ValueError(
                f"every plan keeps these sections (send them empty instead): {', '.join(removed)}"
            )
        if "people_involved" in self.model_fields_set and self.people_involved is None:
            raise ValueError("people_involved is a list: send [] to remove everyone")
        return self


class PlanReturn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "Please add what happens if the college place falls through."}]
        }
    )

    reason: MediumText = Field(description="What the author should change before submitting again")


class CommentCreate(InputModel):
    """The young person's own comment on a section of their plan."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"section": "accommodation", "body": "I'd rather live near Bulwell, where my sister is."}
            ]
        }
    )

    section: SectionKind
    body: MediumText


class ActionProgressCreate(InputModel):
    """Progress on an action of the current plan. A young person marks their own actions done."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"action_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f31", "status": "done", "note": None}
            ]
        }
    )

    action_id: uuid.UUID
    status: ActionStatus
    note: MediumText | None = Field(default=None, description="Required when dropping it: why")

    @model_validator(mode="after")
    def _dropped_needs_reason(self) -> ActionProgressCreate:
        if self.status is ActionStatus.DROPPED and self.note is None:
            raise ValueError("say in note why the action is dropped")
        return self


# Responses


class UserRef(BaseModel):
    id: uuid.UUID
    display_name: str


class PersonInvolvedRead(BaseModel):
    name: str
    relationship: str | None = None
    how_they_help: str | None = None


class ActionRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_ACTION,
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f31",
                    "status": "done",
                    "status_updated_at": "2026-12-02T19:05:00+00:00",
                    "overdue": False,
                }
            ]
        }
    )

    id: uuid.UUID
    description: str
    owner: ActionOwner
    partner_name: str | None
    due_on: date
    status: ActionStatus = Field(description="The latest progress, or the status written in the plan")
    dropped_reason: str | None
    status_updated_at: datetime | None = Field(description="When progress was last recorded, if it was")
    overdue: bool = Field(description="Past its date and neither done nor dropped")


class GoalRead(BaseModel):
    id: uuid.UUID
    description: str
    actions: list[ActionRead]


class CommentRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f41",
                    "section": "accommodation",
                    "body": "I'd rather live near Bulwell, where my sister is.",
                    "created_at": "2026-10-20T18:30:00+00:00",
                }
            ]
        }
    )

    id: uuid.UUID
    section: SectionKind
    body: str
    created_at: datetime


class SectionRead(BaseModel):
    kind: SectionKind
    title: str
    needs_and_risks: str | None
    going_well: str | None
    young_person_views: str | None
    goals: list[GoalRead]
    comments: list[CommentRead] = Field(description="The young person's own comments on this section")


class ReviewRead(BaseModel):
    due_on: date
    reason: ReviewReason
    trigger_on: date | None = Field(description="When the change that brought the review forward happened")
    explanation: str
    days_overdue: int


_PLAN: JsonDict = {
    "id": _PLAN_ID,
    "etag": f'"{_PLAN_ID}.3"',
    "care_leaver_id": _PERSON_ID,
    "version": 2,
    "status": "authorised",
    "previous_version_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f01",
    "created_at": "2026-10-01T09:00:00+00:00",
    "created_by": {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70", "display_name": "Priya Adviser (demo)"},
    "updated_at": "2026-10-14T11:00:00+00:00",
    "submitted_at": "2026-10-10T16:00:00+00:00",
    "submitted_by": {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70", "display_name": "Priya Adviser (demo)"},
    "returned_at": None,
    "return_reason": None,
    "authorised_at": "2026-10-14T11:00:00+00:00",
    "authorised_by": {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e71", "display_name": "Morgan Manager (demo)"},
    "superseded_at": None,
    "review": {
        "due_on": "2027-04-14",
        "reason": "six_monthly",
        "trigger_on": None,
        "explanation": "Every plan is reviewed at least every six months.",
        "days_overdue": 0,
    },
    "contingency_plan": "If the tenancy falls through, Ash stays in supported lodgings.",
    "people_involved": [{"name": "Jess", "relationship": "Sister", "how_they_help": "Helps with forms"}],
    "sections": [
        {
            "kind": "accommodation",
            "title": "Accommodation",
            "needs_and_risks": _SECTION_WRITE["needs_and_risks"],
            "going_well": _SECTION_WRITE["going_well"],
            "young_person_views": _SECTION_WRITE["young_person_views"],
            "goals": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f21",
                    "description": "Move into her own tenancy by April",
                    "actions": [
                        {
                            **_ACTION,
                            "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f31",
                            "status_updated_at": None,
                            "overdue": False,
                        }
                    ],
                }
            ],
            "comments": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f41",
                    "section": "accommodation",
                    "body": "I'd rather live near Bulwell.",
                    "created_at": "2026-10-20T18:30:00+00:00",
                }
            ],
        }
    ],
}


class PlanRead(BaseModel):
    """One version of a pathway plan, whole. `etag` (also the ETag header) goes in `If-Match` to change it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PLAN]})

    id: uuid.UUID
    etag: str
    care_leaver_id: uuid.UUID
    version: int
    status: PlanStatus
    previous_version_id: uuid.UUID | None
    created_at: datetime
    created_by: UserRef | None
    updated_at: datetime
    submitted_at: datetime | None
    submitted_by: UserRef | None
    returned_at: datetime | None = Field(description="A draft sent back by a manager: when (drafts only)")
    return_reason: str | None = Field(description="What the manager asked to change (drafts only)")
    authorised_at: datetime | None
    authorised_by: UserRef | None
    superseded_at: datetime | None
    review: ReviewRead | None = Field(description="When the current plan must next be reviewed, and why")
    contingency_plan: str | None
    people_involved: list[PersonInvolvedRead]
    sections: list[SectionRead]


class PlanVersionSummary(BaseModel):
    """One version in the history of a young person's plan."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": _PLAN_ID,
                    "care_leaver_id": _PERSON_ID,
                    "version": 2,
                    "status": "authorised",
                    "created_at": "2026-10-01T09:00:00+00:00",
                    "submitted_at": "2026-10-10T16:00:00+00:00",
                    "authorised_at": "2026-10-14T11:00:00+00:00",
                    "superseded_at": None,
                    "review_due_on": "2027-04-14",
                }
            ]
        },
    )

    id: uuid.UUID
    care_leaver_id: uuid.UUID
    version: int
    status: PlanStatus
    created_at: datetime
    submitted_at: datetime | None
    authorised_at: datetime | None
    superseded_at: datetime | None
    review_due_on: date | None


class PlanListItem(BaseModel):
    """A plan version in a list across young people (e.g. the ones waiting to be authorised)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _PLAN_ID,
                    "care_leaver_id": _PERSON_ID,
                    "name": "Ash Example",
                    "adviser": {
                        "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70",
                        "display_name": "Priya Adviser (demo)",
                    },
                    "version": 3,
                    "status": "submitted",
                    "created_at": "2026-11-02T09:00:00+00:00",
                    "updated_at": "2026-11-20T15:10:00+00:00",
                    "submitted_at": "2026-11-20T15:10:00+00:00",
                    "authorised_at": None,
                    "review_due_on": None,
                }
            ]
        }
    )

    id: uuid.UUID
    care_leaver_id: uuid.UUID
    name: str
    adviser: UserRef | None
    version: int
    status: PlanStatus
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    authorised_at: datetime | None
    review_due_on: date | None


class ReviewDueItem(BaseModel):
    """A young person's current plan and when its review is due."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan_id": _PLAN_ID,
                    "care_leaver_id": _PERSON_ID,
                    "name": "Ash Example",
                    "adviser": {
                        "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70",
                        "display_name": "Priya Adviser (demo)",
                    },
                    "version": 2,
                    "authorised_on": "2026-10-14",
                    "review_due_on": "2026-11-19",
                    "review_due_reason": "accommodation_changed",
                    "trigger_on": "2026-10-22",
                    "explanation": "They moved, so the plan is reviewed within 28 days of the move.",
                    "days_overdue": 4,
                }
            ]
        }
    )

    plan_id: uuid.UUID
    care_leaver_id: uuid.UUID
    name: str
    adviser: UserRef | None
    version: int
    authorised_on: date
    review_due_on: date
    review_due_reason: ReviewReason
    trigger_on: date | None
    explanation: str
    days_overdue: int = Field(description="Days past the due date; 0 when not yet due")


class MyAction(BaseModel):
    id: uuid.UUID
    what: str
    who: str = Field(description="'You', your personal adviser, or the partner doing it")
    by: date
    status: ActionStatus
    status_text: str
    overdue: bool
    yours: bool = Field(description="You can mark this done yourself")


class MyGoal(BaseModel):
    goal: str
    actions: list[MyAction]


class MySection(BaseModel):
    kind: SectionKind
    title: str
    what_you_need: str | None
    going_well: str | None
    in_your_words: str | None
    goals: list[MyGoal]
    your_comments: list[CommentRead]


class MyPlan(BaseModel):
    """Your pathway plan, as your manager authorised it, in plain words."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan_id": _PLAN_ID,
                    "version": 2,
                    "agreed_on": "2026-10-14",
                    "next_review_on": "2027-04-14",
                    "next_review_why": "Every plan is reviewed at least every six months.",
                    "summary": "Your plan was agreed on 14 October 2026. You have 1 thing to do by "
                    "11 December 2026. Your next review is by 14 April 2027.",
                    "due_next": [
                        {
                            "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f31",
                            "what": "Book a viewing of the flat on Carlton Road",
                            "who": "You",
                            "by": "2026-12-11",
                            "status": "not_started",
                            "status_text": "Not started",
                            "overdue": False,
                            "yours": True,
                        }
                    ],
                    "sections": [],
                    "if_things_go_wrong": "If the tenancy falls through, you stay in supported lodgings.",
                    "people_you_want_involved": [
                        {"name": "Jess", "relationship": "Sister", "how_they_help": None}
                    ],
                }
            ]
        }
    )

    plan_id: uuid.UUID
    version: int
    agreed_on: date
    next_review_on: date | None
    next_review_why: str | None
    summary: str
    due_next: list[MyAction] = Field(description="What is still to do, soonest first (up to five)")
    sections: list[MySection]
    if_things_go_wrong: str | None
    people_you_want_involved: list[PersonInvolvedRead]


class StatusCount(BaseModel):
    status: RecordStatus
    should_have_plan: int
    authorised_in_window: int
    percentage: float | None


class PlanMeasure(BaseModel):
    """The board measure: % of young people who should have a plan whose plan was authorised in the last
    six months (target 95%: Nottingham City Council, Corporate Parenting Board 17 May 2021, 2020/21 Q4
    performance report)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "local_authority": "E06000018",
                    "team_id": None,
                    "on": "2026-11-23",
                    "window_from": "2026-05-23",
                    "should_have_plan": 25,
                    "authorised_in_window": 23,
                    "percentage": 92.0,
                    "target_percentage": 95,
                    "meets_target": False,
                    "never_authorised": 1,
                    "out_of_date": 1,
                    "first_plan_not_yet_due": 2,
                    "by_status": [
                        {
                            "status": "former_relevant",
                            "should_have_plan": 20,
                            "authorised_in_window": 19,
                            "percentage": 95.0,
                        }
                    ],
                    "definition": "Open cases that are eligible, relevant or former relevant on the date...",
                }
            ]
        }
    )

    local_authority: str
    team_id: uuid.UUID | None
    on: date
    window_from: date = Field(description="Plans authorised on or after this date, up to `on`, count")
    should_have_plan: int
    authorised_in_window: int
    percentage: float | None = Field(description="One decimal place; null when nobody should have a plan")
    target_percentage: int
    meets_target: bool | None
    never_authorised: int = Field(description="Should have a plan and never had one authorised by `on`")
    out_of_date: int = Field(description="Had a plan authorised, but not within the window")
    first_plan_not_yet_due: int = Field(
        description="Became eligible or relevant within the three months up to `on`: their needs assessment "
        "and first plan are not due yet, so they are not counted (Care Leavers (England) Regulations 2010 "
        "reg 5(2))"
    )
    by_status: list[StatusCount]
    definition: str
