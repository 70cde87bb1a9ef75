"""Compiled conditions: slotted objects with a `test` that answers in three-valued logic.

A condition passes, fails, or cannot be decided because a fact is missing (Kleene logic: `all`
fails as soon as one part fails, whatever else is unknown, so a missing fact is only asked for
when it would change the answer). Compiled once per offer version by `language.compile_rule`;
`test` is the hot path and does no validation (the edge validated the facts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.entitlements.rules.dates import ONE_DAY, age_on, anniversary, long_date, ordinal
from app.entitlements.rules.facts import (
    ACADEMIC_YEAR_AGE_DAY,
    FACTS,
    ON,
    ON_OR_BEFORE_ON,
    FactSpec,
    Kind,
    event_words,
)
from app.entitlements.rules.params import Param, describe
from app.entitlements.rules.person import Person, facts_behind

FAIL, PASS, UNKNOWN = 0, 1, 2
RESULT_WORDS = ("failed", "passed", "unknown")

Explained = list[tuple["Leaf", int]]  # (condition, whether it counts for or against) in order


@dataclass(frozen=True, slots=True)
class Meta:
    code: str
    source: str  # the citation every reason from this condition names
    says: Mapping[str, str]  # the council's own wording, by result, replacing the generated sentence
    change: str  # what would make a failing condition pass, in words


class Condition:
    __slots__ = ("change", "code", "says", "source")

    def __init__(self, meta: Meta) -> None:
        self.code = meta.code
        self.source = meta.source
        self.says = meta.says
        self.change = meta.change

    def test(self, p: Person) -> int:
        raise NotImplementedError

    def explain(self, p: Person, result: int, out: Explained, invert: bool) -> None:
        raise NotImplementedError

    def missing(self, p: Person, out: list[str]) -> None:
        raise NotImplementedError

    def changes(self, p: Person) -> list[str] | None:
        """For a failing condition: what would make it pass, or None if nothing the person does would."""
        raise NotImplementedError

    def thresholds(self, p: Person, out: set[date]) -> None:
        """Collect later dates on which this condition may change by itself (birthdays, fixed dates)."""
        raise NotImplementedError


class All(Condition):
    __slots__ = ("children",)

    def __init__(self, children: tuple[Condition, ...], meta: Meta) -> None:
        super().__init__(meta)
        self.children = children

    def test(self, p: Person) -> int:
        result = PASS
        for child in self.children:
            r = child.test(p)
            if r == FAIL:
                return FAIL
            if r == UNKNOWN:
                result = UNKNOWN
        return result

    def explain(self, p: Person, result: int, out: Explained, invert: bool) -> None:
        # A failure is explained by what was checked (passed and failed), an unknown by what
        # passed and what is missing; parts that could not change the answer are left out.
        skip = UNKNOWN if result == FAIL else FAIL if result == UNKNOWN else -1
        for child in self.children:
            r = child.test(p)
            if r != skip:
                child.explain(p, r, out, invert)

    def missing(self, p: Person, out: list[str]) -> None:
        for child in self.children:
            if child.test(p) == UNKNOWN:
                child.missing(p, out)

    def changes(self, p: Person) -> list[str] | None:
        if self.change:
            return [self.change]
        needed: list[str] = []
        for child in self.children:
            if child.test(p) == FAIL:
                found = child.changes(p)
                if found is None:
                    return None
                needed += found
        return needed

    def thresholds(self, p: Person, out: set[date]) -> None:
        for child in self.children:
            child.thresholds(p, out)


class AnyOf(Condition):
    __slots__ = ("children",)

    def __init__(self, children: tuple[Condition, ...], meta: Meta) -> None:
        super().__init__(meta)
        self.children = children

    def test(self, p: Person) -> int:
        result = FAIL
        for child in self.children:
            r = child.test(p)
            if r == PASS:
                return PASS
            if r == UNKNOWN:
                result = UNKNOWN
        return result

    def explain(self, p: Person, result: int, out: Explained, invert: bool) -> None:
        for child in self.children:
            r = child.test(p)
            if result != PASS or r == PASS:
                child.explain(p, r, out, invert)

    def missing(self, p: Person, out: list[str]) -> None:
        for child in self.children:
            if child.test(p) == UNKNOWN:
                child.missing(p, out)

    def changes(self, p: Person) -> list[str] | None:
        if self.change:
            return [self.change]
        for child in self.children:
            found = child.changes(p)
            if found is not None:
                return found
        return None

    def thresholds(self, p: Person, out: set[date]) -> None:
        for child in self.children:
            child.thresholds(p, out)


class Not(Condition):
    __slots__ = ("child",)

    def __init__(self, child: Condition, meta: Meta) -> None:
        super().__init__(meta)
        self.child = child

    def test(self, p: Person) -> int:
        r = self.child.test(p)
        return r if r == UNKNOWN else PASS - r

    def explain(self, p: Person, result: int, out: Explained, invert: bool) -> None:
        self.child.explain(p, self.child.test(p), out, not invert)

    def missing(self, p: Person, out: list[str]) -> None:
        self.child.missing(p, out)

    def changes(self, p: Person) -> list[str] | None:
        return [self.change] if self.change else None

    def thresholds(self, p: Person, out: set[date]) -> None:
        self.child.thresholds(p, out)


class Leaf(Condition):
    """One test of one fact. Subclasses supply `test`, `facts_needed` and the generated sentence."""

    __slots__ = ()

    def explain(self, p: Person, result: int, out: Explained, invert: bool) -> None:
        out.append((self, (PASS - result if result != UNKNOWN else UNKNOWN) if invert else result))

    def changes(self, p: Person) -> list[str] | None:
        return [self.change] if self.change else None

    def thresholds(self, p: Person, out: set[date]) -> None:
        return None

    def missing(self, p: Person, out: list[str]) -> None:
        for name in self.facts_needed(p):
            if name not in out:
                out.append(name)

    def facts_needed(self, p: Person) -> tuple[str, ...]:
        raise NotImplementedError

    def facts_used(self) -> tuple[str, ...]:
        raise NotImplementedError

    def sentence(self, p: Person, result: int) -> str:
        raise NotImplementedError

    def message(self, p: Person, result: int) -> str:
        """The council's wording if it gave one for this result, else the generated sentence."""
        own = self.says.get(RESULT_WORDS[result])
        return own if own else self.sentence(p, result)


class Limit:
    """A number a fact or an age is compared with: fixed in the rule, or a dated parameter."""

    __slots__ = ("fixed", "param")

    def __init__(self, fixed: float | None, param: Param | None) -> None:
        self.fixed = fixed
        self.param = param

    def resolve(self, p: Person) -> float | None:
        if self.param is None:
            return self.fixed
        when = p.date_of(self.param.basis)
        found = self.param.value_at(when) if when is not None else None
        return found.value if found is not None else None

    def thresholds(self, p: Person, out: set[date]) -> None:
        # A limit looked up on the date asked about changes when its next value takes effect.
        if self.param is not None and self.param.basis == ON:
            out.update(d for d in self.param.starts if d > p.on)

    def basis_missing(self, p: Person) -> tuple[str, ...]:
        if self.param is None or p.date_of(self.param.basis) is not None:
            return ()
        return facts_behind(self.param.basis)

    def words(self, value: float) -> str:
        if self.param is not None:
            return describe(self.param.unit, int(value))
        return _number(value)


class BoolIs(Leaf):
    __slots__ = ("expected", "spec")

    def __init__(self, spec: FactSpec, expected: bool, meta: Meta) -> None:
        super().__init__(meta)
        self.spec = spec
        self.expected = expected

    def test(self, p: Person) -> int:
        value = p.facts.get(self.spec.name)
        if value is None:
            return UNKNOWN
        return PASS if value is self.expected else FAIL

    def facts_needed(self, p: Person) -> tuple[str, ...]:
        return (self.spec.name,)

    def facts_used(self) -> tuple[str, ...]:
        return (self.spec.name,)

    def sentence(self, p: Person, result: int) -> str:
        if result == UNKNOWN:
            return f"We don't know {self.spec.label} yet."
        value = p.facts.get(self.spec.name)
        return f"{self.spec.yes if value else self.spec.no}."


class OneOf(Leaf):
    """A fact whose value must be one of a list: a status, a council, a place, a choice."""

    __slots__ = ("allowed", "audience", "is_status", "spec", "values", "words")

    def __init__(self, spec: FactSpec, values: tuple[str, ...], words: Mapping[str, str], meta: Meta) -> None:
        super().__init__(meta)
        self.spec = spec
        self.values = values
        self.allowed = frozenset(values)
        self.words = words
        self.is_status = spec.name == "legal_status"
        self.audience = spec.audience.format(_join_or([self._word(v) for v in values]))

    def test(self, p: Person) -> int:
        value = p.status if self.is_status else p.facts.get(self.spec.name)
        if value is None:
            return UNKNOWN
        return PASS if value in self.allowed else FAIL

    def facts_needed(self, p: Person) -> tuple[str, ...]:
        return (self.spec.name,)

    def facts_used(self) -> tuple[str, ...]:
        return (self.spec.name,)  # "legal_status" for a status condition too

    def thresholds(self, p: Person, out: set[date]) -> None:
        if self.is_status:
            out.update(p.derived.thresholds)

    def _word(self, value: str) -> str:
        known = self.words.get(value)
        if known:
            return known
        return f"the {'council' if self.spec.kind is Kind.AUTHORITY else 'area'} with GSS code {value}"

    def sentence(self, p: Person, result: int) -> str:
        audience = self.audience
        if result == UNKNOWN:
            if self.is_status:
                return (
                    "We don't know your leaving-care status yet: tell us your status, or when you left care "
                    "and how long you were looked after after your 14th birthday. "
                    f"This is for {audience}."
                )
            return f"We don't know {self.spec.label} yet: this is for {audience}."
        value = str(p.status if self.is_status else p.facts.get(self.spec.name))
        if self.is_status and p.derived.status is not None:
            said = p.derived.explanation
        else:
            said = self.spec.statement.format(self._word(value))
        if result == PASS:
            return f"{said}, and this is for {audience}."
        return f"{said}, and this is only for {audience}."


class NumberAtLeast(Leaf):
    __slots__ = ("at_least", "limit", "spec")

    def __init__(self, spec: FactSpec, limit: Limit, at_least: bool, meta: Meta) -> None:
        super().__init__(meta)
        self.spec = spec
        self.limit = limit
        self.at_least = at_least

    def test(self, p: Person) -> int:
        value = p.facts.get(self.spec.name)
        limit = self.limit.resolve(p)
        if not isinstance(value, int | float) or limit is None:
            return UNKNOWN if value is None or self.limit.basis_missing(p) else FAIL
        passed = value >= limit if self.at_least else value < limit
        return PASS if passed else FAIL

    def facts_needed(self, p: Person) -> tuple[str, ...]:
        own = (self.spec.name,) if p.facts.get(self.spec.name) is None else ()
        return own + self.limit.basis_missing(p)

    def facts_used(self) -> tuple[str, ...]:
        return (self.spec.name,)

    def thresholds(self, p: Person, out: set[date]) -> None:
        self.limit.thresholds(p, out)

    def changes(self, p: Person) -> list[str] | None:
        if self.change:
            return [self.change]
        limit = self.limit.resolve(p)
        # Only "at least" can be met by doing more; the fact's own words carry the limit.
        if not self.at_least or limit is None or not self.spec.change:
            return None
        return [self.spec.change.format(self.limit.words(limit))]

    def sentence(self, p: Person, result: int) -> str:
        limit = self.limit.resolve(p)
        if limit is None:
            need = "a limit that was not set on that date"
        else:
            need = (
                f"at least {self.limit.words(limit)}"
                if self.at_least
                else f"less than {self.limit.words(limit)}"
            )
        value = p.facts.get(self.spec.name)
        if result == UNKNOWN or not isinstance(value, int | float):
            return f"We don't know {self.spec.label} yet: this needs {need}."
        return f"{self.spec.statement.format(_number(value))}, and this needs {need}."


class Age(Leaf):
    """The age on the date asked about, or at an event (`at`): under a limit, or at least one."""

    __slots__ = ("at", "at_least", "limit")

    def __init__(self, limit: Limit, at_least: bool, at: str, meta: Meta) -> None:
        super().__init__(meta)
        self.limit = limit
        self.at_least = at_least
        self.at = at  # "on", a date fact, or a derived date

    def _age(self, p: Person) -> int | None:
        if self.at == "on":
            return p.age
        when = p.date_of(self.at)
        if when is None or p.born is None:
            return None
        return age_on(p.born, when)

    def _oldest(self, p: Person) -> int | None:
        """With the event's date not given but known to be no later than the date asked, the most the
        age at the event can be (the age now): enough to settle an age limit either way below it."""
        if self.at == "on" or p.born is None or p.date_of(self.at) is not None:
            return None
        latest = p.latest_date_of(self.at)
        return age_on(p.born, latest) if latest is not None else None

    def test(self, p: Person) -> int:
        age = self._age(p)
        limit = self.limit.resolve(p)
        if age is None and limit is not None:
            oldest = self._oldest(p)
            if oldest is not None and oldest < limit:
                return FAIL if self.at_least else PASS
        if age is None or limit is None:
            return UNKNOWN if age is None or self.limit.basis_missing(p) else FAIL
        passed = age >= limit if self.at_least else age < limit
        return PASS if passed else FAIL

    def facts_needed(self, p: Person) -> tuple[str, ...]:
        needed = ["date_of_birth"] if p.born is None else []
        if self.at != "on" and p.date_of(self.at) is None:
            # Under the limit now, the fact that bounds the event's date settles it: ask that first.
            settled_by = ON_OR_BEFORE_ON.get(self.at)
            limit = self.limit.resolve(p)
            if (
                settled_by
                and p.facts.get(settled_by) is None
                and p.age is not None
                and limit is not None
                and p.age < limit
            ):
                return (*needed, settled_by)
            needed += [f for f in facts_behind(self.at) if f not in needed]
        return tuple(needed) + self.limit.basis_missing(p)

    def facts_used(self) -> tuple[str, ...]:
        if self.at == "on":
            return ("date_of_birth",)
        settled_by = ON_OR_BEFORE_ON.get(self.at)
        return ("date_of_birth", *facts_behind(self.at), *((settled_by,) if settled_by else ()))

    def thresholds(self, p: Person, out: set[date]) -> None:
        self.limit.thresholds(p, out)
        limit = self.limit.resolve(p)
        if self.at == ACADEMIC_YEAR_AGE_DAY and p.born is not None and limit is not None:
            # The limit is reached in the first academic year whose 31 August is on or after that birthday.
            reached = anniversary(p.born, int(limit))
            year = reached.year if (reached.month, reached.day) <= (8, 31) else reached.year + 1
            if date(year, 8, 1) > p.on:
                out.add(date(year, 8, 1))
        # The age on the date asked counts here too when it bounds the age at an event not given.
        if p.born is not None and limit is not None and (self.at == "on" or self._oldest(p) is not None):
            birthday = anniversary(p.born, int(limit))
            if birthday > p.on:
                out.add(birthday)

    def sentence(self, p: Person, result: int) -> str:
        limit = self.limit.resolve(p)
        years = int(limit) if limit is not None else None
        rule = "aged {} or over" if self.at_least else "under {}"
        who = (
            f"care leavers {rule.format(years)}" if years is not None else "an age limit not set on that date"
        )
        age = self._age(p)
        if self.at == "on":
            if age is None or p.born is None:
                return f"We don't know your date of birth yet: this is for {who}."
            if result == PASS:
                return f"You are {age}, and this is for {who}."
            if self.at_least and years is not None:
                birthday = long_date(anniversary(p.born, years))
                starts = f"it starts on your {ordinal(years)} birthday, {birthday}"
                return f"You are {age}, and this is for {who}: {starts}."
            return f"You are {age}, and this is only for {who}."
        event = event_words(self.at)
        oldest = self._oldest(p) if age is None else None
        if oldest is not None and years is not None and oldest < years:
            settled = FACTS[ON_OR_BEFORE_ON[self.at]].yes
            only = "only " if self.at_least else ""
            return (
                f"You are {p.age} and {settled[0].lower()}{settled[1:]}, so you were {oldest} or younger when "
                f"{event}, and this is {only}for {who} at that point."
            )
        if age is None:
            unknown = "your date of birth" if p.born is None else f"when {event}"
            return f"We don't know {unknown} yet: this is for {who} at that point."
        when = p.date_of(self.at)
        if when is not None and when > p.on:
            event = event_words(self.at, future=True)
            only = "" if result == PASS else "only "
            return f"You will be {age} when {event}, and this is {only}for {who} then."
        if result == PASS:
            return f"You were {age} when {event}, and this is for {who} at that point."
        return f"You were {age} when {event}, and this is only for {who} at that point."


class DateCompare(Leaf):
    """A date (an event, or a derived date) on or after, or before, a fixed date or the date asked about."""

    __slots__ = ("name", "on_or_after", "other")

    def __init__(self, name: str, on_or_after: bool, other: date | None, meta: Meta) -> None:
        super().__init__(meta)
        self.name = name
        self.on_or_after = on_or_after
        self.other = other  # None: the date asked about

    def test(self, p: Person) -> int:
        value = p.date_of(self.name)
        if value is None:
            return UNKNOWN
        other = self.other or p.on
        return PASS if (value >= other) is self.on_or_after else FAIL

    def facts_needed(self, p: Person) -> tuple[str, ...]:
        return facts_behind(self.name)

    def facts_used(self) -> tuple[str, ...]:
        return facts_behind(self.name)

    def thresholds(self, p: Person, out: set[date]) -> None:
        value = p.date_of(self.name)
        # Compared with the date asked about, the answer flips the day after the event date.
        if self.other is None and value is not None and value >= p.on:
            out.add(value + ONE_DAY)

    def sentence(self, p: Person, result: int) -> str:
        other = long_date(self.other) if self.other else f"the date you asked about ({long_date(p.on)})"
        need = f"on or after {other}" if self.on_or_after else f"before {other}"
        value = p.date_of(self.name)
        if value is None:
            return f"We don't know when {event_words(self.name)} yet: this needs that to be {need}."
        event = event_words(self.name, future=value > p.on)
        said = f"{event[0].upper()}{event[1:]} on {long_date(value)}"
        return f"{said}, and this needs that to be {need}."


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _join_or(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]
