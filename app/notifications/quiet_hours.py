"""When a push may go: outside the council's quiet hours, in UK local time. Pure: standard library only.

Quiet hours run from `quiet_from` to `quiet_until` (21:00 to 08:00 unless the council sets others), across
midnight when `quiet_from` is the later time. A push made inside them is held until they end; the
notification itself is in the app at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def is_quiet(moment: time, quiet_from: time, quiet_until: time) -> bool:
    if quiet_from == quiet_until:
        return False  # no quiet hours
    if quiet_from < quiet_until:
        return quiet_from <= moment < quiet_until
    return moment >= quiet_from or moment < quiet_until


def held_until(now: datetime, quiet_from: time, quiet_until: time, zone: ZoneInfo = UK) -> datetime | None:
    """When quiet hours in force at `now` end (in UTC), or None when `now` is not in quiet hours.

    Reckoned on the local wall clock, so 08:00 is 08:00 in London on either side of a clock change."""
    local = now.astimezone(zone)
    if not is_quiet(local.time(), quiet_from, quiet_until):
        return None
    day = local.date()
    if local.time() >= quiet_until:  # quiet hours that began this evening end tomorrow
        day += timedelta(days=1)
    return datetime.combine(day, quiet_until, tzinfo=zone).astimezone(UTC)
