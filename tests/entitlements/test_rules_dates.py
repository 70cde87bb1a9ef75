"""Ages end on the birthday, and a 29 February birthday falls on 1 March in common years."""

from __future__ import annotations

from datetime import date

import pytest

from app.entitlements.rules.dates import age_on, anniversary, long_date, ordinal


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2002, 5, 1), date(2027, 4, 30), 24),  # the day before the 25th birthday
        (date(2002, 5, 1), date(2027, 5, 1), 25),  # the birthday itself
        (date(2004, 2, 29), date(2029, 2, 28), 24),  # a common year: not yet 25 on 28 February
        (date(2004, 2, 29), date(2029, 3, 1), 25),  # ...but 25 on 1 March
        (date(2004, 2, 29), date(2028, 2, 28), 23),
        (date(2004, 2, 29), date(2028, 2, 29), 24),  # a leap year: the birthday itself
        (date(2008, 12, 31), date(2026, 12, 31), 18),
        (date(2008, 12, 31), date(2026, 12, 30), 17),
    ],
)
def test_age_goes_up_on_the_birthday(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_a_29_february_birthday_is_1_march_in_a_common_year_and_itself_in_a_leap_year() -> None:
    assert anniversary(date(2004, 2, 29), 25) == date(2029, 3, 1)
    assert anniversary(date(2004, 2, 29), 24) == date(2028, 2, 29)
    assert anniversary(date(2003, 3, 1), 18) == date(2021, 3, 1)


def test_anniversary_and_age_agree_for_every_day_of_a_leap_cycle() -> None:
    born = date(2004, 2, 29)
    for years in range(1, 9):
        birthday = anniversary(born, years)
        assert age_on(born, birthday) == years
        assert age_on(born, date.fromordinal(birthday.toordinal() - 1)) == years - 1


def test_dates_and_ordinals_read_as_a_letter_would_write_them() -> None:
    assert long_date(date(2029, 3, 1)) == "1 March 2029"
    assert [ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 22, 25)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "25th",
    ]
