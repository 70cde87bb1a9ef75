"""Ages and birthdays as the law counts them, and dates written the way a young person reads them.

Ages end on the birthday (STATUTE.md, preamble): "under 25" lasts until the day before the 25th
birthday, and a person "is 25" from the birthday itself (Family Law Reform Act 1969 s9: an age is
attained at the start of the anniversary of birth).

A 29 February birthday falls on 1 March in a year that is not a leap year. English statute is
silent on this; the project follows issue 4 of this service, which matches the Scottish rule
(Age of Legal Capacity (Scotland) Act 1991 s6(2)). Both functions below apply it consistently:
`age_on` compares (month, day) pairs, and (3, 1) is the first pair not before (2, 29).
"""

from __future__ import annotations

from datetime import date, timedelta

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

ONE_DAY = timedelta(days=1)


def anniversary(born: date, years: int) -> date:
    """The date of the `years`-th birthday (1 March for a 29 February birthday in a common year)."""
    year = born.year + years
    if born.month == 2 and born.day == 29 and not _is_leap(year):
        return date(year, 3, 1)
    return born.replace(year=year)


def age_on(born: date, on: date) -> int:
    """Whole years of age on `on`: the age goes up on the birthday itself."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def long_date(value: date) -> str:
    """'1 March 2029': no leading zero and no locale, the way the councils' letters write dates."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def ordinal(number: int) -> str:
    """'21st', '22nd', '25th'."""
    teens = 10 <= number % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
