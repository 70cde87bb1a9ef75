"""The base every request body schema uses: strict types, unknown fields refused, no control characters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    StrictInt,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from app.core.clock import uk_today

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


@dataclass(frozen=True, slots=True)
class DateRange:
    """Dates (or the date a date and time is written with) from `first` to `last` inclusive; `last`
    None means today in the UK. Outside it, a 422 naming the field. The JSON Schema states the range
    with standard keywords only (`minimum` and `maximum` apply to numbers, not strings): a `pattern`
    admits exactly the years in range, and the description says what a pattern cannot ("today")."""

    first: date
    last: date | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        # A fixed last year even for "today": the committed contract must not change on New Year's Day.
        years = _years(self.first.year, (self.last or LATEST_DATE).year)
        whole = json_schema.get("format") == "date"
        json_schema["pattern"] = f"^{years}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]){'$' if whole else ''}"
        if self.last is None:
            json_schema["description"] = f"From {self.first.isoformat()} to today (UK)"
        return json_schema

    def check(self, value: Any) -> Any:
        day = value.date() if isinstance(value, datetime) else value
        if day < self.first:
            raise PydanticCustomError(
                "greater_than_equal", "Input should be on or after {ge}", {"ge": self.first.isoformat()}
            )
        if self.last is None and day > uk_today():
            raise PydanticCustomError(
                "less_than_equal", "Input should be today or before: it cannot be in the future"
            )
        if self.last is not None and day > self.last:
            raise PydanticCustomError(
                "less_than_equal", "Input should be on or before {le}", {"le": self.last.isoformat()}
            )
        return value


def _years(first: int, last: int) -> str:
    """A regular expression for the years first..last, a whole century at a time where it can:
    1900..2100 is `(19[0-9]{2}|20[0-9]{2}|2100)`, short enough to check by eye."""
    parts = []
    year = first
    while year <= last:
        end = min(year // 100 * 100 + 99, last)
        if year % 100 == 0 and end % 100 == 99:
            parts.append(f"{year // 100}[0-9]{{2}}")
        else:
            parts.extend(str(y) for y in range(year, end + 1))
        year = end + 1
    return f"({'|'.join(parts)})"


# Every date a request carries falls in one of three ranges, each stated in the schema:
# - a date of birth, 1900-01-01 to today: a care leaver is 25 or so at most, but records are kept
#   until the person's 75th birthday and come from case-management exports, so the floor admits
#   anyone alive with a record; a birth before 1900 or after today is always a typing error.
# - a date asked "as of" (`on`) and the contact log's dates, 2000-01-01 to 2100-12-31: the statuses
#   these answers are about date from the Children (Leaving Care) Act 2000, and this service keeps
#   no record older than that.
# - any other date, and the date a date and time is written with, 1900-01-01 to 2100-12-31: far
#   outside a care leaver's life, and date arithmetic on it (ages, years back) never leaves the calendar.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
EARLIEST_AS_OF = date(2000, 1, 1)
ANY_DATE = DateRange(EARLIEST_DATE, LATEST_DATE)
BIRTH_DATE = DateRange(EARLIEST_DATE)
AS_OF_DATE = DateRange(EARLIEST_AS_OF, LATEST_DATE)

# Pydantic's lax mode reads 0 (or "0") as 1970-01-01 and 1 as true: a mistake to refuse, not to guess at.
_DATE_SHAPE = BeforeValidator(_iso(_ISO_DATE, "a date written as YYYY-MM-DD"))
_DATETIME_SHAPE = BeforeValidator(
    _iso(_ISO_DATETIME, "a date and time with an offset, e.g. 2026-11-23T09:30:00+00:00")
)
IsoDate = Annotated[date, _DATE_SHAPE, ANY_DATE]
IsoDateTime = Annotated[datetime, _DATETIME_SHAPE, ANY_DATE]
DateOfBirth = Annotated[date, _DATE_SHAPE, BIRTH_DATE]
AsOfDate = Annotated[date, _DATE_SHAPE, AS_OF_DATE]
AsOfDateTime = Annotated[datetime, _DATETIME_SHAPE, AS_OF_DATE]
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
