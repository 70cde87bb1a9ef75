"""Ages and birthdays as the law counts them, and dates written the way a young person reads them.

Ages end on the birthday (STATUTE.md, preamble): "under 25" lasts until the day before the 25th
birthday, and a person "is 25" from the birthday itself (Family Law Reform Act 1969 s9: an age is
attained at the start of the anniversary of birth).

A 29 February birthday falls on 1 March in a year that is not a leap year. English statute is
silent on this; the project follows issue 4 of this service, which matches the Scottish rule
(Age of Legal Capacity (Scotland) Act 1991 s6(2)). Both functions below apply it consistently:
`age_on` (in app/core/dates.py) compares (month, day) pairs; (3, 1) is the first not before (2, 29).
"""

from __future__ import annotations

from datetime import date, timedelta

# One implementation of ages for the whole service: a pure, standard-library module the engine may use.
from app.core.dates import age_on
from app.core.dates import birthday as anniversary

__all__ = ["ONE_DAY", "age_on", "anniversary", "long_date", "ordinal"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

ONE_DAY = timedelta(days=1)


def long_date(value: date) -> str:
    """'1 March 2029': no leading zero and no locale, the way the councils' letters write dates."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def ordinal(number: int) -> str:
    """'21st', '22nd', '25th'."""
    teens = 10 <= number % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
