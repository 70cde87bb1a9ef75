"""Quiet hours on a fixed clock: a push made in them waits until they end, on London's wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from app.notifications.quiet_hours import held_until

NIGHT = (time(21, 0), time(8, 0))


@pytest.mark.parametrize(
    ("now", "released"),
    [
        # Winter (GMT): 22:00 waits for 08:00 the next morning; 03:00 for 08:00 the same morning.
        (datetime(2026, 12, 4, 22, 0, tzinfo=UTC), datetime(2026, 12, 5, 8, 0, tzinfo=UTC)),
        (datetime(2026, 12, 5, 3, 0, tzinfo=UTC), datetime(2026, 12, 5, 8, 0, tzinfo=UTC)),
        # Summer (BST): 20:30 UTC is 21:30 in London, quiet; 08:00 in London is 07:00 UTC.
        (datetime(2026, 7, 1, 20, 30, tzinfo=UTC), datetime(2026, 7, 2, 7, 0, tzinfo=UTC)),
        # The night the clocks go forward (29 March 2026): 08:00 is already BST.
        (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        # 21:00 sharp is quiet; 08:00 sharp is not.
        (datetime(2026, 12, 4, 21, 0, tzinfo=UTC), datetime(2026, 12, 5, 8, 0, tzinfo=UTC)),
        (datetime(2026, 12, 5, 8, 0, tzinfo=UTC), None),
        (datetime(2026, 12, 5, 12, 0, tzinfo=UTC), None),
        # 07:30 UTC in summer is 08:30 BST: no longer quiet, though it is before 08:00 UTC.
        (datetime(2026, 7, 2, 7, 30, tzinfo=UTC), None),
    ],
)
def test_a_push_in_quiet_hours_waits_until_they_end(now: datetime, released: datetime | None) -> None:
    assert held_until(now, *NIGHT) == released


def test_daytime_quiet_hours_and_none() -> None:
    lunch = (time(12, 0), time(13, 30))
    assert held_until(datetime(2026, 12, 4, 12, 15, tzinfo=UTC), *lunch) == datetime(
        2026, 12, 4, 13, 30, tzinfo=UTC
    )
    assert held_until(datetime(2026, 12, 4, 13, 30, tzinfo=UTC), *lunch) is None
    # The same time twice: no quiet hours at all.
    assert held_until(datetime(2026, 12, 4, 23, 0, tzinfo=UTC), time(0, 0), time(0, 0)) is None
