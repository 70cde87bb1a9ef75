"""Legal status derived from the care history when it is not given (STATUTE.md section 1)."""

from __future__ import annotations

from datetime import date

import pytest

from app.entitlements.rules.facts import LegalStatus
from app.entitlements.rules.status import derive_legal_status

BORN = date(2006, 6, 15)  # 16 on 15 June 2022, 18 on 15 June 2024, 21 in 2027, 25 in 2031


def status(on: date, **history: object) -> str | None:
    return derive_legal_status(history, on, BORN).status


NOT_STUDYING = {
    "in_higher_education": False,
    "in_further_education": False,
    "in_residential_further_education": False,
    "in_apprenticeship": False,
}


def left(on: date, weeks: int) -> dict[str, object]:
    return {"left_care_on": on, "looked_after_weeks_since_14": weeks}


def in_care(weeks: int) -> dict[str, object]:
    return {"still_looked_after": True, "looked_after_weeks_since_14": weeks}


@pytest.mark.parametrize(
    ("on", "history", "expected"),
    [
        # Still in care at 16-17 after 13 weeks since 14: eligible.
        (date(2023, 1, 1), in_care(52), LegalStatus.ELIGIBLE),
        # Still in care at 17 but under 13 weeks: a looked-after child, not yet a care leaver.
        (date(2023, 1, 1), in_care(8), LegalStatus.NONE),
        # Left at 17 after 13 weeks: relevant while 16-17, former relevant from 18, until 25.
        (date(2024, 1, 1), left(date(2023, 9, 1), 30), LegalStatus.RELEVANT),
        (date(2024, 6, 15), left(date(2023, 9, 1), 30), LegalStatus.FORMER_RELEVANT),
        (date(2031, 6, 15), left(date(2023, 9, 1), 30), LegalStatus.NONE),
        # Looked after on the 18th birthday: former relevant.
        (date(2025, 1, 1), left(date(2024, 6, 15), 100), LegalStatus.FORMER_RELEVANT),
        # Left after 16 without 13 weeks: qualifying until 21, then to 25 only in education or
        # training (CA89 s24B(3)); not knowing whether they are leaves the status open.
        (date(2025, 1, 1), left(date(2023, 1, 1), 6), LegalStatus.QUALIFYING),
        (date(2027, 6, 15), {**left(date(2023, 1, 1), 6), **NOT_STUDYING}, LegalStatus.NONE),
        (
            date(2027, 6, 15),
            {**left(date(2023, 1, 1), 6), "in_higher_education": True},
            LegalStatus.QUALIFYING,
        ),
        (date(2027, 6, 15), left(date(2023, 1, 1), 6), None),
        (date(2031, 6, 15), {**left(date(2023, 1, 1), 6), "in_higher_education": True}, LegalStatus.NONE),
        # Left before 16: no leaving-care status.
        (date(2025, 1, 1), left(date(2021, 1, 1), 40), LegalStatus.NONE),
        # A leaving date after the date asked about: still in care on that date.
        (date(2023, 1, 1), left(date(2024, 1, 1), 40), LegalStatus.ELIGIBLE),
    ],
)
def test_status_follows_the_history_and_the_date(
    on: date, history: dict[str, object], expected: str | None
) -> None:
    assert status(on, **history) == expected


@pytest.mark.parametrize(
    "history",
    [
        {"looked_after_weeks_since_14": 30},  # when did they leave?
        {"left_care_on": date(2023, 9, 1)},  # how long were they looked after?
        {"still_looked_after": False, "looked_after_weeks_since_14": 30},  # left, but when?
    ],
)
def test_an_incomplete_history_gives_no_status_rather_than_a_guess(history: dict[str, object]) -> None:
    assert status(date(2025, 1, 1), **history) is None


def test_the_derived_status_explains_itself_and_knows_when_it_changes() -> None:
    derived = derive_legal_status(
        {"left_care_on": date(2023, 9, 1), "looked_after_weeks_since_14": 30}, date(2024, 1, 1), BORN
    )
    assert "left care on 1 September 2023 aged 17" in derived.explanation
    assert date(2024, 6, 15) in derived.thresholds  # relevant becomes former relevant at 18


def test_a_status_unknown_for_want_of_the_course_still_knows_it_ends_at_25() -> None:
    # Qualifying, 21 to 24: the status follows the course (CA89 s24B(3)); with nothing known about
    # education it is unknown, and from the 25th birthday it is none whatever the course.
    history = {"left_care_on": date(2023, 9, 1), "looked_after_weeks_since_14": 5}
    derived = derive_legal_status(history, date(2028, 1, 1), BORN)
    assert derived.status is None
    assert date(2031, 6, 15) in derived.thresholds
    assert derive_legal_status(history, date(2031, 6, 15), BORN).status == LegalStatus.NONE
