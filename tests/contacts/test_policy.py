"""The due-date rule on both councils' seeded bands, at the edges where ages change."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.contacts.policy import Band, band_for, days_overdue, first_overlap, next_contact_due
from app.core.dates import age_on

# As migration 0006 seeds them.
CITY = [Band(16, 25, 56)]  # seed 003: care leavers visited every 8 weeks
COUNTY = [Band(16, 21, 56), Band(21, 25, 365)]  # CLR reg 8 to 21; seed 001: 21Plus once a year


def test_city_every_eight_weeks() -> None:
    assert next_contact_due(date(2026, 1, 10), date(2005, 6, 1), CITY) == date(2026, 3, 7)


def test_city_applies_the_same_gap_after_21() -> None:
    assert next_contact_due(date(2026, 1, 10), date(2003, 6, 1), CITY) == date(2026, 3, 7)


def test_county_under_21_every_eight_weeks() -> None:
    assert next_contact_due(date(2026, 1, 10), date(2005, 6, 1), COUNTY) == date(2026, 3, 7)


def test_county_21_to_24_once_a_year() -> None:
    assert next_contact_due(date(2026, 1, 10), date(2003, 5, 1), COUNTY) == date(2027, 1, 10)


def test_county_turning_21_before_the_eight_weeks_are_up_moves_to_the_yearly_band() -> None:
    # Seen at 20 years 11 months; the eight weeks would end after the 21st birthday (20 February).
    assert next_contact_due(date(2026, 1, 10), date(2005, 2, 20), COUNTY) == date(2027, 1, 10)


def test_county_turning_21_after_the_eight_weeks_keeps_the_eight_weeks() -> None:
    assert next_contact_due(date(2026, 1, 10), date(2005, 4, 1), COUNTY) == date(2026, 3, 7)


def test_county_21st_birthday_on_the_would_be_due_day_is_already_yearly() -> None:
    # On 7 March 2026 they are 21, so the eight-week gap no longer applies that day.
    assert next_contact_due(date(2026, 1, 10), date(2005, 3, 7), COUNTY) == date(2027, 1, 10)
    # A day later, and the eight weeks end while they are still 20.
    assert next_contact_due(date(2026, 1, 10), date(2005, 3, 8), COUNTY) == date(2026, 3, 7)


def test_the_duty_ends_at_25() -> None:
    # County: a year from the last contact is after the 25th birthday: nothing falls due.
    assert next_contact_due(date(2026, 1, 10), date(2001, 6, 1), COUNTY) is None
    # City: eight weeks would end after the 25th birthday (1 February).
    assert next_contact_due(date(2026, 1, 10), date(2001, 2, 1), CITY) is None
    # ...and on it: they are 25 that day.
    assert next_contact_due(date(2026, 1, 10), date(2001, 3, 7), CITY) is None
    # Still due when the eight weeks end before the birthday.
    assert next_contact_due(date(2026, 1, 10), date(2001, 4, 1), CITY) == date(2026, 3, 7)


def test_someone_already_25_has_no_due_date() -> None:
    assert next_contact_due(date(2026, 1, 10), date(2000, 1, 1), CITY) is None
    assert next_contact_due(date(2026, 1, 10), date(2000, 1, 1), COUNTY) is None


def test_a_29_february_birthday_counts_on_1_march_in_a_common_year() -> None:
    dob = date(2004, 2, 29)  # 21 on 1 March 2025
    assert age_on(dob, date(2025, 2, 28)) == 20
    # Eight weeks from 3 January end on 28 February: still 20, still the eight-week band.
    assert next_contact_due(date(2025, 1, 3), dob, COUNTY) == date(2025, 2, 28)
    # From 4 January they end on 1 March: 21 that day, so the yearly band applies.
    assert next_contact_due(date(2025, 1, 4), dob, COUNTY) == date(2026, 1, 4)


def test_a_29_february_birthday_in_a_leap_year_is_29_february() -> None:
    dob = date(2008, 2, 29)  # 16 on 29 February 2024
    # Record created at 15: the city's band starts on the 16th birthday.
    assert next_contact_due(date(2023, 11, 1), dob, CITY) == date(2024, 2, 29)


def test_with_no_contact_yet_the_clock_starts_when_the_record_was_created() -> None:
    created = date(2026, 11, 1)
    assert next_contact_due(created, date(2008, 12, 1), CITY) == date(2026, 12, 27)


def test_someone_under_every_band_falls_due_on_the_birthday_the_band_starts() -> None:
    assert next_contact_due(date(2026, 11, 1), date(2011, 3, 1), CITY) == date(2027, 3, 1)


def test_a_gap_between_bands_carries_no_duty() -> None:
    bands = [Band(16, 18, 28), Band(21, 25, 365)]
    assert next_contact_due(date(2025, 1, 1), date(2006, 6, 1), bands) == date(2027, 6, 1)


def test_no_bands_no_due_date() -> None:
    assert next_contact_due(date(2026, 1, 10), date(2005, 6, 1), []) is None


def _day_by_day(last: date, dob: date, bands: list[Band]) -> date | None:
    """The definition, literally: try every day after `last` until they are too old for any band."""
    day = last + timedelta(days=1)
    oldest = max(b.max_age for b in bands)
    while age_on(dob, day) < oldest:
        band = band_for(bands, age_on(dob, day))
        if band is not None and (day - last).days >= band.max_interval_days:
            return day
        day += timedelta(days=1)
    return None


def test_agrees_with_the_definition_applied_day_by_day() -> None:
    rng = random.Random(20261123)
    policies = [CITY, COUNTY, [Band(16, 18, 28), Band(21, 25, 365)], [Band(18, 19, 400)]]
    checked = 0
    for _ in range(3000):
        dob = date(1996, 2, 29) + timedelta(days=rng.randint(0, 365 * 14))
        last = dob + timedelta(days=rng.randint(365 * 14, 365 * 26))
        bands = rng.choice(policies)
        expected = _day_by_day(last, dob, bands)
        assert next_contact_due(last, dob, bands) == expected, (last, dob, bands)
        checked += expected is not None
    assert checked > 1000  # most draws fall due: the comparison is not only of Nones


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        (None, date(2026, 3, 1), 0),
        (date(2026, 3, 7), date(2026, 3, 6), 0),
        (date(2026, 3, 7), date(2026, 3, 7), 0),
        (date(2026, 3, 7), date(2026, 3, 10), 3),
    ],
)
def test_days_overdue(due: date | None, today: date, expected: int) -> None:
    assert days_overdue(due, today) == expected


def test_overlapping_bands_are_found_in_any_order() -> None:
    assert first_overlap(COUNTY) is None
    assert first_overlap([Band(21, 25, 365), Band(16, 22, 56)]) == (Band(16, 22, 56), Band(21, 25, 365))
    assert first_overlap([Band(16, 25, 56), Band(18, 19, 7)]) == (Band(16, 25, 56), Band(18, 19, 7))
