"""Creating an account with an address already in use answers the same whichever council holds it, so an
administrator cannot learn who has an account in another council."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.auth.support import without_request_id
from tests.support.world import World

# Whose address is tried: someone in the city itself, staff and a young person in the county.
HOLDERS = ["pa_a2", "leaver_a2", "pa_n1", "admin_county", "partner_ash"]


def staff_account(world: World, email: str) -> tuple[str, dict[str, object]]:
    body = {"email": email, "display_name": "New", "kind": "staff", "roles": ["personal_adviser"]}
    return "/v1/users", body


def app_account(world: World, email: str) -> tuple[str, dict[str, object]]:
    return f"/v1/care-leavers/{world.id('p_a3')}/account", {"email": email}


@pytest.mark.parametrize("create", [staff_account, app_account], ids=["staff", "young person"])
async def test_an_address_in_use_anywhere_gets_one_answer(
    create: Callable[[World, str], tuple[str, dict[str, object]]], client: httpx.AsyncClient, world: World
) -> None:
    answers = {}
    for holder in HOLDERS:
        path, body = create(world, world.users[holder].email.upper())
        response = await client.post(path, json=body, headers=world.headers("admin_city"))
        answers[holder] = (response.status_code, without_request_id(response))
    assert len(set(map(repr, answers.values()))) == 1, answers
    status, problem = answers["pa_a2"]
    assert status == 409
    assert problem["code"] == "user.email_taken"
    # A free address still works, so the answer above is about the address alone.
    path, body = create(world, "free.address@test.example")
    assert (await client.post(path, json=body, headers=world.headers("admin_city"))).status_code == 201
