"""The board measure: the % of young people who should have a pathway plan whose plan was authorised in
the six months up to a date (seed 003: Nottingham City's care leavers 92% at Q4 2020/21, target 95%).

Who should have a plan on a date: open cases (not closed on or before it) whose legal status that day,
as stored (`app.decisions`: derived from the care history and circumstances as they stood then, with
any override then in force), is eligible, relevant, former relevant, or former relevant in education
or training (STATUTE.md section 1: each has a statutory pathway plan), unless that status began within
the three months before: the regulations give three months for the needs assessment and first plan.
Qualifying young people are left out: they get advice and assistance, not a statutory plan. For a
team, the people allocated on that date to its advisers.

Counted: a version of their plan authorised on or after the same day six months earlier and on or
before the date, in UK time, whether or not a later version has superseded it since. A review that
fell due earlier (a trigger) does not change the measure: the board counts authorisations.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record
from app.auth.enums import Role
from app.auth.models import Team
from app.auth.principal import Principal
from app.care_leavers.enums import RecordStatus
from app.core.clock import UK, uk_today
from app.core.dates import add_months, latest_birth_date
from app.core.errors import InvalidInput, field_error
from app.decisions.models import StatusPeriod
from app.decisions.repository import DecisionRepository
from app.pathway_plans.errors import ReportOutOfScope
from app.pathway_plans.repository import PlanRepository
from app.pathway_plans.schemas import PlanMeasure, StatusCount

# Seed 003 (Corporate Parenting Board, 17 May 2021): "% Pathway Plans, authorised in the last 6 months -
# the target for this measure is 95%".
TARGET_PERCENTAGE = 95
WINDOW_MONTHS = 6
SHOULD_HAVE_PLAN = (
    RecordStatus.ELIGIBLE,
    RecordStatus.RELEVANT,
    RecordStatus.FORMER_RELEVANT,
    RecordStatus.FORMER_RELEVANT_IN_EDUCATION,
)
# A needs assessment, then the first plan, within three months of becoming eligible or relevant: Care
# Planning, Placement and Case Review (England) Regulations 2010 reg 42(1) (eligible children), Care
# Leavers (England) Regulations 2010 reg 5(2) (relevant children; former relevant returning to education).
FIRST_PLAN_MONTHS = 3
# Leaving-care statuses run from 16 to the 25th birthday (STATUTE.md section 1).
AGES = (16, 25)
EARLIEST = date(2000, 1, 1)  # before any record this service could hold
DEFINITION = (
    "Open cases that are eligible, relevant, former relevant or former relevant in education or training on "
    "the date (qualifying young people have no statutory plan), except those whose status began within the "
    "three months before it (their needs assessment and first plan are not due yet: Care Planning, Placement "
    "and Case Review (England) Regulations 2010 reg 42(1), Care Leavers (England) Regulations 2010 reg 5(2)), "
    "counted when a version of their pathway plan "
    "was authorised on or after the same day six months earlier and on or before the date (UK time). "
    "For a team: the people allocated on the date to advisers who are in the team now (team moves are not "
    "dated, so a past date counts an adviser's caseload in the team they belong to today)."
)


def _plan_duty_on(periods: list[StatusPeriod], on: date) -> tuple[RecordStatus, date] | None:
    """The stored status on `on`, if it carries a plan, and the day the run of such statuses began."""
    began: date | None = None
    for period in periods:  # in order of valid_from, without gaps
        if period.valid_from > on:
            break
        status = RecordStatus(period.status) if period.status is not None else None
        has_plan = status in SHOULD_HAVE_PLAN
        began = (began or period.valid_from) if has_plan else None
        if period.valid_to is None or period.valid_to >= on:
            return (status, began) if status is not None and has_plan and began is not None else None
    return None


def _start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the UK, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)


def percentage(part: int, whole: int) -> float | None:
    """One decimal place, halves rounded up (as the board papers print them); None when nobody is counted."""
    if whole == 0:
        return None
    return float((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


async def _team_in_scope(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID | None
) -> uuid.UUID | None:
    """An admin reports on the council or any of its teams; a manager on their own team."""
    if principal.has(Role.LA_ADMIN):
        if team_id is not None:
            team = await session.get(Team, team_id)
            if team is None or team.local_authority_id != principal.local_authority_id:
                raise InvalidInput(
                    "No team of your council has that id.",
                    errors=[field_error("team_id", "not a team of your council", location="query")],
                )
        return team_id
    if principal.team_id is None or team_id not in (None, principal.team_id):
        raise ReportOutOfScope("A team manager sees this measure for their own team.")
    return principal.team_id


def _check_date(on: date) -> None:
    if not EARLIEST <= on <= uk_today():
        raise InvalidInput(
            "The measure is for a date between 2000-01-01 and today.",
            errors=[field_error("on", "not between 2000-01-01 and today", location="query")],
        )


async def pathway_plan_measure(
    session: AsyncSession, principal: Principal, on: date, team_id: uuid.UUID | None
) -> PlanMeasure:
    assert principal.local_authority_id is not None and principal.local_authority_gss is not None
    _check_date(on)
    team_id = await _team_in_scope(session, principal, team_id)
    repo = PlanRepository(session)
    people = await repo.cohort(
        principal.local_authority_id,
        team_id,
        on,
        born_after=latest_birth_date(on, AGES[1]),
        born_on_or_before=latest_birth_date(on, AGES[0]),
    )
    end = _start_of(on + timedelta(days=1))
    periods = await DecisionRepository(session).status_periods([p.id for p in people])
    first_plan_from = add_months(on, -FIRST_PLAN_MONTHS)
    status: dict[uuid.UUID, RecordStatus] = {}
    first_months = 0
    for person in people:
        found = _plan_duty_on(periods[person.id], on)
        if found is None:
            continue
        if found[1] > first_plan_from:
            first_months += 1  # their needs assessment and first plan are not due yet
        else:
            status[person.id] = found[0]
    window_from = add_months(on, -WINDOW_MONTHS)
    last = await repo.last_authorised(list(status), end)
    in_window = {pid for pid, at in last.items() if at >= _start_of(window_from)}
    should, counted = Counter(status.values()), Counter(status[pid] for pid in in_window)
    await record(
        session,
        principal.as_actor(),
        AuditAction.READ,
        "pathway_plan_report",
        local_authority_id=principal.local_authority_id,
        details={"on": on.isoformat(), "team_id": str(team_id) if team_id else None},
    )
    share = percentage(len(in_window), len(status))
    return PlanMeasure(
        local_authority=principal.local_authority_gss,
        team_id=team_id,
        on=on,
        window_from=window_from,
        should_have_plan=len(status),
        authorised_in_window=len(in_window),
        percentage=share,
        target_percentage=TARGET_PERCENTAGE,
        meets_target=None if share is None else share >= TARGET_PERCENTAGE,
        never_authorised=len(status) - len(last),
        first_plan_not_yet_due=first_months,
        out_of_date=len(last) - len(in_window),
        by_status=[
            StatusCount(
                status=s,
                should_have_plan=should[s],
                authorised_in_window=counted[s],
                percentage=percentage(counted[s], should[s]),
            )
            for s in SHOULD_HAVE_PLAN
        ],
        definition=DEFINITION,
    )
