"""What the benchmark measures. Each issue adds its hot endpoints here."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Who signs in to call it (a demo account), or None for a public endpoint.
    account: str | None = None


TARGETS: list[Target] = [
    Target("health/live", "/health/live"),
    Target("local-authorities list (DB)", "/v1/local-authorities"),
]

# The deadlock check: many more connections than the pool has, on an endpoint that uses the database.
DEADLOCK_TARGET = Target("local-authorities at 256 connections", "/v1/local-authorities/E10000024")
