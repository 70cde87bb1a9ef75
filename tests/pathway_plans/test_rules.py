"""The pure rules: when a review falls due and why, and the lifecycle's transitions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.pathway_plans.enums import PlanStatus, ReviewReason, SectionKind
from app.pathway_plans.lifecycle import (
    SectionFacts,
    Transition,
    may_authorise,
    missing_for_submission,
    next_status,
    relevant_sections,
)
from app.pathway_plans.reviews import Entry, changes_in, review_due

AUTHORISED_AT = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
AUTHORISED_ON = date(2026, 3, 10)
ADULT = date(2005, 6, 1)  # 20 on the day: no 18th birthday to come


def entry(kind: str, valid_from: date, recorded: datetime | None = None, **details: Any) -> Entry:
    recorded = recorded or datetime.combine(valid_from, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    return Entry(kind, valid_from, recorded, recorded.date(), details)


def home(valid_from: date, accommodation: str = "U", district: str = "E06000018", **kw: Any) -> Entry:
    return entry("residence", valid_from, accommodation=accommodation, district_gss_code=district, **kw)


def due(*entries: Entry, born: date = ADULT) -> tuple[date, ReviewReason, date | None]:
    result = review_due(
        authorised_at=AUTHORISED_AT,
        authorised_on=AUTHORISED_ON,
        date_of_birth=born,
        changes=changes_in(entries),
    )
    return result.due_on, result.reason, result.trigger_on


def test_six_months_after_authorisation_when_nothing_changes() -> None:
    assert due() == (date(2026, 9, 10), ReviewReason.SIX_MONTHLY, None)
    # Calendar months: 31 August + 6 months is the last day of February.
    end_of_month = review_due(
        authorised_at=datetime(2026, 8, 31, 9, tzinfo=UTC),
        authorised_on=date(2026, 8, 31),
        date_of_birth=ADULT,
        changes=[],
    )
    assert end_of_month.due_on == date(2027, 2, 28)


def test_a_move_after_authorisation_brings_the_review_forward_28_days() -> None:
    moved = date(2026, 4, 2)
    assert due(home(date(2025, 1, 1)), home(moved, "D")) == (
        moved + timedelta(days=28),
        ReviewReason.ACCOMMODATION_CHANGED,
        moved,
    )
    # A new district with the same kind of home is a move too.
    assert due(home(date(2025, 1, 1)), home(moved, "U", "E07000170"))[1] is ReviewReason.ACCOMMODATION_CHANGED
    # So is another flat of the same kind in the same district: a new dated entry is a move by default.
    assert due(home(date(2025, 1, 1)), home(moved))[1] is ReviewReason.ACCOMMODATION_CHANGED


def test_what_is_not_a_move() -> None:
    # The same home recorded again (say, its suitability re-judged) and the first home ever recorded.
    same = home(date(2026, 4, 2), suitable=False, same_home=True)
    assert due(home(date(2025, 1, 1)), same)[1] is ReviewReason.SIX_MONTHLY
    assert due(home(date(2026, 4, 2)))[1] is ReviewReason.SIX_MONTHLY


def test_a_move_before_authorisation_and_known_then_changes_nothing() -> None:
    assert due(home(date(2025, 1, 1)), home(date(2026, 2, 1), "D"))[1] is ReviewReason.SIX_MONTHLY


def test_a_move_recorded_after_authorisation_counts_from_the_day_it_was_recorded() -> None:
    late = datetime(2026, 3, 20, 10, tzinfo=UTC)
    recorded_late = entry(
        "residence", date(2026, 2, 1), late, accommodation="D", district_gss_code="E06000018"
    )
    assert due(home(date(2025, 1, 1)), recorded_late) == (
        date(2026, 3, 20) + timedelta(days=28),
        ReviewReason.ACCOMMODATION_CHANGED,
        date(2026, 3, 20),
    )


def test_a_correction_of_the_same_day_wins() -> None:
    moved = date(2026, 5, 1)
    first = entry(
        "residence",
        moved,
        datetime(2026, 5, 1, 9, tzinfo=UTC),
        accommodation="D",
        district_gss_code="E06000018",
    )
    # Recorded later the same day: it was not a move after all.
    corrected = entry(
        "residence",
        moved,
        datetime(2026, 5, 1, 17, tzinfo=UTC),
        accommodation="U",
        district_gss_code="E06000018",
        same_home=True,
    )
    assert due(home(date(2025, 1, 1)), first, corrected)[1] is ReviewReason.SIX_MONTHLY


def test_entering_custody() -> None:
    custody = date(2026, 6, 1)
    assert due(home(date(2025, 1, 1)), home(custody, "X")) == (
        custody + timedelta(days=28),
        ReviewReason.ENTERED_CUSTODY,
        custody,
    )


def test_the_eighteenth_birthday_is_a_trigger_known_in_advance() -> None:
    born = date(2008, 5, 20)  # 18 on 20 May 2026, before the six-monthly review
    assert due(born=born) == (date(2026, 5, 20), ReviewReason.EIGHTEENTH_BIRTHDAY, date(2026, 5, 20))
    # Already 18 when authorised: no trigger.
    assert due(born=date(2008, 3, 1))[1] is ReviewReason.SIX_MONTHLY
    # 18 after the six-monthly review: the six months come first.
    assert due(born=date(2008, 12, 1))[1] is ReviewReason.SIX_MONTHLY


def test_starting_and_leaving_higher_education() -> None:
    start, end = date(2026, 7, 1), date(2026, 5, 1)
    assert due(entry("higher_education", start, studying=True))[1:] == (
        ReviewReason.STARTED_HIGHER_EDUCATION,
        start,
    )
    studying_before = entry("higher_education", date(2025, 9, 20), studying=True)
    left = entry("higher_education", end, studying=False)
    assert due(studying_before, left) == (end + timedelta(days=28), ReviewReason.LEFT_HIGHER_EDUCATION, end)


def test_becoming_a_parent() -> None:
    born = date(2026, 4, 10)
    assert due(entry("parenthood", born, is_parent=True, children=1))[1:] == (
        ReviewReason.BECAME_PARENT,
        born,
    )
    # Already a parent when the plan was authorised: another entry is not "becoming" one.
    before = entry("parenthood", date(2025, 1, 1), is_parent=True, children=1)
    assert due(before, entry("parenthood", born, is_parent=True, children=2))[1] is ReviewReason.SIX_MONTHLY


def test_the_earliest_trigger_wins() -> None:
    later_move = home(date(2026, 6, 1), "D")
    earlier_custody = home(date(2026, 4, 1), "X")
    assert due(home(date(2025, 1, 1)), earlier_custody, later_move)[1] is ReviewReason.ENTERED_CUSTODY


TRANSITIONS = [
    (PlanStatus.DRAFT, Transition.SUBMIT, PlanStatus.SUBMITTED),
    (PlanStatus.SUBMITTED, Transition.AUTHORISE, PlanStatus.AUTHORISED),
    (PlanStatus.SUBMITTED, Transition.RETURN, PlanStatus.DRAFT),
    (PlanStatus.AUTHORISED, Transition.SUPERSEDE, PlanStatus.SUPERSEDED),
]


@pytest.mark.parametrize("status", list(PlanStatus))
@pytest.mark.parametrize("transition", list(Transition))
def test_only_the_documented_transitions_are_allowed(status: PlanStatus, transition: Transition) -> None:
    allowed = {(s, t): after for s, t, after in TRANSITIONS}
    assert next_status(status, transition) == allowed.get((status, transition))


def test_nobody_authorises_a_plan_they_wrote() -> None:
    author, editor, manager = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert may_authorise(manager, {author, editor})
    assert not may_authorise(editor, {author, editor})


def test_a_plan_is_complete_when_every_core_area_is_assessed_and_there_is_a_contingency() -> None:
    core = [
        SectionKind.ACCOMMODATION,
        SectionKind.HEALTH_AND_WELLBEING,
        SectionKind.EDUCATION_TRAINING_AND_EMPLOYMENT,
        SectionKind.MONEY,
        SectionKind.FAMILY_AND_RELATIONSHIPS,
        SectionKind.IDENTITY_AND_CULTURE,
        SectionKind.PRACTICAL_AND_LIFE_SKILLS,
    ]
    written = {kind: SectionFacts("Assessed.") for kind in core}
    assert missing_for_submission("If the flat falls through...", written) == []
    written[SectionKind.MONEY] = SectionFacts("   ")
    del written[SectionKind.ACCOMMODATION]
    assert [field for field, _ in missing_for_submission(None, written)] == [
        "sections.accommodation.needs_and_risks",
        "sections.money.needs_and_risks",
        "contingency_plan",
    ]


def test_sections_that_apply_where_relevant() -> None:
    assert relevant_sections({}) == []
    assert relevant_sections(
        {
            "immigration_status": {"status": "awaiting_home_office_decision"},
            "parenthood": {"is_parent": True},
            "residence": {"accommodation": "X"},
        }
    ) == [SectionKind.IMMIGRATION_AND_LEGAL_STATUS, SectionKind.PARENTING, SectionKind.CUSTODY]
    assert relevant_sections({"immigration_status": {"status": "british_or_irish"}}) == []
