"""Keyset pagination: stable under inserts, constant cost per page, no OFFSET scans."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from app.core.errors import InvalidInput, field_error

T = TypeVar("T")
U = TypeVar("U")


class InvalidCursor(InvalidInput):
    code = "request.invalid_cursor"
    title = "The page cursor is not valid"


@dataclass(frozen=True, slots=True)
class SortKey:
    """A client-visible sort name, the columns it orders by (unique together), and the direction."""

    name: str
    columns: tuple[ColumnElement[Any] | QueryableAttribute[Any], ...]
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Window(Generic[T]):
    items: list[T]
    next_cursor: str | None

    def map(self, fn: Callable[[T], U]) -> Window[U]:
        return Window(items=[fn(item) for item in self.items], next_cursor=self.next_cursor)


def _encode_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode_value(column: ColumnElement[Any] | QueryableAttribute[Any], value: Any) -> Any:
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type in (int, str) and not isinstance(value, python_type):
        raise TypeError(f"expected {python_type.__name__}")
    return value


def encode_cursor(sort: SortKey, values: Sequence[Any]) -> str:
    raw = json.dumps({"s": sort.name, "v": [_encode_value(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(sort: SortKey, cursor: str) -> list[Any]:
    bad = InvalidCursor(
        "The cursor is not one this list gave out; start again without it.",
        errors=[field_error("cursor", "not a cursor from this list", location="query")],
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data.get("s") != sort.name or len(data["v"]) != len(sort.columns):
            raise bad
        return [_decode_value(col, v) for col, v in zip(sort.columns, data["v"], strict=True)]
    except InvalidCursor:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise bad from exc


async def keyset_page(
    session: AsyncSession,
    stmt: Select[*tuple[Any, ...]],
    sort: SortKey,
    *,
    limit: int,
    cursor: str | None,
    scalars: bool = True,
) -> Window[Any]:
    """Run `stmt` ordered by `sort`, after `cursor`, returning at most `limit` items and the next cursor.

    The statement must select the sort columns (directly or through the entity) so the cursor can be built.
    """
    key = tuple_(*sort.columns)
    if cursor is not None:
        after = tuple_(*decode_cursor(sort, cursor))
        stmt = stmt.where(key < after if sort.descending else key > after)
    order = [c.desc() for c in sort.columns] if sort.descending else list(sort.columns)
    result = await session.execute(stmt.order_by(*order).limit(limit + 1))
    rows: list[Any] = list(result.scalars().all() if scalars else result.all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        values = [_value_of(last, col) for col in sort.columns]
        next_cursor = encode_cursor(sort, values)
    return Window(items=rows, next_cursor=next_cursor)


def _value_of(row: Any, column: ColumnElement[Any] | QueryableAttribute[Any]) -> Any:
    name = getattr(column, "key", None) or getattr(column, "name", None)
    if name is None:
        raise ValueError("sort columns must be named")
    if hasattr(row, "_mapping"):
        return row._mapping[name]
    return getattr(row, name)
