"""CSV exports' cells: a cell a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return
first) is written with a leading apostrophe, as OWASP advises for CSV files opened in Excel, so a
reference typed as `=HYPERLINK(...)` stays text. Only free text can start so: ids, dates and amounts never do."""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
