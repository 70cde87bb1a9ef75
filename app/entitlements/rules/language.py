"""The rule language: JSON a council stores with each entitlement, validated and compiled here.

A rule is one condition. Conditions combine with `all`, `any` and `not`; the tests are:

    {"fact": "in_higher_education", "is": true}
    {"fact": "legal_status", "in": ["relevant", "former_relevant"]}
    {"fact": "district", "in": ["E07000170", "E07000171"]}
    {"fact": "weekly_work_hours", "at_least": {"param": "minimum_weekly_hours"}}   (or "under")
    {"fact": "apprenticeship_start", "on_or_after": "2018-08-01"}                 (or "before";
                                                                                  "on" = the date asked about)
    {"age_under": 25}   {"age_at_least": 21}   {"age_under": 25, "at": "apprenticeship_start"}

Any condition may add `code` (the reason code), `source` (the id of one of the entitlement's
sources; the first source otherwise), `says` ({"passed"|"failed"|"unknown": the council's own
sentence}) and `change` (what would make it pass, e.g. "if you start a university course").

Parameters are dated values: {"unit": "pence", "basis": "eighteenth_birthday", "values":
[{"effective_from": "2023-04-01", "value": 300000, "source": "statute"}]}. The basis is the date
the value is looked up on: "on" (the date asked about), a date fact, or a derived date.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.entitlements.rules.conditions import (
    Age,
    All,
    AnyOf,
    BoolIs,
    Condition,
    DateCompare,
    Limit,
    Meta,
    Not,
    NumberAtLeast,
    OneOf,
)
from app.entitlements.rules.facts import (
    FACTS,
    LEGAL_STATUS_WORDS,
    ON,
    FactSpec,
    Kind,
    known_dates,
)
from app.entitlements.rules.params import Param, ParamValue, Period, Qualifier, Unit
from app.entitlements.rules.person import Places

GSS_CODE = re.compile(r"^[ENSW]\d{8}$")
REASON_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_DEPTH = 10
MAX_CONDITIONS = 200
MAX_TEXT = 400
META_KEYS = frozenset({"code", "source", "says", "change"})
SAYS_KEYS = frozenset({"passed", "failed", "unknown"})
FACT_OPS = ("is", "in", "at_least", "under", "on_or_after", "before")
KINDS = ("all", "any", "not", "fact", "age_under", "age_at_least")


@dataclass(frozen=True, slots=True)
class RuleError:
    path: str  # dotted, e.g. "rule.all.1.fact"
    message: str


@dataclass(frozen=True, slots=True)
class EntitlementData:
    """What the engine needs of one entitlement version: its code, rule, parameters and sources."""

    code: str
    title: str
    rule: Mapping[str, Any]
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    amount: Mapping[str, Any] | None = None
    sources: Mapping[str, str] = field(default_factory=dict)  # id -> citation, primary first
    available_from: date | None = None
    withdrawn_from: date | None = None


def validate_entitlement(data: EntitlementData) -> list[RuleError]:
    """Every problem with an entitlement's rule data, or an empty list if it compiles."""
    errors: list[RuleError] = []
    if not data.sources:
        errors.append(
            RuleError("sources", "at least one source is needed: every rule names where it comes from")
        )
    errors += validate_parameters(data.parameters, data.sources)
    checker = _RuleChecker(data.parameters, data.sources)
    checker.condition(data.rule, "rule", 1)
    errors += checker.errors
    errors += _validate_amount(data.amount, data.parameters)
    if data.available_from and data.withdrawn_from and data.withdrawn_from <= data.available_from:
        errors.append(RuleError("withdrawn_from", "must be after available_from"))
    return errors


def validate_parameters(
    parameters: Mapping[str, Mapping[str, Any]], sources: Mapping[str, str]
) -> list[RuleError]:
    errors: list[RuleError] = []
    dates = known_dates()
    for name, spec in parameters.items():
        path = f"parameters.{name}"
        if not PARAMETER_NAME.match(name):
            errors.append(RuleError(path, "a parameter name is lower_snake_case, at most 40 characters"))
        if spec.get("unit") not in Unit.__members__.values():
            errors.append(RuleError(f"{path}.unit", f"must be one of {', '.join(Unit)}"))
        basis = spec.get("basis", ON)
        if basis not in dates:
            errors.append(
                RuleError(
                    f"{path}.basis", f"{basis!r} is not a known date; use one of {', '.join(sorted(dates))}"
                )
            )
        values = spec.get("values")
        if not isinstance(values, Sequence) or isinstance(values, str) or not values:
            errors.append(RuleError(f"{path}.values", "at least one dated value is needed"))
            continue
        previous: date | None = None
        for index, value in enumerate(values):
            where = f"{path}.values.{index}"
            if not isinstance(value, Mapping):
                errors.append(RuleError(where, "must be an object"))
                continue
            starts = _as_date(value.get("effective_from"))
            if starts is None:
                errors.append(RuleError(f"{where}.effective_from", "must be a date (YYYY-MM-DD)"))
            elif previous is not None and starts <= previous:
                errors.append(
                    RuleError(f"{where}.effective_from", "values must be in date order, one per date")
                )
            previous = starts or previous
            amount = value.get("value")
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
                errors.append(RuleError(f"{where}.value", "must be a whole number, 0 or more"))
            if not _named(value.get("source"), sources):
                errors.append(RuleError(f"{where}.source", "must name one of the entitlement's sources"))
    return errors


def _validate_amount(
    amount: Mapping[str, Any] | None, parameters: Mapping[str, Mapping[str, Any]]
) -> list[RuleError]:
    if amount is None:
        return []
    errors = []
    parameter = parameters.get(str(amount.get("parameter")))
    if parameter is None or parameter.get("unit") != Unit.PENCE:
        errors.append(RuleError("amount.parameter", "must name a parameter in pence"))
    if amount.get("period") not in Period.__members__.values():
        errors.append(RuleError("amount.period", f"must be one of {', '.join(Period)}"))
    if amount.get("qualifier", Qualifier.EXACTLY) not in Qualifier.__members__.values():
        errors.append(RuleError("amount.qualifier", f"must be one of {', '.join(Qualifier)}"))
    return errors


class _RuleChecker:
    def __init__(self, parameters: Mapping[str, Mapping[str, Any]], sources: Mapping[str, str]) -> None:
        self.parameters = parameters
        self.sources = sources
        self.errors: list[RuleError] = []
        self.count = 0

    def fail(self, path: str, message: str) -> None:
        self.errors.append(RuleError(path, message))

    def condition(self, node: object, path: str, depth: int) -> None:
        self.count += 1
        if self.count == MAX_CONDITIONS + 1:
            self.fail(path, f"a rule has at most {MAX_CONDITIONS} conditions")
        if depth > MAX_DEPTH:
            self.fail(path, f"conditions nest at most {MAX_DEPTH} deep")
            return
        if not isinstance(node, Mapping):
            self.fail(path, "a condition is an object")
            return
        kinds = [k for k in KINDS if k in node]
        if len(kinds) != 1:
            self.fail(path, f"a condition has exactly one of {', '.join(KINDS)}")
            return
        self.meta(node, path)
        kind = kinds[0]
        if kind in ("all", "any"):
            self.keys(node, path, {kind})
            children = node[kind]
            if not isinstance(children, Sequence) or isinstance(children, str) or not children:
                self.fail(f"{path}.{kind}", "must be a non-empty list of conditions")
                return
            for index, child in enumerate(children):
                self.condition(child, f"{path}.{kind}.{index}", depth + 1)
        elif kind == "not":
            self.keys(node, path, {"not"})
            self.condition(node["not"], f"{path}.not", depth + 1)
        elif kind == "fact":
            self.fact(node, path)
        else:
            self.keys(node, path, {kind, "at"})
            self.limit(node[kind], f"{path}.{kind}", Unit.YEARS, 0, 120)
            at = node.get("at", ON)
            if not _named(at, known_dates()):
                self.fail(
                    f"{path}.at", f"{at!r} is not a known date; use one of {', '.join(sorted(known_dates()))}"
                )

    def keys(self, node: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in node:
            if key not in allowed and key not in META_KEYS:
                self.fail(f"{path}.{key}", "is not part of the rule language")

    def meta(self, node: Mapping[str, Any], path: str) -> None:
        code = node.get("code")
        if code is not None and (not isinstance(code, str) or not REASON_CODE.match(code)):
            self.fail(f"{path}.code", "a reason code is lower case: letters, digits, '.', '_' or '-'")
        source = node.get("source")
        if source is not None and not _named(source, self.sources):
            self.fail(f"{path}.source", "must name one of the entitlement's sources")
        says = node.get("says")
        if says is not None and (
            not isinstance(says, Mapping)
            or not set(says) <= SAYS_KEYS
            or not all(isinstance(v, str) and 0 < len(v) <= MAX_TEXT for v in says.values())
        ):
            self.fail(
                f"{path}.says",
                f"maps passed, failed or unknown to a sentence of at most {MAX_TEXT} characters",
            )
        change = node.get("change")
        if change is not None and (not isinstance(change, str) or not 0 < len(change) <= MAX_TEXT):
            self.fail(f"{path}.change", f"is a sentence of at most {MAX_TEXT} characters")

    def fact(self, node: Mapping[str, Any], path: str) -> None:
        name = node["fact"]
        spec = FACTS.get(name) if isinstance(name, str) else None
        date_names = {n for n in known_dates() if n != ON}
        if spec is None and not _named(name, date_names):
            self.fail(f"{path}.fact", f"{name!r} is not a known fact")
            return
        ops = [op for op in FACT_OPS if op in node]
        if len(ops) != 1:
            self.fail(path, f"a fact test has exactly one of {', '.join(FACT_OPS)}")
            return
        op = ops[0]
        self.keys(node, path, {"fact", op})
        kind = spec.kind if spec is not None else Kind.DATE
        where = f"{path}.{op}"
        expects = {
            "is": (Kind.BOOL,),
            "in": (Kind.CHOICE, Kind.AUTHORITY, Kind.AREA),
            "at_least": (Kind.NUMBER,),
            "under": (Kind.NUMBER,),
            "on_or_after": (Kind.DATE,),
            "before": (Kind.DATE,),
        }[op]
        if kind not in expects:
            self.fail(where, f"{name!r} is a {kind.value} fact; {op!r} does not apply to it")
            return
        value = node[op]
        if op == "is" and not isinstance(value, bool):
            self.fail(where, "must be true or false")
        elif op == "in" and spec is not None:
            self.choices(value, spec, where)
        elif op in ("at_least", "under") and spec is not None:
            self.limit(value, where, Unit(spec.unit), spec.minimum or 0, spec.maximum or 10**9)
        elif op in ("on_or_after", "before") and value != ON and _as_date(value) is None:
            self.fail(where, 'must be a date (YYYY-MM-DD) or "on" (the date asked about)')

    def choices(self, value: object, spec: FactSpec, where: str) -> None:
        if not isinstance(value, Sequence) or isinstance(value, str) or not value:
            self.fail(where, "must be a non-empty list")
            return
        for index, item in enumerate(value):
            if spec.kind is Kind.CHOICE and not _named(item, spec.choices):
                self.fail(
                    f"{where}.{index}", f"{item!r} is not a value of {spec.name}: {', '.join(spec.choices)}"
                )
            if spec.kind is not Kind.CHOICE and not (isinstance(item, str) and GSS_CODE.match(item)):
                self.fail(f"{where}.{index}", "must be a GSS code such as E07000170")

    def limit(self, value: object, where: str, unit: Unit, low: float, high: float) -> None:
        if isinstance(value, Mapping):
            name = value.get("param")
            parameter = self.parameters.get(name) if isinstance(name, str) else None
            if parameter is None or set(value) != {"param"}:
                self.fail(
                    where, 'must be a number or {"param": name} naming one of the entitlement\'s parameters'
                )
            elif parameter.get("unit") != unit:
                self.fail(where, f"the parameter {name!r} must be in {unit}")
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            self.fail(where, f"must be a number from {low:g} to {high:g}, or a parameter")


def _named(value: object, names: Collection[str]) -> bool:
    """`value in names` for any JSON value: a list or an object is never a name (nor a crash)."""
    return isinstance(value, str) and value in names


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# Compilation. It assumes `validate_entitlement` found nothing: the service validates before saving,
# and the database holds only validated rules.


def compile_parameters(data: EntitlementData) -> dict[str, Param]:
    params = {}
    for name, spec in data.parameters.items():
        values = tuple(
            ParamValue(
                effective_from=_as_date(v["effective_from"]) or date.min,
                value=int(v["value"]),
                source=data.sources[v["source"]],
            )
            for v in spec["values"]
        )
        params[name] = Param(name, Unit(spec["unit"]), str(spec.get("basis", ON)), values)
    return params


def compile_rule(data: EntitlementData, params: Mapping[str, Param], places: Places) -> Condition:
    primary = data.sources[next(iter(data.sources))]
    return _Compiler(params, data.sources, primary, places).condition(data.rule)


class _Compiler:
    def __init__(
        self, params: Mapping[str, Param], sources: Mapping[str, str], primary: str, places: Places
    ) -> None:
        self.params = params
        self.sources = sources
        self.primary = primary
        self.places = places

    def meta(self, node: Mapping[str, Any], code: str, change: str = "") -> Meta:
        source = node.get("source")
        return Meta(
            code=node.get("code") or code,
            source=self.sources[source] if source else self.primary,
            says=node.get("says") or {},
            change=node.get("change") or change,
        )

    def condition(self, node: Mapping[str, Any]) -> Condition:
        if "all" in node:
            return All(tuple(self.condition(c) for c in node["all"]), self.meta(node, "all"))
        if "any" in node:
            return AnyOf(tuple(self.condition(c) for c in node["any"]), self.meta(node, "any"))
        if "not" in node:
            return Not(self.condition(node["not"]), self.meta(node, "not"))
        if "fact" in node:
            return self.fact(node)
        at_least = "age_at_least" in node
        raw = node["age_at_least" if at_least else "age_under"]
        at = str(node.get("at", ON))
        limit = self.limit(raw)
        prefix = "age" if at == ON else f"age_at_{at}"
        what = f"{raw['param']}" if isinstance(raw, Mapping) else f"{raw:g}"
        code = f"{prefix}.{'at_least' if at_least else 'under'}_{what}"
        return Age(limit, at_least, at, self.meta(node, code))

    def limit(self, raw: object) -> Limit:
        if isinstance(raw, Mapping):
            return Limit(None, self.params[str(raw["param"])])
        assert isinstance(raw, int | float)
        return Limit(float(raw), None)

    def fact(self, node: Mapping[str, Any]) -> Condition:
        name = str(node["fact"])
        spec = FACTS.get(name)
        if spec is None or spec.kind is Kind.DATE:
            on_or_after = "on_or_after" in node
            raw = node["on_or_after" if on_or_after else "before"]
            other = None if raw == ON else _as_date(raw)
            code = f"{name}.{'on_or_after' if on_or_after else 'before'}"
            return DateCompare(name, on_or_after, other, self.meta(node, code))
        if "is" in node:
            expected = bool(node["is"])
            return BoolIs(
                spec,
                expected,
                self.meta(node, f"{name}.{'yes' if expected else 'no'}", spec.change if expected else ""),
            )
        if "in" in node:
            values = tuple(str(v) for v in node["in"])
            return OneOf(spec, values, self.words(spec), self.meta(node, f"{name}.one_of"))
        at_least = "at_least" in node
        limit = self.limit(node["at_least" if at_least else "under"])
        return NumberAtLeast(
            spec, limit, at_least, self.meta(node, f"{name}.{'at_least' if at_least else 'under'}")
        )

    def words(self, spec: FactSpec) -> Mapping[str, str]:
        if spec.name == "legal_status":
            return LEGAL_STATUS_WORDS
        if spec.kind is Kind.AUTHORITY:
            return self.places.authorities
        if spec.kind is Kind.AREA:
            return self.places.areas
        return spec.choices
