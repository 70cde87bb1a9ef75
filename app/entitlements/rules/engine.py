"""Evaluate an offer for one young person on one date: an outcome per entitlement, and why.

`compile_offer` turns an offer version's rule data into slotted objects once; `CompiledOffer.evaluate`
is then a plain function of (facts, date), with no clock, no I/O and no validation: the caller
passes today's date and facts it has already validated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.entitlements.rules.conditions import (
    FAIL,
    PASS,
    RESULT_WORDS,
    UNKNOWN,
    Age,
    All,
    Condition,
    Explained,
)
from app.entitlements.rules.dates import ONE_DAY, anniversary, long_date
from app.entitlements.rules.facts import ON, event_words
from app.entitlements.rules.language import (
    EntitlementData,
    RuleError,
    compile_parameters,
    compile_rule,
    validate_entitlement,
)
from app.entitlements.rules.params import (
    PERIOD_WORDS,
    QUALIFIER_WORDS,
    Param,
    ParamValue,
    Period,
    Qualifier,
    pounds,
)
from app.entitlements.rules.person import Person, Places, facts_behind

# How many later dates are tried when working out when an answer changes by itself: an age limit,
# a status birthday and a withdrawal date are a handful at most.
MAX_CHANGE_DATES = 12


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


OUTCOME_OF = (Outcome.NOT_ELIGIBLE, Outcome.ELIGIBLE, Outcome.UNKNOWN)  # indexed by FAIL, PASS, UNKNOWN


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    result: str  # "passed", "failed" or "unknown"
    message: str
    source: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Amount:
    pence: int
    period: Period
    qualifier: Qualifier
    parameter: str
    effective_from: date
    source: str


@dataclass(frozen=True, slots=True)
class Result:
    entitlement: str
    title: str
    outcome: Outcome
    reasons: tuple[Reason, ...]
    missing_facts: tuple[str, ...]
    amount: Amount | None
    starts_on: date | None  # not eligible now, eligible from this date if nothing else changes
    ends_on: date | None  # eligible now, up to and including this date if nothing else changes
    what_would_change: tuple[str, ...]


class RuleDataInvalid(ValueError):
    def __init__(self, code: str, errors: list[RuleError]) -> None:
        super().__init__(f"{code}: " + "; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


class CompiledEntitlement:
    __slots__ = (
        "amount_param",
        "available_from",
        "code",
        "period",
        "primary_source",
        "qualifier",
        "rule",
        "title",
        "withdrawn_from",
    )

    def __init__(self, data: EntitlementData, places: Places) -> None:
        params = compile_parameters(data)
        self.code = data.code
        self.title = data.title
        self.rule: Condition = compile_rule(data, params, places)
        self.primary_source = data.sources[next(iter(data.sources))]
        self.available_from = data.available_from
        self.withdrawn_from = data.withdrawn_from
        self.amount_param: Param | None = None
        self.period = Period.ONCE
        self.qualifier = Qualifier.EXACTLY
        if data.amount is not None:
            self.amount_param = params[str(data.amount["parameter"])]
            self.period = Period(data.amount["period"])
            self.qualifier = Qualifier(data.amount.get("qualifier", Qualifier.EXACTLY))

    def _available(self, on: date) -> bool:
        if self.available_from is not None and on < self.available_from:
            return False
        return self.withdrawn_from is None or on < self.withdrawn_from

    def decide(self, p: Person) -> int:
        """The outcome alone (FAIL, PASS or UNKNOWN): the fast path, without explanations."""
        if not self._available(p.on):
            return FAIL
        return self._with_amount(p, self.rule.test(p))

    def _with_amount(self, p: Person, result: int) -> int:
        """A rule that passes still needs its amount: unknown without the date it depends on, failed
        when the amount did not exist yet on that date."""
        if result != FAIL and self.amount_param is not None:
            when = p.date_of(self.amount_param.basis)
            # No amount existed on a date already known: nothing else can make it payable.
            if when is not None and self.amount_param.value_at(when) is None:
                return FAIL
            if when is None and self._too_old_for_any_amount(p):
                return FAIL
            if when is None and result == PASS:
                return UNKNOWN
        return result

    def _too_old_for_any_amount(self, p: Person) -> bool:
        """An age limit at the same event the amount is keyed on ("under 25 when the apprenticeship
        starts", amounts from 1 August 2018): someone who reached the limit before the first amount
        existed can never have both, whenever the event was."""
        param = self.amount_param
        if param is None or p.born is None or not isinstance(self.rule, All):
            return False
        first = param.values[0].effective_from
        for child in self.rule.children:
            if isinstance(child, Age) and child.at == param.basis and not child.at_least:
                limit = child.limit.resolve(p)
                if limit is not None and anniversary(p.born, int(limit)) <= first:
                    return True
        return False

    def evaluate(self, p: Person) -> Result:
        """The outcome with its reasons; the rule is tested once (even when unavailable, for the reasons)."""
        reasons: list[Reason] = []
        available = self._available(p.on)
        if not available:
            reasons.append(self._availability_reason(p.on))
        result = self.rule.test(p)
        outcome = self._with_amount(p, result) if available else FAIL
        explained: Explained = []
        self.rule.explain(p, result, explained, False)
        reasons += [
            Reason(leaf.code, RESULT_WORDS[r], leaf.message(p, r), leaf.source, leaf.facts_used())
            for leaf, r in explained
        ]
        missing: list[str] = []
        if result == UNKNOWN:
            self.rule.missing(p, missing)
        amount = None
        if result == PASS and self.amount_param is not None:
            amount, reason = self._amount(p)
            reasons.append(reason)
            if reason.result == RESULT_WORDS[UNKNOWN]:
                missing += [f for f in facts_behind(self.amount_param.basis) if f not in missing]
        elif result == UNKNOWN and outcome == FAIL and available:
            reasons.append(self._no_amount_reason(p))
        changes: list[str] = []
        if outcome == FAIL and available and result == FAIL:
            changes = self.rule.changes(p) or []
        starts_on, ends_on = self._change_dates(p, outcome)
        return Result(
            entitlement=self.code,
            title=self.title,
            outcome=OUTCOME_OF[outcome],
            reasons=tuple(reasons),
            missing_facts=tuple(missing) if outcome == UNKNOWN else (),
            amount=amount,
            starts_on=starts_on,
            ends_on=ends_on,
            what_would_change=tuple(dict.fromkeys(changes)),
        )

    def _no_amount_reason(self, p: Person) -> Reason:
        """Why a rule not yet decided is settled by its amount: none existed when it could have been paid."""
        param = self.amount_param
        assert param is not None
        if p.date_of(param.basis) is not None:
            return self._amount(p)[1]
        first = long_date(param.values[0].effective_from)
        message = f"This began on {first}, after the last day you could have had it."
        return Reason(
            f"amount.{param.name}", "failed", message, self.primary_source, facts_behind(param.basis)
        )

    def _availability_reason(self, on: date) -> Reason:
        if self.available_from is not None and on < self.available_from:
            message = f"This starts on {long_date(self.available_from)}."
            return Reason("entitlement.not_yet_available", "failed", message, self.primary_source, ())
        assert self.withdrawn_from is not None
        message = f"This was withdrawn from {long_date(self.withdrawn_from)}."
        return Reason("entitlement.withdrawn", "failed", message, self.primary_source, ())

    def _amount(self, p: Person) -> tuple[Amount | None, Reason]:
        param = self.amount_param
        assert param is not None
        code = f"amount.{param.name}"
        used = facts_behind(param.basis)
        when = p.date_of(param.basis)
        if when is None:
            message = f"We need to know when {event_words(param.basis)} to work out the amount."
            return None, Reason(code, "unknown", message, self.primary_source, used)
        value = param.value_at(when)
        if value is None:
            first = long_date(param.values[0].effective_from)
            message = f"This began on {first}, after {long_date(when)}."
            return None, Reason(code, "failed", message, self.primary_source, used)
        amount = Amount(
            value.value, self.period, self.qualifier, param.name, value.effective_from, value.source
        )
        return amount, Reason(
            code, "passed", self._amount_sentence(p, param, when, value), value.source, used
        )

    def _amount_sentence(self, p: Person, param: Param, when: date, value: ParamValue) -> str:
        words = f"{QUALIFIER_WORDS[self.qualifier]}{pounds(value.value)}{PERIOD_WORDS[self.period]}"
        if len(param.values) == 1:
            return f"This is {words}."
        since = f"the amount from {long_date(value.effective_from)}"
        if param.basis == ON:
            return f"On {long_date(p.on)} this is {words} ({since})."
        event = event_words(param.basis, future=when > p.on)
        return (
            f"The amount depends on when {event}: {event} on {long_date(when)}, so this is {words} ({since})."
        )

    def change_candidates(self, p: Person) -> set[date]:
        """Later dates on which this answer may change by itself, the facts staying as they are."""
        candidates: set[date] = set()
        self.rule.thresholds(p, candidates)
        for edge in (self.available_from, self.withdrawn_from):
            if edge is not None and edge > p.on:
                candidates.add(edge)
        param = self.amount_param
        if param is not None and param.basis == ON:
            candidates.update(d for d in param.starts if d > p.on)
        return candidates

    def _change_dates(self, p: Person, outcome: int) -> tuple[date | None, date | None]:
        """When the answer changes by itself: the day before it stops, or the day it starts."""
        if outcome == UNKNOWN:
            return None, None
        for when in sorted(self.change_candidates(p))[:MAX_CHANGE_DATES]:
            later = self.decide(p.at(when))
            if later == outcome:
                continue
            if outcome == PASS:
                return None, when - ONE_DAY
            return (when if later == PASS else None), None
        return None, None


class CompiledOffer:
    """One offer version's entitlements, compiled; safe to share between requests."""

    __slots__ = ("entitlements",)

    def __init__(self, entitlements: tuple[CompiledEntitlement, ...]) -> None:
        self.entitlements = entitlements

    def evaluate(self, facts: Mapping[str, object], on: date) -> list[Result]:
        person = Person(facts, on)
        return [entitlement.evaluate(person) for entitlement in self.entitlements]

    def change_dates(self, facts: Mapping[str, object], on: date) -> set[date]:
        """Every later date on which some entitlement's answer may change by itself (a stored timeline
        of decisions is cut at these, so time passing needs no recomputation)."""
        person = Person(facts, on)
        found: set[date] = set()
        for entitlement in self.entitlements:
            found |= entitlement.change_candidates(person)
        return found

    def decide(self, facts: Mapping[str, object], on: date) -> list[Outcome]:
        person = Person(facts, on)
        return [OUTCOME_OF[entitlement.decide(person)] for entitlement in self.entitlements]


def compile_offer(entitlements: Iterable[EntitlementData], places: Places) -> CompiledOffer:
    """Validate and compile; raises RuleDataInvalid for data that should never have been saved."""
    compiled = []
    for data in entitlements:
        errors = validate_entitlement(data)
        if errors:
            raise RuleDataInvalid(data.code, errors)
        compiled.append(CompiledEntitlement(data, places))
    return CompiledOffer(tuple(compiled))
