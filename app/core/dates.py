"""Ages and birthdays, as the law counts them."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years on `on`. A 29 February birthday is reached on 1 March in a common year
    (the anniversary falls on the day after 28 February), so (2, 28) < (2, 29) keeps it one short."""
    years = on.year - date_of_birth.year
    return years - 1 if (on.month, on.day) < (date_of_birth.month, date_of_birth.day) else years


@lru_cache(maxsize=1 << 16)
def birthday(date_of_birth: date, age: int) -> date:
    """The day someone reaches `age`: 1 March for a 29 February birthday in a common year. Remembered:
    the stored decisions' walk asks for the same few birthdays of a person at every date it evaluates."""
    year = date_of_birth.year + age
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def day_before_birthday(date_of_birth: date, age: int) -> date:
    """The last day someone is still under `age`: "up to 25" ends here (STATUTE.md)."""
    return birthday(date_of_birth, age) - timedelta(days=1)


def latest_birth_date(on: date, age: int) -> date:
    """The latest date of birth of someone who is at least `age` on `on`.

    `age_on(dob, on) >= age` exactly when `dob <= latest_birth_date(on, age)`.
    """
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # `on` is 29 February: someone born on 28 February has had their birthday
        return date(on.year - age, 2, 28)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise ValueError("unreachable: every month has a 28th")
