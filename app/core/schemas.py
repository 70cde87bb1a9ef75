"""The base every request body schema uses: strict types, unknown fields refused, no control characters."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, field_validator

# NUL and the other C0 controls (tab, newline and carriage return aside) are never meaningful in
# this API's text, PostgreSQL refuses NUL outright, and they hide content in logs and letters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    return _CONTROL.search(value) is not None


def _check_text(value: Any) -> Any:
    if isinstance(value, str):
        if has_control_characters(value):
            raise ValueError("must not contain control characters")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$")


def _iso(pattern: re.Pattern[str], what: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None or isinstance(value, date):
            return value
        if isinstance(value, str) and pattern.match(value):
            return value
        raise ValueError(f"must be {what}")

    return check


# Pydantic's lax mode reads 0 (or "0") as 1970-01-01 and 1 as true: a mistake to refuse, not to guess at.
IsoDate = Annotated[date, BeforeValidator(_iso(_ISO_DATE, "a date written as YYYY-MM-DD"))]
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(_iso(_ISO_DATETIME, "a date and time with an offset, e.g. 2026-11-23T09:30:00+00:00")),
]
# A date to answer "as of": bounded, so arithmetic on it (ages, years back) cannot leave the calendar.
AsOfDate = Annotated[IsoDate, Field(ge=date(2000, 1, 1), le=date(2199, 12, 31))]
Flag = StrictBool
Count = StrictInt


class InputModel(BaseModel):
    """A request body: fields a caller may not set are refused, never silently ignored; text may not
    carry control characters. Use `IsoDate`, `IsoDateTime`, `Flag` and `Count` for non-text fields."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        return _check_text(value)
