"""Keyset pagination itself, on a scratch table: any rows, any sort the lists use, any page size.

Walking page after page returns exactly the rows of one ordered query, each once, with NULLs last
in either direction on both databases, and equal values (timestamps, dates, names) split across
pages without losing or repeating a row. Positions that do not fit the sort are refused.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Uuid, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.care_leavers.models import CareLeaver
from app.db.base import UtcDateTime
from app.db.pagination import InvalidCursor, Position, SortKey, keyset_page
from app.pathway_plans.models import PathwayPlan

_metadata = MetaData()
scratch = Table(
    "pagination_scratch",
    _metadata,
    Column("id", Uuid, primary_key=True),
    Column("at", UtcDateTime, nullable=True),
    Column("on", Date, nullable=True),
    Column("name", String(8), nullable=True),
    Column("n", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)
c = scratch.c

# Few distinct values, so ties are the rule; the same instants written with different offsets.
_BASE = datetime(2026, 3, 29, 0, 30, 0, 123456, tzinfo=UTC)
INSTANTS = [_BASE, _BASE + timedelta(microseconds=1), _BASE + timedelta(hours=1)]
AT = st.one_of(st.none(), st.sampled_from(INSTANTS).map(lambda t: t.astimezone(timezone(timedelta(hours=1)))))
ON = st.one_of(st.none(), st.sampled_from([date(2026, 1, 31), date(2026, 2, 1)]))
# Lower-case letters order the same under every collation and in Python.
NAME = st.one_of(st.none(), st.text(alphabet="ab", min_size=1, max_size=2))
ROWS = st.lists(st.tuples(AT, ON, NAME, st.integers(0, 2)), max_size=12)

SORTS = [
    SortKey("-at", (c.at, c.id), descending=True),
    SortKey("at", (c.at, c.id)),
    SortKey("on", (c.on, c.id)),
    SortKey("-on", (c.on, c.id), descending=True),
    SortKey("name", (c.name, c.on, c.id)),
    SortKey("-n", (c.n, c.at, c.id), descending=True),
    SortKey("n", (c.n, c.name, c.at, c.id)),
]


def _compare(sort: SortKey, a: dict[str, Any], b: dict[str, Any]) -> int:
    for column in sort.columns:
        x, y = a[column.key], b[column.key]
        if x == y:
            continue
        if x is None or y is None:  # NULLs last, whatever the direction
            return 1 if x is None else -1
        return (1 if x > y else -1) * (-1 if sort.descending else 1)
    return 0


@pytest.fixture
async def table(session: AsyncSession) -> AsyncSession:
    connection = await session.connection()
    await connection.run_sync(_metadata.create_all)
    return session


async def _walk(session: AsyncSession, sort: SortKey, limit: int) -> list[uuid.UUID]:
    seen: list[uuid.UUID] = []
    position: Position | None = None
    for _ in range(100):
        window = await keyset_page(
            session, select(scratch), sort, limit=limit, cursor=position, scalars=False
        )
        assert len(window.items) <= limit
        seen += [row.id for row in window.items]
        if window.next is None:
            return seen
        assert window.items, "a page with a next position is never empty"
        position = window.next
    raise AssertionError(f"{sort.name}: no last page after 100 pages")


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, sort=st.sampled_from(SORTS), limit=st.integers(1, 4))
async def test_every_row_once_in_order(
    table: AsyncSession, rows: list[tuple[Any, ...]], sort: SortKey, limit: int
) -> None:
    session = table
    await session.execute(delete(scratch))
    arranged = [{"id": uuid.uuid4(), "at": at, "on": on, "name": name, "n": n} for at, on, name, n in rows]
    if arranged:
        await session.execute(insert(scratch), arranged)
    expected = sorted(arranged, key=functools.cmp_to_key(functools.partial(_compare, sort)))
    assert await _walk(session, sort, limit) == [row["id"] for row in expected]


def test_positions_keep_their_types() -> None:
    sort = SortKey("-occurred_at", (AuditEvent.occurred_at, AuditEvent.id), descending=True)
    at, an_id = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), uuid.uuid4()
    position = sort.position([at, an_id])
    assert position == Position("-occurred_at", ("2026-01-02T03:04:05.678901+00:00", str(an_id)))
    assert sort.values_of(position) == [at, an_id]
    due = SortKey("next_contact_due_on", (CareLeaver.next_contact_due_on, CareLeaver.id))
    assert due.values_of(due.position([None, an_id])) == [None, an_id]


@pytest.mark.parametrize(
    "values",
    [
        ({"a": 1}, "0190b5d2-0000-7000-8000-000000000000"),  # an object where a timestamp belongs
        ("2026-01-02T03:04:05", "0190b5d2-0000-7000-8000-000000000000"),  # no offset
        ("yesterday", "0190b5d2-0000-7000-8000-000000000000"),
        ("2026-01-02T03:04:05+00:00", "not an id"),
        ("2026-01-02T03:04:05+00:00", 7),
        (None, "0190b5d2-0000-7000-8000-000000000000"),  # NULL where the column cannot be
        ("2026-01-02T03:04:05+00:00",),  # too few values
    ],
)
def test_a_position_that_does_not_fit_the_sort_is_refused(values: tuple[Any, ...]) -> None:
    sort = SortKey("-occurred_at", (AuditEvent.occurred_at, AuditEvent.id), descending=True)
    with pytest.raises(InvalidCursor):
        sort.values_of(Position("-occurred_at", values))
    by_version = SortKey("-version", (PathwayPlan.version, PathwayPlan.id), descending=True)
    for version in (2**63, True, "1"):
        with pytest.raises(InvalidCursor):
            by_version.values_of(Position("-version", (version, str(uuid.uuid4()))))
    by_name = SortKey("family_name", (CareLeaver.family_name, CareLeaver.given_name, CareLeaver.id))
    with pytest.raises(InvalidCursor):
        by_name.values_of(Position("family_name", ("Nul\x00", "Sam", str(uuid.uuid4()))))
    with pytest.raises(InvalidCursor):
        sort.values_of(Position("family_name", ("2026-01-02T03:04:05+00:00", str(uuid.uuid4()))))
