"""A young person's legal status, derived from the care history when it is not given (STATUTE.md s1).

The status is a function of the history and the date, so it is derived for each date asked about:
the same young person is relevant at 17 and former relevant at 18. What is not modelled here (a
return home for six months, detention on the 16th birthday, a special guardianship order) is
covered by giving `legal_status` directly, which always wins over the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.entitlements.rules.dates import age_on, anniversary, long_date
from app.entitlements.rules.facts import LegalStatus

# Children Act 1989 s19B and CLR reg 3: 13 weeks looked after in a period that began after the
# 14th birthday and ended after the 16th.
QUALIFYING_WEEKS = 13
# The birthdays on which a derived status can change: eligibility starts at 16; relevant becomes
# former relevant at 18; qualifying ends at 21 except for help with education or training, which
# runs to 25 (CA89 s24B(3)); the council's duties to former relevant young people end at 25
# (CA89 s23CZB, s23CA).
STATUS_BIRTHDAYS = (16, 18, 21, 25)
# The facts that say someone is in education or training (CA89 s24B: help with it, and with vacation
# accommodation, for a qualifying young person under 25).
EDUCATION_FACTS = (
    "in_higher_education",
    "in_further_education",
    "in_residential_further_education",
    "in_apprenticeship",
)


def in_education_or_training(facts: Mapping[str, object]) -> bool | None:
    """True if any education or training fact is true, False if all are known false, else None."""
    values = [facts.get(name) for name in EDUCATION_FACTS]
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


@dataclass(frozen=True, slots=True)
class DerivedStatus:
    status: str | None  # None: the history given is not enough to tell
    thresholds: tuple[date, ...]  # later dates on which the derived status may change by itself
    history: str = ""  # the care history in words, for the sentence
    on: date | None = None
    note: str = ""  # what keeps the status past its usual age, for the sentence

    @property
    def explanation(self) -> str:
        """Built only when a reason is shown: most evaluations never need the sentence."""
        if self.status is None or self.on is None:
            return ""
        if self.status == LegalStatus.NONE:
            on = long_date(self.on)
            return f"From your care history ({self.history}), you had no leaving-care status on {on}"
        words = self.status.replace("_", " ")
        return f"From your care history ({self.history}), your leaving-care status is {words}{self.note}"


UNKNOWN = DerivedStatus(None, ())


def derive_legal_status(
    facts: Mapping[str, object], on: date, born: date | None, *, education: bool | None = None
) -> DerivedStatus:
    """`education`: whether they are in education or training on `on`; read from the facts if not given."""
    weeks = facts.get("looked_after_weeks_since_14")
    still = facts.get("still_looked_after")
    left = facts.get("left_care_on")
    if (
        born is None
        or not isinstance(weeks, int | float)
        or (still is not True and not isinstance(left, date))
    ):
        return UNKNOWN
    thresholds = tuple(d for d in (anniversary(born, n) for n in STATUS_BIRTHDAYS) if d > on)
    if isinstance(left, date) and still is not True and left > on:
        thresholds = tuple(sorted({*thresholds, left}))
    enough_weeks = weeks >= QUALIFYING_WEEKS
    weeks_words = (
        f"looked after for {QUALIFYING_WEEKS} weeks or more after your 14th birthday"
        if enough_weeks
        else f"looked after for less than {QUALIFYING_WEEKS} weeks after your 14th birthday"
    )
    age = age_on(born, on)
    # Still in care on the date asked about (a leaving date after it has not happened yet).
    in_care = still is True or (isinstance(left, date) and left > on)
    if in_care and age < 18:
        status = LegalStatus.ELIGIBLE if age >= 16 and enough_weeks else LegalStatus.NONE
        return DerivedStatus(status, thresholds, f"you are still in care and were {weeks_words}", on)
    # Care ends at 18 in law: someone recorded as still in care is treated as leaving on the birthday.
    left_on = anniversary(born, 18) if in_care or not isinstance(left, date) else left
    left_age = age_on(born, left_on)
    history = f"you were {weeks_words}, and left care on {long_date(left_on)} aged {left_age}"
    if left_age < 16:
        status = LegalStatus.NONE
    elif enough_weeks:
        status = (
            LegalStatus.RELEVANT
            if age < 18
            else LegalStatus.FORMER_RELEVANT
            if age < 25
            else LegalStatus.NONE
        )
    elif age < 21:
        status = LegalStatus.QUALIFYING
    elif age < 25:
        # From 21 a qualifying young person keeps help with education or training (CA89 s24B(3):
        # "would have done so if he were under twenty-one"): the status follows the course.
        studying = in_education_or_training(facts) if education is None else education
        if studying is None:
            # Unknown for now, but not for ever: from the 25th birthday there is no status either way.
            return DerivedStatus(None, thresholds)
        if studying:
            note = (
                ", as you are in education or training: help with it continues until your 25th birthday "
                "(Children Act 1989 s24B)"
            )
            return DerivedStatus(LegalStatus.QUALIFYING, thresholds, history, on, note)
        status = LegalStatus.NONE
    else:
        status = LegalStatus.NONE
    return DerivedStatus(status, thresholds, history, on)
