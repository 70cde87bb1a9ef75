"""Timelines written in bulk, below SQLAlchemy's per-row statement machinery (the repository's helpers).

A council's recompute regenerates hundreds of thousands of rows, and many are what is stored already
(every stretch that ended before the new version came into force; after a record change, nearly all
of the person's; after a recompute that changes nothing, all): so the stored rows are read first
(through the driver, as text) and only the difference is written, the cheapest way each database
has. PostgreSQL: the rows that are gone are deleted and the new ones sent with COPY (an UPDATE there
writes a new row version and its index entries anyway, and one from arrays measured slower). SQLite:
what costs is keeping three indexes a row in step, so a new row with the indexed columns of one that
is gone (a stretch with the same start, entitlement, district and council, such as one now answered
under the new version) is written over it, which writes only the table; the others are deleted and
inserted.

Values are bound exactly as a Core statement binds them (each column's own bind processor), each
distinct value converted once: most repeat (the person, the dates, the reasons).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Table, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.types import uuid7_hexes

Row = tuple[Any, ...]
DELETE_CHUNK = 5000  # ids a statement, well under SQLite's limit on bound values


async def replace(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    compared: int,
    key: Sequence[str],
    care_leaver_ids: list[uuid.UUID],
    rows: list[Row],
) -> None:
    """Replace these people's rows of `table` by `rows` (values in `columns` order, no id), writing only
    the difference: a stored row equal to a new one in the first `compared` columns (the others, such as
    when it was computed, are not compared) is left as it is. `key`: the columns of `columns` that are
    in an index (on SQLite, a changed row whose key is unchanged is updated in place)."""
    connection = await session.connection()
    held: dict[Row, Any] = {}
    duplicates: list[tuple[Any, Row]] = []
    for row_id, content in await _stored(connection, table, columns[:compared], care_leaver_ids):
        if content in held:
            duplicates.append((row_id, content))  # never written so, but not kept either
        else:
            held[content] = row_id
    added = [row for row in rows if held.pop(row[:compared], _MISSING) is _MISSING]
    gone = [(row_id, content) for content, row_id in held.items()] + duplicates
    if not added and not gone:
        return
    _forget(session, table, care_leaver_ids)
    if connection.dialect.name == "postgresql":
        await _delete(connection, table, [row_id for row_id, _ in gone])
        await insert(connection, table, columns, added)
    else:
        await _replace_in_place(connection, table, columns, key, gone, added)


_MISSING: Any = object()


async def _stored(
    connection: AsyncConnection, table: Table, compared: Sequence[str], care_leaver_ids: list[uuid.UUID]
) -> list[tuple[Any, Row]]:
    """These people's stored rows: (the id as the database's text, the `compared` values as new rows hold
    them). Read through the driver, uuids, JSON and (on SQLite) dates as text, each distinct text
    converted once: most repeat (the person, the council, the version, the dates, the reasons)."""
    postgres = connection.dialect.name == "postgresql"
    readers = [_reader(table.c[name], postgres) for name in compared]
    listed = ", ".join(["id::text" if postgres else "id", *(column for column, _ in readers)])
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    if postgres:
        sql = f"SELECT {listed} FROM {table.name} WHERE care_leaver_id = ANY(%s)"  # noqa: S608 (our columns)
        async with driver.cursor() as cursor:
            await cursor.execute(sql, (care_leaver_ids,))
            rows = await cursor.fetchall()
    else:
        bind = _processor(connection.dialect, table, "care_leaver_id")
        marks = ", ".join("?" for _ in care_leaver_ids)
        sql = f"SELECT {listed} FROM {table.name} WHERE care_leaver_id IN ({marks})"  # noqa: S608 (our columns)
        async with driver.execute(sql, [bind(i) if bind else i for i in care_leaver_ids]) as cursor:
            rows = await cursor.fetchall()
    if not rows:
        return []
    ids, *values = zip(*rows, strict=True)
    converted = []
    for (_, convert), column in zip(readers, values, strict=True):
        if convert is not None:
            known = {value: convert(value) for value in set(column) if value is not None}
            column = tuple(map(known.get, column))  # None stays None
        converted.append(column)
    return list(zip(ids, zip(*converted, strict=True), strict=True))


def _reader(column: Any, postgres: bool) -> tuple[str, Callable[[Any], Any] | None]:
    """How to select a column as the driver's plain values, and how to turn one into the value a new
    row holds (None: it already is that value)."""
    kind = column.type
    if isinstance(kind, Uuid):
        return (f"{column.name}::text" if postgres else column.name), uuid.UUID
    if isinstance(kind, JSON):
        return (f"{column.name}::text" if postgres else column.name), _frozen_json
    if isinstance(kind, Date) and not postgres:
        return column.name, date.fromisoformat
    return column.name, None


def _frozen_json(text: str) -> Any:
    return _frozen(json.loads(text))


def _frozen(value: Any) -> Any:
    """JSON lists as the tuples the new rows hold them in."""
    return tuple(_frozen(item) for item in value) if isinstance(value, list) else value


async def _delete(connection: AsyncConnection, table: Table, gone: list[Any]) -> None:
    """Stored rows by id, as `_stored` read it (the database's own text): PostgreSQL one array, SQLite
    lists of bound values."""
    if not gone:
        return
    if connection.dialect.name == "postgresql":
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        async with driver.cursor() as cursor:
            await cursor.execute(f"DELETE FROM {table.name} WHERE id = ANY(%s::uuid[])", (gone,))  # noqa: S608
        return
    for start in range(0, len(gone), DELETE_CHUNK):
        chunk = gone[start : start + DELETE_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        await connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE id IN ({marks})", tuple(chunk))  # noqa: S608


async def _replace_in_place(
    connection: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    key: Sequence[str],
    gone: list[tuple[Any, Row]],
    added: list[Row],
) -> None:
    """SQLite: a changed row whose indexed columns are those of a stored row that is gone is written over
    that row, which writes only the table; the other stored rows are deleted, the other new ones inserted."""
    key_at = [columns.index(name) for name in key]
    unindexed = [name for name in columns if name not in key]
    unindexed_at = [columns.index(name) for name in unindexed]
    free: dict[Row, Any] = {}
    deleted: list[Any] = []
    for row_id, content in gone:
        found = tuple(content[n] for n in key_at)
        if found in free:
            deleted.append(row_id)
        else:
            free[found] = row_id
    kept: list[Row] = []  # the unindexed columns' values, then the stored row's id as stored
    inserted: list[Row] = []
    for row in added:
        row_id = free.pop(tuple(row[n] for n in key_at), None)
        if row_id is None:
            inserted.append(row)
        else:
            kept.append((*(row[n] for n in unindexed_at), row_id))
    await _delete(connection, table, deleted + list(free.values()))
    if kept:
        assignments = ", ".join(f"{name} = ?" for name in unindexed)
        bound = _bound(connection.dialect, table, unindexed, kept)
        await connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} WHERE id = ?", bound)  # noqa: S608
    await insert(connection, table, columns, inserted)


async def insert(connection: AsyncConnection, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
    """New rows (values in `columns` order), each given a new id: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    names = (*columns, "id")
    ids = uuid7_hexes(len(rows))  # as SQLite stores a Uuid, and text PostgreSQL reads as one
    with_ids = [(*row, key) for row, key in zip(rows, ids, strict=True)]
    listed = ", ".join(names)  # our own table's columns: nothing here comes from a request
    if connection.dialect.name == "postgresql":
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        bound = _bound(connection.dialect, table, columns, with_ids, finish=_copy_text(driver))
        async with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({listed}) FROM STDIN") as copy:
            for line in bound:
                await copy.write_row(line)
    else:
        marks = ", ".join("?" for _ in names)
        bound = _bound(connection.dialect, table, columns, with_ids)
        await connection.exec_driver_sql(f"INSERT INTO {table.name} ({listed}) VALUES ({marks})", bound)  # noqa: S608


def _copy_text(driver: Any) -> Callable[[Any], Any]:
    """A bound value as the text psycopg's own dumper would send in COPY, for the values it dumps in
    Python on every row (a JSON wrapper: `json.dumps` each time; a uuid): here once per distinct value."""
    from psycopg.adapt import PyFormat
    from psycopg.types.json import Json

    json_dumper = driver.adapters.get_dumper(Json, PyFormat.TEXT)(Json, driver)

    def text(value: Any) -> Any:
        if isinstance(value, Json):
            return bytes(json_dumper.dump(value)).decode()
        if isinstance(value, uuid.UUID):
            return str(value)
        return value

    return text


def _processor(dialect: Dialect, table: Table, name: str) -> Callable[[Any], Any] | None:
    return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)


def _bound(
    dialect: Dialect,
    table: Table,
    columns: Sequence[str],
    rows: list[Row],
    *,
    finish: Callable[[Any], Any] | None = None,
) -> list[Row]:
    """Rows with the values of `columns` bound as Core would bind them (values after those as they are),
    then passed through `finish` if given."""
    steps: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = []
    for n, name in enumerate(columns):
        process = _processor(dialect, table, name)
        if finish is not None:
            process = _then(process, finish)
        if process is not None:
            steps.append((n, process, {}))
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


def _then(process: Callable[[Any], Any] | None, finish: Callable[[Any], Any]) -> Callable[[Any], Any]:
    if process is None:
        return finish
    return lambda value: finish(process(value))


def _forget(session: AsyncSession, table: Table, care_leaver_ids: list[uuid.UUID]) -> None:
    """Rows this unit of work loaded before they were updated in place are let go, as deleted ones are:
    a later query loads them afresh rather than returning them unchanged from the identity map."""
    people = set(care_leaver_ids)
    for held in list(session.identity_map.values()):
        if getattr(held, "__table__", None) is table and getattr(held, "care_leaver_id", None) in people:
            session.expunge(held)
