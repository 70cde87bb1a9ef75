"""Helpers for pathway-plan tests: a complete draft body, and the lifecycle through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from app.core.clock import uk_today
from app.pathway_plans.enums import CORE_SECTIONS


def action(description: str, owner: str = "young_person", days: int = 14, **extra: Any) -> dict[str, Any]:
    body = {
        "description": description,
        "owner": owner,
        "due_on": (uk_today() + timedelta(days=days)).isoformat(),
    }
    if owner == "partner":
        body["partner_name"] = extra.pop("partner_name", "Job Centre Plus")
    return {**body, **extra}


def complete_body() -> dict[str, Any]:
    """Every core section assessed, one goal with actions for each kind of owner, and a contingency."""
    sections: dict[str, Any] = {
        kind.value: {
            "needs_and_risks": f"Needs in {kind.value}.",
            "going_well": None,
            "young_person_views": None,
        }
        for kind in CORE_SECTIONS
    }
    sections["accommodation"] = {
        "needs_and_risks": "Supported lodgings end in March.",
        "going_well": "Rent paid on time since May.",
        "young_person_views": "I want my own flat near my sister.",
        "goals": [
            {
                "description": "Own tenancy by April",
                "actions": [
                    action("Book a viewing", "young_person", days=10),
                    action("Apply for the setting-up-home allowance", "personal_adviser", days=20),
                    action("Assess the flat", "partner", days=30, partner_name="Nottingham City Homes"),
                ],
            }
        ],
    }
    return {
        "contingency_plan": "If the tenancy falls through, she stays in supported lodgings.",
        "people_involved": [{"name": "Jess", "relationship": "Sister", "how_they_help": "Helps with forms"}],
        "sections": sections,
    }


async def start(client: httpx.AsyncClient, person_id: object, headers: dict[str, str]) -> httpx.Response:
    return await client.post(f"/v1/care-leavers/{person_id}/pathway-plans", headers=headers)


async def step(
    client: httpx.AsyncClient, plan: dict[str, Any], verb: str, headers: dict[str, str], **kwargs: Any
) -> httpx.Response:
    """A lifecycle step on `plan` (submit, authorise, return) with its current ETag."""
    return await client.post(
        f"/v1/pathway-plans/{plan['id']}/{verb}", headers={**headers, "If-Match": plan["etag"]}, **kwargs
    )


async def edit(
    client: httpx.AsyncClient, plan: dict[str, Any], body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await client.patch(
        f"/v1/pathway-plans/{plan['id']}", json=body, headers={**headers, "If-Match": plan["etag"]}
    )


async def authorised_plan(
    client: httpx.AsyncClient,
    person_id: object,
    author: dict[str, str],
    manager: dict[str, str],
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Draft, complete, submit and authorise: the young person's current plan."""
    draft = (await start(client, person_id, author)).json()
    edited = await edit(client, draft, body or complete_body(), author)
    assert edited.status_code == 200, edited.text
    submitted = await step(client, edited.json(), "submit", author)
    assert submitted.status_code == 200, submitted.text
    authorised = await step(client, submitted.json(), "authorise", manager)
    assert authorised.status_code == 200, authorised.text
    return dict(authorised.json())
