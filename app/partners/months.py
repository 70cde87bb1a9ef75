"""Who is on a billing authority's council-tax list for a period, from the stored decisions: pure.

A person is on the list for a period (a month, or one day) when a run of their stored council-tax
answers that puts them on it (eligible, or unknown only for want of the liability fact) in the billing
authority's area overlaps the period, their consent naming that billing authority was in force on the
period's reckoning day (its last day, or today if earlier), and their case was still open that day.
The starters and leavers of a month compare its list with the previous month's, both reckoned so: one
rule, two periods. The lists people are sent also drop anyone whose consent is withdrawn now, whatever
the period (withdrawal takes effect at once, on every list).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.core.dates import day_before_birthday


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date

    def reckoned_on(self, today: date) -> date:
        return min(self.last, today)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following - timedelta(days=1))

    def previous_month(self) -> Period:
        before = self.first - timedelta(days=1)
        return Period.month(before.year, before.month)

    @property
    def label(self) -> str:
        return f"{self.first.year:04d}-{self.first.month:02d}"


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive days on which the stored answers put them on this billing authority's list."""

    first: date
    last: date | None  # None: as far as anything recorded today can tell


@dataclass(slots=True)
class Standing:
    """One person's facts for one billing authority, as the repository loads them."""

    care_leaver_id: uuid.UUID
    date_of_birth: date
    closed_on: date | None
    runs: list[Run] = field(default_factory=list)
    # (given on, withdrawn on or None) of every consent naming the billing authority.
    consents: list[tuple[date, date | None]] = field(default_factory=list)

    def consent_on(self, day: date) -> tuple[date, date | None] | None:
        for given, withdrawn in self.consents:
            if given <= day and (withdrawn is None or withdrawn > day):
                return given, withdrawn
        return None

    @property
    def consents_now(self) -> bool:
        return any(withdrawn is None for _, withdrawn in self.consents)

    def exempt_until(self, run: Run) -> date:
        return run.last or day_before_birthday(self.date_of_birth, 25)


def merge(segments: list[tuple[date, date | None]]) -> list[Run]:
    """Stored rows (in order of `valid_from`) joined into runs where one ends the day before the next."""
    runs: list[Run] = []
    for first, last in sorted(segments):
        if runs and runs[-1].last is not None and runs[-1].last + timedelta(days=1) >= first:
            previous = runs.pop()
            later = None if last is None or previous.last is None else max(last, previous.last)
            runs.append(Run(previous.first, later))
        else:
            runs.append(Run(first, last))
    return runs


def run_in(standing: Standing, period: Period, today: date) -> Run | None:
    """The run that puts them on the list for `period` (the first that overlaps it), or None."""
    day = period.reckoned_on(today)
    if standing.closed_on is not None and standing.closed_on <= day:
        return None  # a closed case (moved away, died) is not sent to anyone
    if standing.consent_on(day) is None:
        return None
    for run in standing.runs:
        if run.first <= period.last and (run.last is None or run.last >= period.first):
            return run
    return None


def listed(standing: Standing, period: Period, today: date) -> Run | None:
    """On the list as it is sent now: also with a consent that is not withdrawn today."""
    return run_in(standing, period, today) if standing.consents_now else None


def joined_on(standing: Standing, run: Run, period: Period, today: date) -> date:
    """The day a starter came on: their exemption's first day, or the consent's if that came later."""
    consent = standing.consent_on(period.reckoned_on(today))
    return max(run.first, consent[0]) if consent else run.first


def left_on(standing: Standing, period: Period, today: date) -> date:
    """The day a leaver came off: the first of what took them off (the end of their run here, consent
    withdrawn, the case closed), never which it was."""
    before = period.previous_month()
    ends: list[date] = []
    earlier = [
        r for r in standing.runs if r.first <= before.last and (r.last is None or r.last >= before.first)
    ]
    if earlier and earlier[-1].last is not None and earlier[-1].last < period.first:
        ends.append(earlier[-1].last + timedelta(days=1))
    consent = standing.consent_on(before.reckoned_on(today))
    if consent is not None and consent[1] is not None and consent[1] <= period.reckoned_on(today):
        ends.append(consent[1])
    if standing.closed_on is not None:
        ends.append(standing.closed_on)
    return min(ends) if ends else period.first
