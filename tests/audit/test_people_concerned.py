"""Every read of a young person's record shows in that young person's own access log (UK GDPR Art. 15).

The routes are enumerated from the app, not listed by hand: a new `GET .../{care_leaver_id}` route that
records its read without naming the person (or names them under another council) fails here.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.models import AuditEvent
from app.audit.service import ANONYMOUS, Concerned, MixedCouncils, record_about
from app.auth.enums import Role
from app.core.settings import Settings
from tests.support import factories as f
from tests.support.routes import api_routes
from tests.support.world import World

PARAM = re.compile(r"{(\w+)(?::\w+)?}")

# Who reads whom: the person's PA by default. The district view is a partner's (Children Act 1989 s23C and
# the council's consent to share), so a county young person with the district's consent is read by Ashfield.
READERS: dict[str, tuple[str, str]] = {
    "/v1/council-tax-exemptions/{care_leaver_id:uuid}": ("partner_ash", "q_ash"),
}
ACCOUNT = {"p_a1": "leaver_a1", "q_ash": "leaver_q_ash"}


def person_routes(app: FastAPI) -> list[Any]:
    return [
        r
        for r in api_routes(app)
        if "GET" in r.methods and "care_leaver_id" in {p.name for p in r.dependant.path_params}
    ]


def path_for(route: Any, world: World, person: str) -> str:
    values = {"care_leaver_id": world.id(person), "contact_id": world.ids["contact_a1"]}
    if "episode_a1" in world.ids:
        values["episode_id"] = world.ids["episode_a1"]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"{route.path}: give the test a {name} that belongs to {person}"
        return str(values[name])

    return PARAM.sub(fill, route.path)


async def _an_episode(client: httpx.AsyncClient, world: World, person: str) -> uuid.UUID:
    """A period looked after from 15 to 17, recorded by their PA, for the routes about one episode."""
    born = world.people[person].date_of_birth
    body = {
        "start_on": born.replace(year=born.year + 15).isoformat(),
        "end_on": born.replace(year=born.year + 17).isoformat(),
        "legal_basis": "C2",
        "placement_type": "U6",
    }
    response = await client.post(
        f"/v1/care-leavers/{world.id(person)}/care-episodes", json=body, headers=world.headers("pa_a1")
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def access_log(client: httpx.AsyncClient, world: World, account: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/me/access-log", params={"limit": 100}, headers=world.headers(account))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    assert len(items) < 100  # so the difference below is the whole of what is new
    return items


async def test_every_read_of_a_person_shows_in_their_access_log(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    account = await f.user(session, Role.CARE_LEAVER, gss=f.COUNTY, care_leaver=world.people["q_ash"])
    world.tokens["leaver_q_ash"] = await f.token_for(session, settings, account)
    world.ids["episode_a1"] = await _an_episode(client, world, "p_a1")
    routes = person_routes(app)
    assert len(routes) >= 10, [r.path for r in routes]
    failures = []
    for route in routes:
        reader, person = READERS.get(route.path, ("pa_a1", "p_a1"))
        before = await access_log(client, world, ACCOUNT[person])
        response = await client.get(path_for(route, world, person), headers=world.headers(reader))
        if response.status_code != 200:
            failures.append(f"{route.path}: {response.status_code} for {reader}, so nothing was read")
            continue
        after = await access_log(client, world, ACCOUNT[person])
        new = after[: len(after) - len(before)]  # newest first
        reads = [e for e in new if e["action"] in {"read", "list"} and e["outcome"] == "success"]
        if len(new) != 1 or len(reads) != 1:
            failures.append(f"{route.path}: the access log gained {new}, not one read")
        elif reads[0]["role"] != world.users[reader].roles[0]:
            failures.append(f"{route.path}: the access log names {reads[0]['role']}, not the reader's role")
    assert not failures, "\n".join(failures)


async def test_the_event_is_filed_under_the_people_s_council(session: AsyncSession, world: World) -> None:
    city, county = world.people["p_a1"], world.people["q_ash"]
    with pytest.raises(MixedCouncils):
        await record_about(session, ANONYMOUS, AuditAction.LIST, "care_leaver", [city, county])
    with pytest.raises(MixedCouncils):  # the council the event names is not the person's
        await record_about(
            session,
            ANONYMOUS,
            AuditAction.READ,
            "care_leaver",
            [city],
            local_authority_id=county.local_authority_id,
        )
    known_by_id = [Concerned(county.id, county.local_authority_id)]
    event_id = await record_about(session, ANONYMOUS, AuditAction.READ, "care_leaver", known_by_id)
    event = await session.get(AuditEvent, event_id)
    assert event is not None and event.local_authority_id == county.local_authority_id
    # An empty page concerns nobody and is filed under the council it names.
    event_id = await record_about(
        session, ANONYMOUS, AuditAction.LIST, "care_leaver", [], local_authority_id=city.local_authority_id
    )
    await session.flush()
    event = await session.get(AuditEvent, event_id)
    assert event is not None and (event.local_authority_id, event.subject_count) == (
        city.local_authority_id,
        0,
    )


async def test_an_administrator_reading_or_changing_a_young_person_s_account_shows_in_their_log(
    client: httpx.AsyncClient, world: World
) -> None:
    """The account is theirs (their email, their sign-in): its reads and changes are theirs to see."""
    account = f"/v1/users/{world.users['leaver_a1'].id}"
    before = await access_log(client, world, "leaver_a1")
    read = await client.get(account, headers=world.headers("admin_city"))
    assert read.status_code == 200, read.text
    changed = await client.patch(
        account,
        json={"display_name": "Aisha E."},
        headers={**world.headers("admin_city"), "If-Match": read.headers.get("etag", "")},
    )
    assert changed.status_code == 200, changed.text
    after = await access_log(client, world, "leaver_a1")
    new = after[: len(after) - len(before)]
    assert [(e["action"], e["role"]) for e in new] == [("update", "la_admin"), ("read", "la_admin")], new
