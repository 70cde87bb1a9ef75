"""Dated parameters: a value with the date it takes effect, so that any date has one answer.

A parameter is keyed on a date (`basis`): the date asked about ("on"), or an event such as the
start of an apprenticeship or the 18th birthday, so that a council can raise an amount only for
those whose event came after the raise. Values are never rewritten; a change adds a value.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Unit(StrEnum):
    PENCE = "pence"
    YEARS = "years"
    HOURS_PER_WEEK = "hours_per_week"
    WEEKS = "weeks"
    DAYS = "days"


class Period(StrEnum):
    ONCE = "once"
    PER_YEAR = "per_year"
    OVER_COURSE = "over_course"
    PER_WEEK = "per_week"


class Qualifier(StrEnum):
    EXACTLY = "exactly"
    UP_TO = "up_to"
    AT_LEAST = "at_least"


@dataclass(frozen=True, slots=True)
class ParamValue:
    effective_from: date
    value: int
    source: str  # the citation, e.g. "Children Act 1989 s23C(5A)"


class Param:
    __slots__ = ("basis", "name", "starts", "unit", "values")

    def __init__(self, name: str, unit: Unit, basis: str, values: tuple[ParamValue, ...]) -> None:
        self.name = name
        self.unit = unit
        self.basis = basis
        self.values = values
        self.starts = [v.effective_from for v in values]

    def value_at(self, when: date) -> ParamValue | None:
        """The value in force on `when`, or None before the first one took effect."""
        index = bisect_right(self.starts, when) - 1
        return self.values[index] if index >= 0 else None


def pounds(pence: int) -> str:
    """'£3,000' or '£12.50'. The edge uses app.core.types.format_pence; the engine stays stdlib-only."""
    whole, rem = divmod(pence, 100)
    return f"£{whole:,}" if rem == 0 else f"£{whole:,}.{rem:02d}"


def describe(unit: Unit, value: int) -> str:
    """A value in words: '£3,000', '14 hours a week', '21 weeks', '25'."""
    if unit is Unit.PENCE:
        return pounds(value)
    if unit is Unit.HOURS_PER_WEEK:
        return f"{value} hours a week"
    if unit is Unit.WEEKS:
        return f"{value} weeks"
    if unit is Unit.DAYS:
        return f"{value} days"
    return str(value)


PERIOD_WORDS = {
    Period.ONCE: "",
    Period.PER_YEAR: " a year",
    Period.OVER_COURSE: " over your course",
    Period.PER_WEEK: " a week",
}
QUALIFIER_WORDS = {Qualifier.EXACTLY: "", Qualifier.UP_TO: "up to ", Qualifier.AT_LEAST: "at least "}
