"""One rule for `If-Match` on every change to something people edit (app/api/conditional.py).

A change must name the version its author read: without `If-Match`, or with `*` (which matches whatever is
there now, a colleague's change included), it is 428; with a tag that is not the current one, 412 carrying
the current `etag`. The operations are taken from the OpenAPI document, so a new one is covered the day it
is added; the access matrix arranges the state each acts on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import require_if_match
from app.core.errors import PreconditionFailed, PreconditionRequired
from app.core.settings import Settings
from app.db.session import Database
from tests.architecture.test_access_matrix import ENTRIES, matrix_world
from tests.support.world import ACTORS, World

ROOT = Path(__file__).resolve().parents[2]


def _changes_with_if_match(required: bool) -> list[str]:
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    return sorted(
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if any(
            p["in"] == "header"
            and p["name"].lower() == "if-match"
            and p["description"].startswith("Required: ") == required
            for p in operation.get("parameters", [])
        )
    )


CHANGES = _changes_with_if_match(required=True)
# A billing authority's confirmation is its own statement, which nobody else changes: If-Match is
# optional there (`check_if_match_if_sent`), and checked by the same rule when sent.
OPTIONAL = _changes_with_if_match(required=False)


def test_if_match_is_optional_only_where_we_decided_so() -> None:
    assert OPTIONAL == ["PUT /v1/council-tax-exemptions/{care_leaver_id}/confirmation"]


def test_the_changes_are_the_ones_we_know() -> None:
    """Contact amendments, offer-draft, pathway-plan, care-episode, draft-claim, claim-settings and
    notification-settings changes; their header says it is needed."""
    assert len(CHANGES) == 16, CHANGES
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    for operation in CHANGES:
        method, path = operation.split(" ", 1)
        parameters = spec["paths"][path][method.lower()]["parameters"]
        header = next(p for p in parameters if p["name"].lower() == "if-match")
        assert header["description"].startswith("Required: "), operation
        assert "`*`" in header["description"], operation


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> World:
    return await matrix_world(session, settings)


async def _send(
    operation: str, if_match: str | None, world: World, client: httpx.AsyncClient, db: Database
) -> tuple[httpx.Response, str]:
    """The change, by someone allowed to make it, on the state the access matrix arranges; and the
    current ETag (what the matrix would send)."""
    entry = ENTRIES[operation]
    actor = next(a for a in ACTORS if entry.expect[a] < 300)
    headers = world.headers(actor)
    if entry.arrange is not None:
        async with db.sessionmaker() as session:
            headers |= await entry.arrange(session, world)
            await session.commit()
    headers |= entry.headers(world, actor) if entry.headers else {}
    current = headers.pop("If-Match")
    if if_match is not None:
        headers["If-Match"] = if_match
    method = operation.split(" ", 1)[0]
    body: Any = entry.body(world, actor) if entry.body else None
    response = await client.request(method, entry.path(world), headers=headers, json=body)
    assert response.headers.get("content-type") == "application/problem+json", response.text[:300]
    return response, current


@pytest.mark.parametrize("operation", CHANGES)
async def test_a_star_is_not_enough(
    operation: str, world: World, client: httpx.AsyncClient, db: Database
) -> None:
    response, _ = await _send(operation, "*", world, client, db)
    problem = response.json()
    assert (response.status_code, problem["code"]) == (428, "request.precondition_required"), response.text
    assert "If-Match: * is not accepted" in problem["detail"]
    assert "ETag" in problem["detail"]


@pytest.mark.parametrize("operation", CHANGES)
async def test_without_if_match_the_change_is_refused(
    operation: str, world: World, client: httpx.AsyncClient, db: Database
) -> None:
    response, _ = await _send(operation, None, world, client, db)
    assert (response.status_code, response.json()["code"]) == (428, "request.precondition_required")


@pytest.mark.parametrize("operation", CHANGES)
async def test_a_stale_etag_is_told_the_current_one(
    operation: str, world: World, client: httpx.AsyncClient, db: Database
) -> None:
    response, current = await _send(operation, '"someone-elses", W/"x"', world, client, db)
    problem = response.json()
    assert (response.status_code, problem["code"]) == (412, "request.precondition_failed"), response.text
    assert problem["etag"] == current


def test_the_rule() -> None:
    current = '"7"'
    require_if_match(current, current, what="it")
    require_if_match(f'"6", {current}', current, what="it")  # any tag of a list
    require_if_match(f"  {current} ", current, what="it")
    for header in (None, "", " , ", "*", f"*, {current}"):
        with pytest.raises(PreconditionRequired):
            require_if_match(header, current, what="it")
    for header in (f"W/{current}", '"6"', "7", f"{current[:-1]}"):  # weak tags never match a change
        with pytest.raises(PreconditionFailed) as refused:
            require_if_match(header, current, what="it")
        assert refused.value.extensions == {"etag": current}
