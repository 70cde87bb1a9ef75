"""The facts about one young person on one date, with what follows from them worked out once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.entitlements.rules.dates import age_on, anniversary
from app.entitlements.rules.facts import DERIVED_DATES, ON
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

    __slots__ = ("_later", "age", "born", "derived", "facts", "on", "status")

    def __init__(self, facts: Mapping[str, object], on: date) -> None:
        self.facts = facts
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
            later = self._later[on] = Person(self.facts, on)
        return later

    def date_of(self, name: str) -> date | None:
        """A date fact, a derived date (the 18th birthday), or the date asked about."""
        if name == ON:
            return self.on
        derived = DERIVED_DATES.get(name)
        if derived is not None:
            source, years = derived
            born = self.facts.get(source)
            return anniversary(born, years) if isinstance(born, date) else None
        value = self.facts.get(name)
        return value if isinstance(value, date) else None


def facts_behind(name: str) -> tuple[str, ...]:
    """The facts a date name needs: a derived date needs the fact it is derived from."""
    derived = DERIVED_DATES.get(name)
    if derived is not None:
        return (derived[0],)
    return () if name == ON else (name,)
