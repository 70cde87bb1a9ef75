"""What the benchmark measures. Each issue adds its hot endpoints here."""

from __future__ import annotations

import json
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
    # The least ratio to the bare app that meets issue 12's goal (None: no goal), and on PostgreSQL when
    # the goal is lower there.
    goal: float | None = None
    goal_postgres: float | None = None

    def goal_on(self, backend: str) -> float | None:
        return self.goal_postgres if backend.startswith("postgres") and self.goal_postgres else self.goal


# A realistic "what could I get?" request from the app: a Nottinghamshire care leaver who knows most facts.
CHECK_BODY = json.dumps(
    {
        "local_authority": "E10000024",
        "on": "2026-11-23",
        "facts": {
            "date_of_birth": "2004-02-29",
            "legal_status": "former_relevant",
            "district": "E07000174",
            "liable_for_council_tax": True,
            "living_independently": True,
            "in_higher_education": False,
            "in_further_education": False,
            "in_apprenticeship": True,
            "apprenticeship_start": "2025-09-01",
            "weekly_work_hours": 30,
            "has_mental_health_need": False,
            "immigration_status": "british_or_irish",
        },
    }
)

# Issue 12's goal for a signed-in read: on SQLite, and on PostgreSQL.
SIGNED_IN = {"goal": 0.03, "goal_postgres": 0.02}

TARGETS: list[Target] = [
    # Signed in: the token is checked against its live session, and each read writes an audit event.
    Target(
        "care-leavers list (adviser, audited)",
        "/v1/care-leavers?limit=25",
        account="pa1@nottingham.demo",
        **SIGNED_IN,
    ),
    Target(
        "me/entitlements (care leaver)", "/v1/me/entitlements", account="leaver1@nottingham.demo", **SIGNED_IN
    ),
    Target(
        "me/pathway-plan (care leaver)", "/v1/me/pathway-plan", account="leaver1@nottingham.demo", **SIGNED_IN
    ),
    Target(
        "pathway-plans reviews-due (manager)",
        "/v1/pathway-plans/reviews-due?limit=25",
        account="manager@nottingham.demo",
        **SIGNED_IN,
    ),
    Target("health/live", "/health/live", goal=0.30),
    Target("local-authorities list (DB)", "/v1/local-authorities"),
    Target("offer (pre-serialised, 34 KB)", "/v1/local-authorities/E10000024/offer", goal=0.35),
    # "*" matches any current representation: the same path as a client sending the ETag it holds.
    Target(
        "offer 304 (If-None-Match)",
        "/v1/local-authorities/E10000024/offer",
        headers={"If-None-Match": "*"},
        goal=0.50,
    ),
    Target(
        "entitlement by code",
        "/v1/local-authorities/E06000018/entitlements/setting-up-home-allowance",
        goal=0.30,
    ),
    Target(
        "eligibility check (15 entitlements)",
        "/v1/eligibility/check",
        method="POST",
        body=CHECK_BODY,
        headers={"Content-Type": "application/json"},
        goal=0.15,
    ),
]

# The deadlock check: many more connections than the pool has, on an endpoint that uses the database.
# Issue 12's goal there: no failures, and p99 under this many milliseconds.
DEADLOCK_P99_GOAL_MS = 500.0
DEADLOCK_TARGET = Target("local-authorities at 256 connections", "/v1/local-authorities/E10000024")
