"""One person's timeline of decisions: the engine walked across every date its answer may change.

The answer on a day comes from exactly the code that answers `GET .../entitlements?on=`: the record's
snapshot of circumstances on that day, its derived status (`history.decide_loaded`), the facts the
record gives (`facts_from_record`) and the offer version in force that day (`evaluate_offer`). Between
two consecutive dates below nothing the answer depends on can change, so one evaluation per date
covers the whole stretch:
- the dates the engine itself says an answer may change (`CompiledOffer.change_dates`: birthdays
  at the rules' age limits, dated amounts, entitlements starting or withdrawn);
- the date the derived status stops holding by itself (`StatusDecision.valid_until`: a birthday, a
  leaving date, the day a period looked after completes its 13th week);
- the dates the person's circumstances change (each entry's `valid_from`; a course's start);
- the days status overrides were set or ended, and offer versions were published.
Neighbouring stretches with the same answer are merged.

Only what is stored is worked out on each date (`_stored_answer`: the outcome, amount, missing facts and
each reason's code and result, as `CompiledEntitlement.evaluate` finds them), not the sentences, the
change dates or what would change that the check also returns. Before the council's first version only
the status is worked out (nothing else is stored then); and on a date with the same facts and version
as the one before, an entitlement keeps its answer, unevaluated, until its own next change date
(`CompiledEntitlement.change_candidates`). `walk(..., explain=True)` takes the
check's own `evaluate_offer` on every date instead, and `bench/decisions.py` compares the two on every
run.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.care_leavers.enums import CircumstanceKind
from app.care_leavers.episode_status import history_on
from app.care_leavers.facts import facts_from_record, reads_care_history
from app.care_leavers.history import decide_loaded
from app.care_leavers.models import Circumstance
from app.core.clock import UK
from app.core.dates import birthday
from app.decisions.bulk import Row
from app.decisions.repository import PersonInputs
from app.entitlements.published import PublishedOffer
from app.entitlements.rules import Result
from app.entitlements.rules.conditions import FAIL, PASS, RESULT_WORDS, UNKNOWN, Explained
from app.entitlements.rules.engine import OUTCOME_OF, CompiledEntitlement
from app.entitlements.rules.person import Person, facts_behind
from app.entitlements.service import _check_consistent, evaluate_offer

ONE_DAY = timedelta(days=1)
# Stored from the 16th birthday (when a leaving-care status can first begin), or a year back at least.
HISTORY_DAYS = 366
STATUS_AGES = (16, 25)


def uk_day(at: datetime) -> date:
    return at.astimezone(UK).date()


@dataclass(frozen=True, slots=True)
class Offers:
    """A council's published versions, oldest first, and the day (UK) each came into force."""

    versions: Sequence[PublishedOffer]
    from_days: Sequence[date]

    @classmethod
    def of(cls, versions: Sequence[PublishedOffer]) -> Offers:
        return cls(versions, [uk_day(v.pointer.published_at) for v in versions])

    def in_force(self, day: date) -> PublishedOffer | None:
        # The version published last before the end of `day` (entitlements.service.published_before).
        index = bisect.bisect_right(self.from_days, day) - 1
        return self.versions[index] if index >= 0 else None


class _Snapshots:
    """What was true on any date, from all of a person's entries (the repository's `snapshots` rule:
    the latest `valid_from` on or before the day; of two for one day, the one recorded later)."""

    def __init__(self, entries: list[Circumstance]) -> None:
        self.by_kind: dict[CircumstanceKind, tuple[list[date], list[Circumstance]]] = {}
        grouped: dict[CircumstanceKind, list[Circumstance]] = {}
        for entry in entries:
            grouped.setdefault(CircumstanceKind(entry.kind), []).append(entry)
        for kind, items in grouped.items():
            items.sort(key=lambda e: (e.valid_from, e.recorded_at))
            self.by_kind[kind] = ([e.valid_from for e in items], items)
        self.changes = sorted({e.valid_from for e in entries} | set(_course_starts(entries)))

    def on(self, day: date) -> dict[CircumstanceKind, Circumstance]:
        found = {}
        for kind, (days, items) in self.by_kind.items():
            index = bisect.bisect_right(days, day) - 1
            if index >= 0:
                found[kind] = items[index]
        return found

    def next_change(self, day: date) -> date | None:
        index = bisect.bisect_right(self.changes, day)
        return self.changes[index] if index < len(self.changes) else None


def _course_starts(entries: list[Circumstance]) -> list[date]:
    # A course recorded before it starts counts from its start (facts_from_record: started <= on).
    return [
        date.fromisoformat(e.details["started_on"])
        for e in entries
        if e.kind == CircumstanceKind.HIGHER_EDUCATION and e.details.get("started_on")
    ]


# What a row stores of one answer: (outcome, amount in pence, missing facts, ((reason code, result), ...)).
Answer = tuple[str, int | None, tuple[str, ...], tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    status: str | None
    district: str | None
    offer: PublishedOffer | None
    results: list[tuple[str, Answer]]  # (entitlement code, answer), in the offer's order


def _stored_answer(entitlement: CompiledEntitlement, p: Person) -> Answer:
    """`CompiledEntitlement.evaluate(p)` reduced to what is stored, step for step, without the words."""
    reasons: list[tuple[str, str]] = []
    available = entitlement._available(p.on)
    if not available:
        reason = entitlement._availability_reason(p.on)
        reasons.append((reason.code, reason.result))
    result = entitlement.rule.test(p)
    outcome = entitlement._with_amount(p, result) if available else FAIL
    explained: Explained = []
    entitlement.rule.explain(p, result, explained, False)
    reasons += [(leaf.code, RESULT_WORDS[r]) for leaf, r in explained]
    missing: list[str] = []
    if result == UNKNOWN:
        entitlement.rule.missing(p, missing)
    pence = None
    if result == PASS and entitlement.amount_param is not None:
        amount, reason = entitlement._amount(p)
        reasons.append((reason.code, reason.result))
        if reason.result == RESULT_WORDS[UNKNOWN]:
            missing += [f for f in facts_behind(entitlement.amount_param.basis) if f not in missing]
        pence = amount.pence if amount is not None else None
    elif result == UNKNOWN and outcome == FAIL and available:
        reason = entitlement._no_amount_reason(p)
        reasons.append((reason.code, reason.result))
    return OUTCOME_OF[outcome].value, pence, tuple(missing) if outcome == UNKNOWN else (), tuple(reasons)


@dataclass(frozen=True, slots=True)
class _Answered:
    """One date's answers, and for each entitlement the next date its answer may change by itself."""

    offer: PublishedOffer
    facts: dict[str, object]
    results: list[tuple[str, Answer]]
    next_change: list[date | None]


def _answers(offer: PublishedOffer, facts: dict[str, object], day: date, last: _Answered | None) -> _Answered:
    """As `evaluate_offer`: the same checks, the council asked about defaulting to the offer's. With the
    same facts and version as `last`, an answer is carried over until its own next change date: the
    engine's change dates are where it may change by itself (`CompiledEntitlement.change_candidates`)."""
    _check_consistent(facts, day)
    if facts.get("local_authority") is None:
        facts = {**facts, "local_authority": offer.pointer.gss_code}
    carried = last if last is not None and last.offer is offer and last.facts == facts else None
    person: Person | None = None
    results: list[tuple[str, Answer]] = []
    next_change: list[date | None] = []
    for n, entitlement in enumerate(offer.compiled.entitlements):
        if carried is not None and ((until := carried.next_change[n]) is None or day < until):
            results.append(carried.results[n])
            next_change.append(until)
            continue
        if person is None:
            person = Person(facts, day)
        results.append((entitlement.code, _stored_answer(entitlement, person)))
        next_change.append(min((d for d in entitlement.change_candidates(person) if d > day), default=None))
    return _Answered(offer, facts, results, next_change)


def _explained(offer: PublishedOffer, facts: dict[str, object], day: date) -> list[tuple[str, Answer]]:
    return [(r.entitlement, brief(r)) for r in evaluate_offer(offer, facts, day)]


def walk(inputs: PersonInputs, offers: Offers, today: date, *, explain: bool = False) -> list[Point]:
    """The answers on the first day of each stretch, from the start of the stored window onwards
    (`explain`: through the check's full `evaluate_offer`, to compare)."""
    person = inputs.person
    born = person.date_of_birth
    start = max(born, min(birthday(born, STATUS_AGES[0]), today - timedelta(days=HISTORY_DAYS)))
    snapshots = _Snapshots(inputs.circumstances)
    # Walked to the 26th birthday (support that began before 25, such as a course, can run past it),
    # and at least to the last recorded change: a course recorded today that starts next year.
    end = max(birthday(born, STATUS_AGES[1] + 1), today, *snapshots.changes)
    fixed = set(offers.from_days)
    for override in inputs.overrides:
        fixed.add(uk_day(override.recorded_at))
        if override.ended_at is not None:
            fixed.add(uk_day(override.ended_at))
    points: list[Point] = []
    day = start
    answered: _Answered | None = None
    while True:
        snapshot = snapshots.on(day)
        decision = decide_loaded(person, day, snapshot, inputs.overrides, inputs.episodes)
        details = {kind: entry.details for kind, entry in snapshot.items()}
        offer = offers.in_force(day)
        results: list[tuple[str, Answer]] = []
        candidates = {d for d in fixed if d > day}
        if offer is not None:  # before the first version only the status is stored
            care = None
            if inputs.episodes and reads_care_history(decision.status):
                care = history_on(born, inputs.episodes, day)[0]
            facts = facts_from_record(person, offer.pointer.gss_code, details, decision.status, day, care)
            if explain:
                results = _explained(offer, facts, day)
                candidates |= offer.compiled.change_dates(facts, day)
            else:
                answered = _answers(offer, facts, day, answered)
                results = answered.results
                candidates.update(d for d in answered.next_change if d is not None)
        residence = details.get(CircumstanceKind.RESIDENCE)
        points.append(
            Point(
                day,
                decision.status.value if decision.status is not None else None,
                residence.get("district_gss_code") if residence else None,
                offer,
                results,
            )
        )
        if decision.valid_until is not None:
            candidates.add(decision.valid_until + ONE_DAY)
        if (change := snapshots.next_change(day)) is not None:
            candidates.add(change)
        later = [d for d in candidates if day < d <= end]
        if not later:
            return points
        day = min(later)


def brief(result: Result) -> Answer:
    """What a row stores of one of the engine's full answers."""
    return (
        result.outcome.value,
        result.amount.pence if result.amount is not None else None,
        tuple(result.missing_facts),
        tuple((r.code, r.result) for r in result.reasons),
    )


def rows(inputs: PersonInputs, points: list[Point], now: datetime) -> tuple[list[Row], list[Row]]:
    """Merged stretches as rows, in the repository's column order (`DECISION_COLUMNS`,
    `STATUS_COLUMNS`): (decisions, status periods), each in the order its stretch begins."""
    person = inputs.person
    council, someone = person.local_authority_id, person.id
    ends = [p.day - ONE_DAY for p in points[1:]] + [None]
    decisions: list[Row] = []
    # Per entitlement, the stretch still open: (what must stay equal to extend it, its first day, its
    # place in `decisions`); written out when it ends.
    open_rows: dict[str, tuple[tuple[Any, ...], date, int]] = {}

    def close(code: str, valid_to: date | None) -> None:
        key, valid_from, at = open_rows.pop(code)
        (outcome, pence, missing, reasons), version_id, number, district = key
        decisions[at] = (
            council,
            someone,
            code,
            valid_from,
            valid_to,
            outcome,
            pence,
            version_id,
            number,
            district,
            missing,
            reasons,
            now,
        )

    previous_end: date | None = None
    for point, valid_to in zip(points, ends, strict=True):
        offer = point.offer
        seen = set()
        for code, answer in point.results:
            assert offer is not None
            seen.add(code)
            key = (answer, offer.pointer.version_id, offer.pointer.number, point.district)
            current = open_rows.get(code)
            if current is not None:
                if current[0] == key:
                    continue
                close(code, previous_end)
            open_rows[code] = (key, point.day, len(decisions))
            decisions.append(())
        for code in [c for c in open_rows if c not in seen]:
            close(code, previous_end)  # withdrawn from the version now in force: no row until it returns
        previous_end = valid_to
    for code in list(open_rows):
        close(code, None)
    statuses: list[Row] = []
    started = 0
    for n, point in enumerate(points):
        if n + 1 == len(points) or points[n + 1].status != point.status:
            statuses.append((council, someone, points[started].day, ends[n], point.status, now))
            started = n + 1
    return decisions, statuses


def timeline_rows(
    inputs: PersonInputs, offers: Offers, today: date, now: datetime, *, explain: bool = False
) -> tuple[list[Row], list[Row]]:
    return rows(inputs, walk(inputs, offers, today, explain=explain), now)


__all__ = ["HISTORY_DAYS", "Offers", "Point", "brief", "timeline_rows"]
