"""Small value types shared by every domain: money and identifiers."""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48-bit milliseconds, then 74 random bits.

    Ordered keys keep B-tree inserts local; the random part keeps them unguessable.
    """
    return uuid.UUID(int=_uuid7_int(_uuid7_head(), int.from_bytes(os.urandom(10), "big")))


def uuid7_hexes(count: int) -> list[str]:
    """`count` new version 7 UUIDs as 32 hex digits, for bulk writes: how SQLite stores a `Uuid`
    column, and text PostgreSQL reads as a uuid. One millisecond and one read of random bytes for all."""
    head = _uuid7_head()
    random = os.urandom(10 * count)
    return [
        f"{_uuid7_int(head, int.from_bytes(random[n : n + 10], 'big')):032x}"
        for n in range(0, 10 * count, 10)
    ]


def _uuid7_head() -> int:
    millis = time.time_ns() // 1_000_000
    return (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | 0b10 << 62  # time, version, variant


def _uuid7_int(head: int, rand: int) -> int:
    # rand_a (12 bits) after the version, rand_b (62 bits) after the variant.
    return head | ((rand >> 62) & 0xFFF) << 64 | rand & ((1 << 62) - 1)


def format_pence(pence: int, currency: str = "GBP") -> str:
    """'£3,000' for whole pounds, '£12.50' otherwise; other currencies keep their code."""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    symbol = "£" if currency == "GBP" else f"{currency} "
    amount = f"{pounds:,}" if rem == 0 else f"{pounds:,}.{rem:02d}"
    return f"{sign}{symbol}{amount}"
