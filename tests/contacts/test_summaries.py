"""`contact_summaries`, which the caseload uses: right figures, and one query however many people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.care_leavers import hooks
from app.contacts.due_dates import refresh_contact_status
from app.contacts.enums import ContactOutcome
from app.contacts.service import ContactSummary, contact_summaries
from app.core.clock import uk_today
from tests.contacts.helpers import arrange_duty, arrange_person, day, noon
from tests.support import factories as f
from tests.support.world import World


@contextmanager
def counting_queries(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_each_figure_of_the_summary(session: AsyncSession, world: World) -> None:
    person, adviser = world.people["p_a1"], world.users["pa_a1"]
    await arrange_duty(session, person.id)
    await arrange_duty(session, world.id("p_a2"), allocated_days_ago=0)
    seen = await f.contact(session, person, adviser, occurred_at=noon(60))
    await f.contact(session, person, adviser, occurred_at=noon(3), outcome=ContactOutcome.ATTEMPT)
    await f.contact_action(session, seen, adviser, due_on=day(2))  # overdue
    await f.contact_action(session, seen, adviser, due_on=day(-2))  # not yet due
    await f.contact_request(session, person)
    await hooks.records_changed(session, [person.id, world.id("p_a2")])
    summaries = await contact_summaries(session, [person.id, world.id("p_a2")], uk_today())
    assert summaries[person.id] == ContactSummary(
        last_contact_at=noon(60),
        next_contact_due_on=day(4),
        days_overdue=4,
        open_contact_requests=1,
        overdue_actions=1,
    )
    p_a2 = summaries[world.id("p_a2")]  # never contacted: due 56 days after the allocation (today)
    assert (p_a2.last_contact_at, p_a2.next_contact_due_on, p_a2.days_overdue) == (None, day(-56), 0)
    assert p_a2.open_contact_requests == 1  # request_a2


async def test_one_query_for_sixty_people_as_for_one(
    session: AsyncSession, engine: AsyncEngine, world: World
) -> None:
    adviser = world.users["pa_a1"]
    people = [await f.care_leaver(session, adviser=adviser, former_relevant=True) for _ in range(60)]
    for index, person in enumerate(people):
        await arrange_person(session, person.id, created_days_ago=index)
        entry = await f.contact(session, person, adviser, occurred_at=noon(index + 30))
        await f.contact_action(session, entry, adviser, due_on=day(index % 3 - 1))
        if index % 2:
            await f.contact_request(session, person)
    ids = [p.id for p in people]
    await refresh_contact_status(session, ids)
    today = uk_today()
    await contact_summaries(session, ids[:1], today)  # the session's savepoint is open from here on
    with counting_queries(engine) as one:
        await contact_summaries(session, ids[:1], today)
    with counting_queries(engine) as sixty:
        summaries = await contact_summaries(session, ids, today)
    assert len(one) == len(sixty) == 1, sixty
    assert len(summaries) == 60
    assert sum(s.open_contact_requests for s in summaries.values()) == 30
    assert sum(s.overdue_actions for s in summaries.values()) == 20  # due yesterday: one in three
    # Seen 30 to 89 days ago: overdue from 57 days on, so those seen 57 to 89 days ago.
    assert sorted(s.days_overdue for s in summaries.values() if s.days_overdue) == list(range(1, 34))
    assert summaries[ids[59]].next_contact_due_on == day(89) + timedelta(days=56)


async def test_no_ids_no_queries(session: AsyncSession, engine: AsyncEngine) -> None:
    with counting_queries(engine) as statements:
        assert await contact_summaries(session, [], uk_today()) == {}
    assert statements == []
