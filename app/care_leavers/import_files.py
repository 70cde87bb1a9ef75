"""What both CSV imports share (care leavers, `imports`; SSDA903 care episodes, `episode_imports`): reading
the file, its header and row limit, the day-first dates UK exports use, the modes, the row report and the
refusal of an all-or-nothing file with bad rows. Pure: no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError

from app.core.errors import InvalidInput, field_error
from app.core.schemas import ANY_DATE

MAX_ROWS = 20_000


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ROWS = "valid_rows"


class RowOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    INVALID = "invalid"


def csv_date(value: Any) -> Any:
    """ISO dates, or the day-first dates UK case-management exports use (14/05/2006)."""
    if isinstance(value, str) and "/" in value:
        try:
            return datetime.strptime(value.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 - a date, not a time
        except ValueError as exc:
            raise ValueError("must be a date as YYYY-MM-DD or DD/MM/YYYY") from exc
    return value


# The same range as the API's own dates (app.core.schemas): an import is no back door for 0001-01-01.
CsvDate = Annotated[date, BeforeValidator(csv_date), ANY_DATE]


@dataclass
class RowReport:
    line: int
    case_reference: str | None
    outcome: RowOutcome
    errors: list[dict[str, str]] = field(default_factory=list)

    def refuse(self, name: str, message: str) -> None:
        self.outcome = RowOutcome.INVALID
        self.errors.append({"field": name, "message": message})


@dataclass
class FileReport:
    """What an import did, or (dry run, or refused) would have done, row by row."""

    mode: ImportMode
    dry_run: bool
    imported: bool
    rows: list[RowReport]

    def count(self, outcome: RowOutcome) -> int:
        return count(self.rows, outcome)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "counts": counts(self.rows),
            "rows": rows_dict(self.rows),
        }


def count(rows: Sequence[RowReport], outcome: RowOutcome) -> int:
    return sum(1 for r in rows if r.outcome is outcome)


def counts(rows: Sequence[RowReport]) -> dict[str, int]:
    return {o.value: count(rows, o) for o in RowOutcome}


def rows_dict(rows: Sequence[RowReport]) -> list[dict[str, Any]]:
    return [
        {"line": r.line, "case_reference": r.case_reference, "outcome": r.outcome.value, "errors": r.errors}
        for r in rows
    ]


def read(
    text: str, columns: Sequence[str], required: Sequence[str], *, header: Callable[[str], str] = str.strip
) -> list[tuple[int, dict[str, str]]]:
    """Each row's line number and its non-blank cells, by column; `header` normalises the header's names."""
    try:
        return _read(text, columns, required, header)
    except csv.Error as exc:  # a stray carriage return, a NUL...: not a CSV file this import can read
        raise InvalidInput(
            f"The file is not readable as CSV ({exc}).",
            errors=[field_error("file", str(exc), code="csv")],
        ) from exc


def _read(
    text: str, columns: Sequence[str], required: Sequence[str], header_name: Callable[[str], str]
) -> list[tuple[int, dict[str, str]]]:
    # newline="": the csv module reads line endings itself (\r\n, \n or \r), as its documentation asks.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [header_name(h) for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    if unknown or missing:
        problems = [f"unknown columns: {', '.join(unknown)}"] if unknown else []
        problems += [f"missing columns: {', '.join(missing)}"] if missing else []
        raise InvalidInput(
            f"The header is not one this import reads ({'; '.join(problems)}). Columns: {', '.join(columns)}.",
            errors=[field_error("file", "; ".join(problems), code="header")],
        )
    reader.fieldnames = header
    rows = []
    for raw in reader:
        rows.append(
            (reader.line_num, {k: v.strip() for k, v in raw.items() if k and v is not None and v.strip()})
        )
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"At most {MAX_ROWS:,} rows per file: split the export.", errors=[])
    return rows


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """A row's cell errors, each naming its column."""
    return [{"field": ".".join(str(p) for p in e["loc"]) or "row", "message": e["msg"]} for e in exc.errors()]


def refusal(rows: Sequence[RowReport]) -> tuple[str, list[dict[str, str]]]:
    """The detail and `errors` of an all-or-nothing import refused for its bad rows (the 422's report lists
    every row)."""
    bad = [r for r in rows if r.outcome is RowOutcome.INVALID]
    detail = (
        f"{len(bad)} row{'s' if len(bad) != 1 else ''} cannot be imported, so nothing was (all or nothing)."
    )
    return detail, [
        {
            "location": "body",
            "pointer": f"#/rows/{r.line}",
            "field": f"line {r.line}",
            "message": "; ".join(f"{e['field']}: {e['message']}" for e in r.errors),
            "code": "row",
        }
        for r in bad
    ]
