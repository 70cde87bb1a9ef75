"""Legal status from the care history, on the boundaries STATUTE.md section 1 draws."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.care_leavers.enums import RecordStatus as S
from app.care_leavers.legal_status import CareHistory, decide_status
from app.core.dates import birthday

BORN = date(2006, 6, 15)
DAY = timedelta(days=1)


def status(
    on: date, *, weeks: int | None = 20, left: date | None = None, still: bool = False, **kw: object
) -> S | None:
    history = CareHistory(
        BORN, still_looked_after=still, left_care_on=left, weeks_looked_after_since_14=weeks
    )
    return decide_status(history, on, **kw).status  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [(13, S.ELIGIBLE), (12, S.NOT_A_CARE_LEAVER), (52, S.ELIGIBLE)],
)
def test_thirteen_weeks_after_14_makes_a_16_year_old_in_care_eligible(weeks: int, expected: S) -> None:
    assert status(birthday(BORN, 16) + 10 * DAY, weeks=weeks, still=True) is expected


def test_a_15_year_old_in_care_is_not_yet_eligible() -> None:
    assert status(birthday(BORN, 16) - DAY, weeks=40, still=True) is S.NOT_A_CARE_LEAVER


def test_leaving_the_day_before_the_16th_birthday_gives_no_status() -> None:
    left = birthday(BORN, 16) - DAY
    assert status(birthday(BORN, 17), left=left) is S.NOT_A_CARE_LEAVER
    assert status(birthday(BORN, 19), left=left) is S.NOT_A_CARE_LEAVER


def test_leaving_on_the_16th_birthday_after_13_weeks_makes_them_relevant_then_former_relevant() -> None:
    left = birthday(BORN, 16)
    assert status(left, left=left) is S.RELEVANT
    assert status(birthday(BORN, 18) - DAY, left=left) is S.RELEVANT
    assert status(birthday(BORN, 18), left=left) is S.FORMER_RELEVANT


def test_leaving_the_day_before_the_18th_birthday() -> None:
    left = birthday(BORN, 18) - DAY
    assert status(left - DAY, left=left) is S.ELIGIBLE  # still in care the day before leaving
    assert status(left, left=left) is S.RELEVANT
    assert status(left + DAY, left=left) is S.FORMER_RELEVANT


def test_leaving_on_the_18th_birthday_goes_straight_to_former_relevant() -> None:
    left = birthday(BORN, 18)
    assert status(left - DAY, left=left) is S.ELIGIBLE
    assert status(left, left=left) is S.FORMER_RELEVANT


def test_still_in_care_at_18_is_treated_as_leaving_on_the_birthday() -> None:
    assert status(birthday(BORN, 18), still=True) is S.FORMER_RELEVANT


def test_former_relevant_ends_on_the_25th_birthday() -> None:
    left = birthday(BORN, 18)
    decision = decide_status(CareHistory(BORN, False, left, 20), birthday(BORN, 25) - DAY)
    assert decision.status is S.FORMER_RELEVANT
    assert decision.valid_until == birthday(BORN, 25) - DAY  # it changes by itself the next day
    assert status(birthday(BORN, 25), left=left) is S.NOT_A_CARE_LEAVER


def test_from_21_education_or_training_keeps_former_relevant_support_to_25() -> None:
    left, on = birthday(BORN, 18), birthday(BORN, 22)
    assert status(on, left=left, in_education_or_training=True) is S.FORMER_RELEVANT_IN_EDUCATION
    assert status(on, left=left, in_education_or_training=False) is S.FORMER_RELEVANT
    assert status(birthday(BORN, 20), left=left, in_education_or_training=True) is S.FORMER_RELEVANT


def test_qualifying_without_13_weeks_and_only_to_21() -> None:
    left = birthday(BORN, 17)
    assert status(birthday(BORN, 17) + DAY, weeks=8, left=left) is S.QUALIFYING
    assert status(birthday(BORN, 21) - DAY, weeks=8, left=left) is S.QUALIFYING
    assert status(birthday(BORN, 21), weeks=8, left=left) is S.NOT_A_CARE_LEAVER


def test_an_incomplete_history_is_unknown_and_says_what_is_missing() -> None:
    decision = decide_status(CareHistory(BORN, False, date(2024, 6, 15), None), date(2026, 1, 1))
    assert decision.status is None
    assert "weeks they were looked after" in decision.reasons[0].text
    decision = decide_status(CareHistory(BORN, False, None, 20), date(2026, 1, 1))
    assert "when they left care" in decision.reasons[0].text


def test_an_override_wins_and_keeps_the_derived_status_and_the_reason() -> None:
    history = CareHistory(BORN, False, birthday(BORN, 17), 8)
    decision = decide_status(
        history, birthday(BORN, 17) + DAY, override=(S.RELEVANT, "Detained on 16th birthday")
    )
    assert decision.status is S.RELEVANT
    assert decision.derived is S.QUALIFYING
    assert decision.overridden
    assert "Detained on 16th birthday" in decision.reasons[-1].text


def test_a_29_february_birthday_turns_18_on_1_march_in_a_common_year() -> None:
    born = date(2008, 2, 29)
    history = CareHistory(born, True, None, 30)
    assert decide_status(history, date(2026, 2, 28)).status is S.ELIGIBLE
    assert decide_status(history, date(2026, 3, 1)).status is S.FORMER_RELEVANT


def test_every_decision_gives_a_readable_reason() -> None:
    for on in (birthday(BORN, 16), birthday(BORN, 19), birthday(BORN, 26)):
        decision = decide_status(CareHistory(BORN, False, birthday(BORN, 18), 20), on)
        assert decision.reasons
        assert all(r.text.endswith(".") and r.code for r in decision.reasons)
