"""Every `unknown` is one the facts really leave open (issue 11, case 9), for random fact sets.

For each seeded offer, random facts about a young person are evaluated; for every entitlement that
comes back `unknown`, each fact it asks for (`missing_facts`) must matter: some way of filling in the
missing facts, consistent with what is already known, makes it eligible, and changing only that one
fact makes it not eligible. Values are tried from pools that include every boundary the offers use
(the birthdays, the dates amounts change, each status, district and choice), so a fact the answer
does not turn on, or one the known facts already settle, is found.

"Consistent" is this test's own account of the world, not the engine's: nobody was born after the
date asked; someone in higher education on that date began their course by then.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utc_now
from app.core.dates import birthday
from app.entitlements.published import prepared
from app.entitlements.repository import OfferRepository
from app.entitlements.rules import FACTS, CompiledOffer, Kind, LegalStatus, Outcome

CITY, COUNTY = "E06000018", "E10000024"
AREAS = (CITY, *(f"E0700017{n}" for n in range(7)), "E06000015")
ON = date(2027, 3, 10)
DAY = timedelta(days=1)
AGES = (13, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 30)
FIXED_DATES = tuple(
    date.fromisoformat(d)
    for d in ("2018-08-01", "2019-07-01", "2023-03-31", "2023-04-01", "2023-07-31", "2023-08-01")
)
NUMBERS = {"weekly_work_hours": (0, 13, 14, 16, 30), "looked_after_weeks_since_14": (0, 12, 13, 100)}
# The facts a random young person may have (the record and the check share them).
FACT_NAMES = tuple(FACTS)


def born_at(age: int) -> date:
    return birthday(ON - 40 * DAY, -age)


def values_of(name: str, known: Mapping[str, object]) -> tuple[object, ...]:
    """The values to try for a fact, given what else is known (for dates, the birthdays among them)."""
    spec = FACTS[name]
    if name == "date_of_birth":  # ages now, and ages either side of each limit at each date known
        borns = {born_at(a) for a in AGES}
        for when in (v for v in known.values() if isinstance(v, date)):
            for years in (16, 18, 19, 21, 25):
                borns |= {birthday(when, -years), birthday(when, -years) + DAY}
        return tuple(sorted(borns))
    if spec.kind is Kind.BOOL:
        return (True, False)
    if spec.kind is Kind.NUMBER:
        return NUMBERS[name]
    if name == "legal_status":  # "none" is an answer too (the care history gives it; it is never sent)
        return (*spec.choices, LegalStatus.NONE)
    if spec.kind is Kind.CHOICE:
        return tuple(spec.choices)
    if spec.kind is Kind.AUTHORITY:
        return (CITY, COUNTY, "E10000034")
    if spec.kind is Kind.AREA:
        return AREAS
    born = known.get("date_of_birth")
    dates = {ON, ON - DAY, ON + DAY, ON - 400 * DAY, ON + 400 * DAY, *FIXED_DATES}
    if isinstance(born, date):
        for years in (14, 16, 18, 19, 21, 25):
            dates |= {birthday(born, years), birthday(born, years) - DAY}
    return tuple(sorted(dates))


def consistent(facts: Mapping[str, object]) -> bool:
    born = facts.get("date_of_birth")
    if isinstance(born, date) and born > ON:
        return False
    start = facts.get("course_start")
    if facts.get("in_higher_education") is True and isinstance(start, date) and start > ON:
        return False
    return all(not isinstance(v, date) or not isinstance(born, date) or v >= born for v in facts.values())


@st.composite
def fact_sets(draw: st.DrawFn) -> dict[str, object]:
    facts: dict[str, object] = {}
    for name in draw(st.lists(st.sampled_from(FACT_NAMES), unique=True, max_size=9)):
        facts[name] = draw(st.sampled_from(values_of(name, facts)))
    if "date_of_birth" not in facts and draw(st.booleans()):
        facts["date_of_birth"] = draw(st.sampled_from(values_of("date_of_birth", facts)))
    return facts


def completions(facts: dict[str, object], missing: tuple[str, ...]) -> Iterator[dict[str, object]]:
    """Every way to fill in the missing facts from the pools (date of birth first: dates depend on it)."""
    order = sorted(missing, key=lambda n: n != "date_of_birth")
    if "date_of_birth" in order:
        for born in values_of("date_of_birth", facts):
            yield from completions({**facts, "date_of_birth": born}, tuple(order[1:]))
        return
    pools = [values_of(name, facts) for name in order]
    for values in itertools.product(*pools):
        filled = {**facts, **dict(zip(order, values, strict=True))}
        if consistent(filled):
            yield filled


def really_open(one: CompiledOffer, facts: dict[str, object], missing: tuple[str, ...]) -> list[str]:
    """The missing facts for which no filling-in shows that fact deciding eligible against not eligible."""
    decided: dict[tuple[tuple[str, object], ...], Outcome] = {}
    for filled in completions(facts, missing):
        decided[tuple((n, filled[n]) for n in missing)] = one.decide(filled, ON)[0]
    idle = []
    for i, name in enumerate(missing):
        rest: dict[tuple[tuple[str, object], ...], set[Outcome]] = {}
        for key, outcome in decided.items():
            rest.setdefault(key[:i] + key[i + 1 :], set()).add(outcome)
        if not any({Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE} <= outcomes for outcomes in rest.values()):
            idle.append(name)
    return idle


@pytest.mark.parametrize("gss", [CITY, COUNTY])
async def test_every_unknown_is_left_open_by_the_facts(gss: str, session: AsyncSession) -> None:
    repository = OfferRepository(session)
    pointer = await repository.published_as_of(before=utc_now(), gss_code=gss)
    assert pointer is not None
    offer = await prepared(repository, pointer)
    singles = {e.code: CompiledOffer((e,)) for e in offer.compiled.entitlements}
    seen: list[str] = []

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(fact_sets())
    def each_unknown_is_open(facts: dict[str, object]) -> None:
        if not consistent(facts):
            return
        for result in offer.compiled.evaluate(facts, ON):
            if result.outcome is not Outcome.UNKNOWN:
                continue
            seen.append(result.entitlement)
            idle = really_open(singles[result.entitlement], facts, result.missing_facts)
            assert idle == [], f"{result.entitlement}: {facts} asks {result.missing_facts}; idle {idle}"

    each_unknown_is_open()
    assert len(set(seen)) >= 5  # the walk met unknowns across the offer, not one or two
