"""A few more steps of a claim's life through the API, on top of tests/claims/support.py."""

from __future__ import annotations

from typing import Any

import httpx

from tests.claims.support import act
from tests.support.world import World


async def approved(client: httpx.AsyncClient, world: World, claim: dict[str, Any]) -> dict[str, Any]:
    """Approved by manager_a, and by admin_city too when the claim needs a second approver."""
    approvers = ["manager_a", "admin_city"][: claim["approvals_needed"]]
    for approver in approvers:
        response = await act(client, world.headers(approver), claim["id"], "approve")
        assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "approved", body
    return body


async def read(client: httpx.AsyncClient, headers: dict[str, str], claim: str) -> httpx.Response:
    return await client.get(f"/v1/claims/{claim}", headers=headers)


def code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json().get("code")


def sums(b: dict[str, Any]) -> tuple[int, int, int, int]:
    return b["cap_pence"], b["committed_pence"], b["paid_pence"], b["remaining_pence"]
