"""The one place that reads the wall clock, so rules and tests receive 'today' as a value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Councils work in UK local time: "today" for a young person is the date in London.
UK = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    return datetime.now(UTC)


def uk_today() -> date:
    return datetime.now(UK).date()
