"""Small value types shared by every domain: money and identifiers."""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48-bit milliseconds, then 74 random bits.

    Ordered keys keep B-tree inserts local; the random part keeps them unguessable.
    """
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)


def format_pence(pence: int, currency: str = "GBP") -> str:
    """'£3,000' for whole pounds, '£12.50' otherwise; other currencies keep their code."""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    symbol = "£" if currency == "GBP" else f"{currency} "
    amount = f"{pounds:,}" if rem == 0 else f"{pounds:,}.{rem:02d}"
    return f"{sign}{symbol}{amount}"
