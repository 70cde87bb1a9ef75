"""Keyset pagination: stable under inserts, constant cost per page, no OFFSET scans.

This layer deals in plain positions (a sort's name and the last item's sort values); the HTTP edge
(`app.api.pagination`) seals them into opaque cursors bound to the list and the account.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, TypeDecorator, and_, false, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from app.core.errors import InvalidInput, field_error

T = TypeVar("T")
U = TypeVar("U")

Column = ColumnElement[Any] | QueryableAttribute[Any]
# What a position holds, so it survives JSON: text, whole numbers, or null.
Scalar = str | int | None
_SORTABLE = (str, int, uuid.UUID, date)  # date covers datetime


class InvalidCursor(InvalidInput):
    code = "request.invalid_cursor"
    title = "The page cursor is not valid"


def invalid_cursor(why: str = "not a cursor from this list") -> InvalidCursor:
    return InvalidCursor(
        "The cursor is not one this list gave you, or it has expired; start again without it.",
        errors=[field_error("cursor", why, location="query")],
    )


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended: the sort it belongs to and the last item's value of each sort column."""

    sort: str
    values: tuple[Scalar, ...]


def _python_type(column: Column) -> type:
    type_ = column.type
    if isinstance(type_, TypeDecorator):  # e.g. UtcDateTime: order and compare as its stored type
        type_ = type_.impl_instance
    python_type: type = type_.python_type
    return python_type


def _nullable(column: Column) -> bool:
    # Mapped attributes know; anything else (a label, an expression) is treated as possibly NULL.
    return bool(getattr(getattr(column, "expression", column), "nullable", True))


@dataclass(frozen=True, slots=True)
class SortKey:
    """A client-visible sort name, the columns it orders by (unique together), and the direction.

    NULLs sort last in either direction, on every database. Sort columns belong to the rows listed
    (not to an outer-joined table, whose non-null columns can still come back NULL).
    """

    name: str
    columns: tuple[Column, ...]
    descending: bool = False

    def __post_init__(self) -> None:
        for column in self.columns:
            if not issubclass(_python_type(column), _SORTABLE):
                raise TypeError(f"{self.name}: cannot page by a column of {_python_type(column).__name__}")

    def order_by(self) -> list[ColumnElement[Any]]:
        order: list[ColumnElement[Any]] = []
        for column in self.columns:
            term = column.desc() if self.descending else column.asc()
            # Only where NULL can occur: a plain order keeps the index usable for a backward scan.
            order.append(term.nulls_last() if _nullable(column) else term)
        return order

    def after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        """Rows that come after `values` in this order: (c1 beyond v1) or (c1 = v1 and c2 beyond v2) or ...

        Spelled out rather than as a row-value comparison, which drops rows where a column is NULL
        and cannot express NULLS LAST. The comparisons bind each value with its column's type.
        """
        branches, equal = [], []
        for column, value in zip(self.columns, values, strict=True):
            if value is None:  # nothing sorts after NULL in this column: only later columns decide
                equal.append(column.is_(None))
                continue
            beyond = column < value if self.descending else column > value
            if _nullable(column):
                beyond = or_(beyond, column.is_(None))
            branches.append(and_(*equal, beyond))
            equal.append(column == value)
        if not branches:
            return false()
        first, value = self.columns[0], values[0]
        if value is None or _nullable(first):
            return or_(*branches)
        # Redundant, but a plain range on the leading column lets the planner use its index.
        bound = first <= value if self.descending else first >= value
        return and_(bound, or_(*branches))

    def position(self, values: Sequence[Any]) -> Position:
        return Position(self.name, tuple(_encode(v) for v in values))

    def values_of(self, position: Position) -> list[Any]:
        """The typed values of a position this sort made; InvalidCursor for anything else."""
        if position.sort != self.name or len(position.values) != len(self.columns):
            raise invalid_cursor()
        try:
            return [
                _decode(column, value) for column, value in zip(self.columns, position.values, strict=True)
            ]
        except (TypeError, ValueError) as exc:
            raise invalid_cursor() from exc


@dataclass(frozen=True, slots=True)
class Window(Generic[T]):
    """One page of items, and the position the next page starts after (None on the last page)."""

    items: list[T]
    next: Position | None

    def map(self, fn: Callable[[T], U]) -> Window[U]:
        return Window(items=[fn(item) for item in self.items], next=self.next)


async def windows(fetch: Callable[[Position | None], Awaitable[Window[T]]]) -> AsyncIterator[Window[T]]:
    """Every page of a list in turn, following each window's `next` (for a job that reads it all)."""
    cursor: Position | None = None
    while True:
        window = await fetch(cursor)
        yield window
        if window.next is None:
            return
        cursor = window.next


def _encode(value: Any) -> Scalar:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("sort values must be aware datetimes")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, str | int):
        return value
    raise TypeError(f"cannot page by a value of {type(value).__name__}")


def _decode(column: Column, value: Scalar) -> Any:
    if value is None:
        if not _nullable(column):
            raise ValueError("null where the column cannot be")
        return None
    python_type = _python_type(column)
    # Only we can seal a position, but its values are still checked against what the database accepts.
    if python_type is int:
        if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
            raise TypeError("expected a whole number")
        return value
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError("expected text")
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type is datetime:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("expected a time with its offset")
        return moment
    if python_type is date:
        return date.fromisoformat(value)
    return value


async def keyset_page(
    session: AsyncSession,
    stmt: Select[*tuple[Any, ...]],
    sort: SortKey,
    *,
    limit: int,
    cursor: Position | None,
    scalars: bool = True,
) -> Window[Any]:
    """Run `stmt` ordered by `sort`, after `cursor`, returning at most `limit` items and the next position.

    The statement must select the sort columns (directly or through the entity) so the position can be built.
    """
    if cursor is not None:
        stmt = stmt.where(sort.after(sort.values_of(cursor)))
    result = await session.execute(stmt.order_by(*sort.order_by()).limit(limit + 1))
    rows: list[Any] = list(result.scalars().all() if scalars else result.all())
    if len(rows) <= limit:
        return Window(items=rows, next=None)
    rows = rows[:limit]
    return Window(items=rows, next=sort.position([_value_of(rows[-1], col) for col in sort.columns]))


def _value_of(row: Any, column: Column) -> Any:
    name = getattr(column, "key", None) or getattr(column, "name", None)
    if name is None:
        raise ValueError("sort columns must be named")
    if hasattr(row, "_mapping"):
        return row._mapping[name]
    return getattr(row, name)
