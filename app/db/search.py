"""Free-text search in SQL: what a user types is matched as characters, never as a LIKE pattern."""

from __future__ import annotations

from sqlalchemy import ColumnElement

# "/" rather than a backslash: SQLite has no default escape character and PostgreSQL's backslash
# means something else again inside a string literal, so one explicit character serves both.
LIKE_ESCAPE = "/"


def escape_like(text: str) -> str:
    """`%` and `_` typed in a search box are characters to find, not wildcards (`q=%` is not "all")."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", "/%").replace("_", "/_")


def contains(expression: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """`expression` contains `text` literally (compare lower-cased on both sides to ignore case)."""
    return expression.like(f"%{escape_like(text)}%", escape=LIKE_ESCAPE)
