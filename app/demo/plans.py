"""Demo pathway plans (all fictional): Aisha's plan reviewed once, with her comment and an action she has
done; Ben's first plan in draft; Chloe's review overdue; and plans for the generated people, so the review
queue, the plans waiting for a manager and the board measure all have something to show."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import CareLeaver
from app.core.clock import UK, utc_now
from app.demo.ids import demo_id
from app.pathway_plans.enums import CORE_SECTIONS, ActionOwner, ActionStatus, PlanStatus, SectionKind
from app.pathway_plans.models import ActionUpdate, PathwayPlan, PlanAction, PlanComment, PlanGoal, PlanSection
from app.pathway_plans.service import refresh_review_due

CITY_MANAGER, CITY_ADMIN = "manager@nottingham.demo", "admin@nottingham.demo"
COUNTY_MANAGER, COUNTY_ADMIN = "manager@notts.demo", "admin@notts.demo"


@dataclass(frozen=True)
class DemoPlan:
    person: str  # key of the demo person
    author: str  # the adviser who writes every version
    authoriser: str | None  # a manager, or an admin acting as one (never the author)
    authorised_days_ago: tuple[int, ...] = ()  # one per authorised version, oldest first
    then: PlanStatus | None = None  # a later version still being written (draft or submitted)


PLANS = [
    DemoPlan("city-1", "pa1@nottingham.demo", CITY_MANAGER, (250, 45)),
    DemoPlan("city-2", "pa2@nottingham.demo", None, then=PlanStatus.DRAFT),
    DemoPlan("county-1", "pa1@notts.demo", COUNTY_MANAGER, (215,)),  # seven months ago: the review is overdue
    DemoPlan("city-3", "pa1@nottingham.demo", CITY_MANAGER, (120,)),
    DemoPlan("city-4", "pa2@nottingham.demo", CITY_MANAGER, (400,), then=PlanStatus.SUBMITTED),
    DemoPlan("city-5", "pa3@nottingham.demo", CITY_ADMIN, (30,)),
    DemoPlan("city-7", "pa1@nottingham.demo", CITY_MANAGER, (160,)),
    DemoPlan("city-8", "pa2@nottingham.demo", CITY_MANAGER, (75,)),
    DemoPlan("county-2", "pa1@notts.demo", COUNTY_MANAGER, (20,)),
    DemoPlan("county-3", "pa2@notts.demo", COUNTY_ADMIN, (190,)),
    DemoPlan("county-5", "pa1@notts.demo", COUNTY_MANAGER, (300, 100)),
    DemoPlan("county-6", "pa2@notts.demo", COUNTY_ADMIN, then=PlanStatus.SUBMITTED),
]

_SECTION_TEXT = {
    SectionKind.ACCOMMODATION: (
        "Lives in supported lodgings that end in the spring; needs a home they can afford near college.",
        "Pays the service charge on time and keeps the room well.",
        "I want my own flat, not too far from my sister.",
    ),
    SectionKind.HEALTH_AND_WELLBEING: (
        "Registered with a GP; would like support with low mood in the winter.",
        "Goes to the gym with the free leisure pass.",
        "Talking to someone helps when things get on top of me.",
    ),
    SectionKind.EDUCATION_TRAINING_AND_EMPLOYMENT: (
        "Level 2 course at college; needs help to find part-time work that fits around it.",
        "Attendance is over 90% this term.",
        "I'd like to work in a garage one day.",
    ),
    SectionKind.MONEY: (
        "Universal Credit in payment; no budget yet for bills in a first tenancy.",
        "No arrears.",
        "I don't really know how much bills cost.",
    ),
    SectionKind.FAMILY_AND_RELATIONSHIPS: (
        "Sees their sister weekly; contact with mum is difficult.",
        "The friendship group from college is supportive.",
        "My sister is the most important person to me.",
    ),
    SectionKind.IDENTITY_AND_CULTURE: (
        "Would like help to get a passport and birth certificate.",
        "Enjoys the youth club's music sessions.",
        "I want my own ID so I can do things for myself.",
    ),
    SectionKind.PRACTICAL_AND_LIFE_SKILLS: (
        "Can cook simple meals; has not set up utilities before.",
        "Keeps appointments without reminders now.",
        "I can cook pasta and curry.",
    ),
}


async def load_plans(session: AsyncSession) -> int:
    added, planned = 0, []
    for demo in PLANS:
        person = await session.get(CareLeaver, demo_id("care-leaver", demo.person))
        if (
            person is None
            or await session.get(PathwayPlan, demo_id("pathway-plan", demo.person, "1")) is not None
        ):
            continue  # not loaded, or its plans already are
        added += await _history(session, person, demo)
        planned.append(person.id)
    await refresh_review_due(session, planned)  # one batch; it does nothing for an empty one
    return added


async def _history(session: AsyncSession, person: CareLeaver, demo: DemoPlan) -> int:
    author = demo_id("user", demo.author)
    now = utc_now()
    previous: PathwayPlan | None = None
    added = 0
    for version, days_ago in enumerate(demo.authorised_days_ago, start=1):
        authorised_at = now - timedelta(days=days_ago)
        plan = await _version(session, person, demo, version, author, authorised_at - timedelta(days=10))
        plan.status, plan.submitted_at, plan.submitted_by = (
            PlanStatus.SUBMITTED,
            authorised_at - timedelta(days=3),
            author,
        )
        await session.flush()
        if previous is not None:
            previous.status, previous.superseded_at = PlanStatus.SUPERSEDED, authorised_at
            await session.flush()
        assert demo.authoriser is not None
        plan.status, plan.authorised_at = PlanStatus.AUTHORISED, authorised_at
        plan.authorised_by = demo_id("user", demo.authoriser)
        await session.flush()
        previous, added = plan, added + 1
    if demo.then is not None:
        version = len(demo.authorised_days_ago) + 1
        plan = await _version(session, person, demo, version, author, now - timedelta(days=6), previous)
        if demo.then is PlanStatus.SUBMITTED:
            plan.status, plan.submitted_at, plan.submitted_by = (
                PlanStatus.SUBMITTED,
                now - timedelta(days=1),
                author,
            )
            await session.flush()
        added += 1
    if demo.person == "city-1" and previous is not None:
        added += await _young_persons_own(session, previous, person)
    return added


async def _version(
    session: AsyncSession,
    person: CareLeaver,
    demo: DemoPlan,
    version: int,
    author: uuid.UUID,
    written_at: datetime,
    previous: PathwayPlan | None = None,
) -> PathwayPlan:
    """A complete version, written as a draft (content is fixed once it is submitted)."""
    plan = PathwayPlan(
        id=demo_id("pathway-plan", demo.person, str(version)),
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        version=version,
        status=PlanStatus.DRAFT,
        previous_version_id=previous.id if previous else None,
        contingency_plan="If the move falls through, the supported lodgings are extended while we apply to "
        "the council's housing register; the duty team knows the plan.",
        people_involved=[{"name": "Jess", "relationship": "Sister", "how_they_help": "Comes to reviews"}],
        contributors=[str(author)],
        created_at=written_at,
        created_by=author,
        updated_at=written_at,
    )
    session.add(plan)
    await session.flush()
    sections = {}
    for kind in CORE_SECTIONS:
        needs, going_well, own_words = _SECTION_TEXT[kind]
        sections[kind] = PlanSection(
            local_authority_id=plan.local_authority_id,
            plan_id=plan.id,
            kind=kind,
            needs_and_risks=needs,
            going_well=going_well,
            young_person_views=own_words,
        )
    session.add_all(sections.values())
    await session.flush()
    goal = PlanGoal(
        local_authority_id=plan.local_authority_id,
        plan_id=plan.id,
        section_id=sections[SectionKind.ACCOMMODATION].id,
        position=0,
        description="Move into their own tenancy",
    )
    session.add(goal)
    await session.flush()
    start = written_at.astimezone(UK).date()
    actions = [
        ("Go to the housing options appointment", ActionOwner.YOUNG_PERSON, None, 14),
        ("Apply for the setting-up-home allowance", ActionOwner.PERSONAL_ADVISER, None, 30),
        (
            "Check the flat is safe and in good repair",
            ActionOwner.PARTNER,
            "Nottingham City Homes (demo)",
            60,
        ),
    ]
    for position, (what, owner, partner, days) in enumerate(actions):
        session.add(
            PlanAction(
                local_authority_id=plan.local_authority_id,
                plan_id=plan.id,
                goal_id=goal.id,
                position=position,
                description=what,
                owner=owner,
                partner_name=partner,
                due_on=start + timedelta(days=days),
                status=ActionStatus.NOT_STARTED,
            )
        )
    await session.flush()
    return plan


async def _young_persons_own(session: AsyncSession, plan: PathwayPlan, person: CareLeaver) -> int:
    """Aisha has commented on her plan and marked her own action done."""
    account = demo_id("user", "leaver1@nottingham.demo")
    session.add(
        PlanComment(
            id=demo_id("pathway-plan-comment", "city-1"),
            local_authority_id=person.local_authority_id,
            plan_id=plan.id,
            section=SectionKind.ACCOMMODATION,
            body="I'd rather live near Bulwell, where my sister is.",
            created_by=account,
        )
    )
    own = select(PlanAction).where(
        PlanAction.plan_id == plan.id, PlanAction.owner == ActionOwner.YOUNG_PERSON
    )
    action = (await session.execute(own)).scalars().first()
    assert action is not None
    session.add(
        ActionUpdate(
            id=demo_id("pathway-plan-progress", "city-1"),
            local_authority_id=person.local_authority_id,
            plan_id=plan.id,
            action_id=action.id,
            status=ActionStatus.DONE,
            recorded_by=account,
            by_young_person=True,
        )
    )
    await session.flush()
    return 2
