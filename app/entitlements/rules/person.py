"""The facts about one young person on one date, with what follows from them worked out once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.entitlements.rules.dates import age_on, anniversary
from app.entitlements.rules.facts import (
    ACADEMIC_YEAR_AGE_DAY,
    DATES_FROM_ON,
    DERIVED_DATES,
    ON,
    ON_OR_BEFORE_ON,
    SETTING_UP_HOME_ON,
)
from app.entitlements.rules.status import UNKNOWN, DerivedStatus, derive_legal_status


@dataclass(frozen=True, slots=True)
class Places:
    """Names for GSS codes, supplied by the caller: the engine itself knows no geography."""

    authorities: Mapping[str, str] = field(
        default_factory=dict
    )  # "E10000024" -> "Nottinghamshire County Council"
    areas: Mapping[str, str] = field(default_factory=dict)  # "E07000170" -> "Ashfield"


class Person:
    """Facts (already validated at the edge) and a date; age and legal status derived once."""

    __slots__ = ("_given", "_later", "age", "born", "derived", "facts", "on", "status")

    def __init__(self, facts: Mapping[str, object], on: date) -> None:
        self._given = facts
        self.facts = _settled(facts, on)
        self.on = on
        self._later: dict[date, Person] = {}
        born = facts.get("date_of_birth")
        self.born: date | None = born if isinstance(born, date) else None
        self.age: int | None = age_on(self.born, on) if self.born is not None else None
        given = facts.get("legal_status")
        if isinstance(given, str):
            self.status: str | None = given
            self.derived: DerivedStatus = UNKNOWN
        else:
            self.derived = derive_legal_status(facts, on, self.born)
            self.status = self.derived.status

    def at(self, on: date) -> Person:
        """The same facts on another date (the status and age may differ), made once per date."""
        later = self._later.get(on)
        if later is None:
            later = self._later[on] = Person(self._given, on)
        return later

    def date_of(self, name: str) -> date | None:
        """A date fact, a derived date (the 18th birthday), or the date asked about."""
        if name == ON:
            return self.on
        if name == ACADEMIC_YEAR_AGE_DAY:
            return academic_year_age_day(self.on)
        if name == SETTING_UP_HOME_ON:
            moved = self.facts.get("first_home_on")
            return moved if isinstance(moved, date) else self.on
        derived = DERIVED_DATES.get(name)
        if derived is not None:
            source, years = derived
            born = self.facts.get(source)
            return anniversary(born, years) if isinstance(born, date) else None
        value = self.facts.get(name)
        return value if isinstance(value, date) else None

    def latest_date_of(self, name: str) -> date | None:
        """For a date not given, the latest it can be from what is given (see ON_OR_BEFORE_ON), if any."""
        settled_by = ON_OR_BEFORE_ON.get(name)
        return self.on if settled_by is not None and self.facts.get(settled_by) is True else None


def _settled(facts: Mapping[str, object], on: date) -> Mapping[str, object]:
    """What the facts given settle on this date: a course that starts after it is not one being studied."""
    added = {
        settler: False
        for name, settler in ON_OR_BEFORE_ON.items()
        if settler not in facts and isinstance(when := facts.get(name), date) and when > on
    }
    return {**facts, **added} if added else facts


def facts_behind(name: str) -> tuple[str, ...]:
    """The facts a date name needs: a derived date needs the fact it is derived from."""
    derived = DERIVED_DATES.get(name)
    if derived is not None:
        return (derived[0],)
    return () if name == ON or name in DATES_FROM_ON else (name,)


def academic_year_age_day(on: date) -> date:
    """31 August of the academic year (1 August to 31 July) that `on` falls in."""
    return date(on.year if on.month >= 8 else on.year - 1, 8, 31)
