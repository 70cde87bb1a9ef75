"""Timelines written in bulk, below SQLAlchemy's per-row statement machinery (the repository's helpers).

A council's recompute writes hundreds of thousands of rows, so the statements are the cheapest each
database has. PostgreSQL: the people's rows are deleted and the new ones sent with COPY (an UPDATE
there writes a new row version and its index entries anyway). SQLite: what costs is keeping three
indexes a row in step, so a stored row that keeps its indexed columns (a stretch with the same start,
entitlement, district and council: after a publication, nearly all of them) is updated in place,
which writes only the table; the others are deleted and inserted.

Values are bound exactly as a Core statement binds them (each column's own bind processor), each
distinct value converted once: most repeat (the person, the dates, the reasons).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.types import uuid7_hexes

Row = tuple[Any, ...]
DELETE_CHUNK = 5000  # ids a statement, well under SQLite's limit on bound values


async def replace(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    key: Sequence[str],
    care_leaver_ids: list[uuid.UUID],
    rows: list[Row],
) -> None:
    """Replace these people's rows of `table` by `rows` (values in `columns` order, no id). `key`: the
    columns of `columns` that are in an index (a row whose key is unchanged keeps its place in them)."""
    connection = await session.connection()
    _forget(session, table, care_leaver_ids)
    if connection.dialect.name == "postgresql":
        await connection.execute(delete(table).where(table.c.care_leaver_id.in_(care_leaver_ids)))
        await insert(connection, table, columns, rows)
    else:
        await _replace_in_place(connection, table, columns, key, care_leaver_ids, rows)


async def _replace_in_place(
    connection: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    key: Sequence[str],
    care_leaver_ids: list[uuid.UUID],
    rows: list[Row],
) -> None:
    key_at = [columns.index(name) for name in key]
    unindexed = [name for name in columns if name not in key]
    unindexed_at = [columns.index(name) for name in unindexed]
    bind_id = _processor(connection.dialect, table, "id")
    found = await connection.execute(
        select(table.c.id, *(table.c[name] for name in key)).where(
            table.c.care_leaver_id.in_(care_leaver_ids)
        )
    )
    stored = {tuple(values): row_id for row_id, *values in found}
    kept: list[Row] = []  # the unindexed columns' values, then the stored row's id
    added: list[Row] = []
    for row in rows:
        row_id = stored.pop(tuple(row[n] for n in key_at), None)
        if row_id is None:
            added.append(row)
        else:
            kept.append((*(row[n] for n in unindexed_at), bind_id(row_id) if bind_id else row_id))
    gone = list(stored.values())
    for start in range(0, len(gone), DELETE_CHUNK):
        await connection.execute(delete(table).where(table.c.id.in_(gone[start : start + DELETE_CHUNK])))
    if kept:
        assignments = ", ".join(f"{name} = ?" for name in unindexed)
        bound = _bound(connection.dialect, table, unindexed, kept)
        await connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} WHERE id = ?", bound)  # noqa: S608
    await insert(connection, table, columns, added)


async def insert(connection: AsyncConnection, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
    """New rows (values in `columns` order), each given a new id: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    names = (*columns, "id")
    ids = uuid7_hexes(len(rows))  # as SQLite stores a Uuid, and text PostgreSQL reads as one
    bound = _bound(
        connection.dialect, table, columns, [(*row, key) for row, key in zip(rows, ids, strict=True)]
    )
    listed = ", ".join(names)  # our own table's columns: nothing here comes from a request
    if connection.dialect.name == "postgresql":
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        async with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({listed}) FROM STDIN") as copy:
            for line in bound:
                await copy.write_row(line)
    else:
        marks = ", ".join("?" for _ in names)
        await connection.exec_driver_sql(f"INSERT INTO {table.name} ({listed}) VALUES ({marks})", bound)  # noqa: S608


def _processor(dialect: Dialect, table: Table, name: str) -> Callable[[Any], Any] | None:
    return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)


def _bound(dialect: Dialect, table: Table, columns: Sequence[str], rows: list[Row]) -> list[Row]:
    """Rows with the values of `columns` bound as Core would bind them (values after those as they are)."""
    steps: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
        (n, process, {}) for n, name in enumerate(columns) if (process := _processor(dialect, table, name))
    ]
    bound: list[Row] = []
    for row in rows:
        value = list(row)
        for n, process, seen in steps:
            given = value[n]
            if given is not None:
                found = seen.get(given)
                if found is None:
                    found = seen[given] = process(given)
                value[n] = found
        bound.append(tuple(value))
    return bound


def _forget(session: AsyncSession, table: Table, care_leaver_ids: list[uuid.UUID]) -> None:
    """Rows this unit of work loaded before they were updated in place are let go, as deleted ones are:
    a later query loads them afresh rather than returning them unchanged from the identity map."""
    people = set(care_leaver_ids)
    for held in list(session.identity_map.values()):
        if getattr(held, "__table__", None) is table and getattr(held, "care_leaver_id", None) in people:
            session.expunge(held)
