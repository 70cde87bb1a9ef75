"""When a young person's next contact is due. Pure: the standard library and `app.core.dates` only.

A council's contact policy is a list of age bands, each with the longest gap allowed between two
contacts in which the young person was seen or spoken to (Nottingham City: every 8 weeks, seed 003;
Nottinghamshire's 21Plus service: once a year from 21 to 25, seed 001). Ages change on birthdays,
so the gap that applies can change while a contact is awaited: the next contact is due on the first
day D on which D - last >= the gap of the band the young person is in on D. Someone last seen at
20 years 11 months in Nottinghamshire is not due eight weeks later if they turn 21 first: from their
birthday they are in the yearly band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from app.core.dates import age_on, birthday


@dataclass(frozen=True, slots=True)
class Band:
    """From the `min_age` birthday until the day before the `max_age` birthday: a contact at least
    every `max_interval_days` days."""

    min_age: int
    max_age: int
    max_interval_days: int

    def covers(self, age: int) -> bool:
        return self.min_age <= age < self.max_age


def band_for(bands: Sequence[Band], age: int) -> Band | None:
    return next((band for band in bands if band.covers(age)), None)


def next_contact_due(last: date, date_of_birth: date, bands: Sequence[Band]) -> date | None:
    """The first date D with D - `last` >= the gap of the band the young person is in on D.

    `last` is the day of the last contact that counts (or, with none yet, the day the record was
    created). None when they leave every band (their 25th birthday, say) before a contact falls due.
    """
    if not bands:
        return None
    oldest = max(band.max_age for band in bands)
    # Within one year of age the band is fixed, so the earliest due day in that year is `last` plus
    # its gap, or the birthday that starts the year, whichever is later; if that is not before the
    # next birthday, nothing falls due in that year and the following year decides.
    for age in range(age_on(date_of_birth, last), oldest):
        band = band_for(bands, age)
        if band is None:
            continue  # a gap between bands: no duty at this age
        starts, ends = birthday(date_of_birth, age), birthday(date_of_birth, age + 1)
        due = max(starts, last + timedelta(days=band.max_interval_days))
        if due < ends:
            return due
    return None


def days_overdue(due: date | None, today: date) -> int:
    """Whole days since the due date; 0 on the due date itself and before it (a contact that day is on time)."""
    if due is None:
        return 0
    return max(0, (today - due).days)


def first_overlap(bands: Sequence[Band]) -> tuple[Band, Band] | None:
    """Two bands that cover a common age, if any: a young person must be in at most one band."""
    ordered = sorted(bands, key=lambda band: band.min_age)
    for earlier, later in pairwise(ordered):
        if later.min_age < earlier.max_age:
            return earlier, later
    return None
