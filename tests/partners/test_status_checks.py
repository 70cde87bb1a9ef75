"""Status checks: yes or no, and nothing else; the same answer, work and time for every kind of no."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.auth.enums import ConsentRecipient, Role
from app.care_leavers.models import CareLeaver
from app.core.clock import uk_today
from app.core.settings import Settings
from app.decisions.models import EntitlementDecision
from app.decisions.repository import decision_on
from tests.support import factories as f
from tests.support.world import World

ClientWith = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
POSTCODE = "NG17 7BQ"
DISTRICT = (ConsentRecipient.DISTRICT_COUNCIL,)


@dataclass
class Setup:
    code: str
    yes: CareLeaver
    private: CareLeaver
    unentitled: CareLeaver


async def _person(session: AsyncSession, given: str, family: str, **kwargs: object) -> CareLeaver:
    person = await f.care_leaver(
        session,
        f.COUNTY,
        district=f.ASHFIELD,
        given_name=given,
        family_name=family,
        **kwargs,  # type: ignore[arg-type]
    )
    person.address = f"Flat 2, 1 Example Street, Sutton-in-Ashfield {POSTCODE}"
    await session.flush()
    return person


async def _outcomes(session: AsyncSession, person: CareLeaver) -> dict[str, str]:
    rows = await session.execute(
        select(EntitlementDecision.entitlement_code, EntitlementDecision.outcome).where(
            EntitlementDecision.care_leaver_id == person.id, decision_on(uk_today())
        )
    )
    return {str(code): str(outcome) for code, outcome in rows}


async def agree(
    client: httpx.AsyncClient, world: World, partner: str, codes: list[str], purpose: str = "status_check"
) -> httpx.Response:
    organisation = world.users[partner].partner_organisation_id
    return await client.post(
        f"/v1/partner-organisations/{organisation}/agreements",
        json={"purpose": purpose, "entitlement_codes": codes, "reference": "DSA-TEST"},
        headers=world.headers("admin_county"),
    )


@pytest.fixture
async def setup(client: httpx.AsyncClient, session: AsyncSession, world: World) -> Setup:
    yes = await _person(session, "Chloe-Anne", "O'Brien", consents=DISTRICT, former_relevant=True)
    private = await _person(session, "Dana", "Private", former_relevant=True)
    unentitled = await _person(session, "Erin", "Unentitled", consents=DISTRICT)
    eligible, other = await _outcomes(session, yes), await _outcomes(session, unentitled)
    code = next(c for c, o in sorted(eligible.items()) if o == "eligible" and other.get(c) != "eligible")
    assert (await agree(client, world, "partner_ash", [code])).status_code == 201
    return Setup(code, yes, private, unentitled)


def body(person: CareLeaver, code: str, **changes: str) -> dict[str, str]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "postcode": POSTCODE,
        "local_authority": f.COUNTY,
        "entitlement": code,
        "on": uk_today().isoformat(),
    } | changes


async def check(
    client: httpx.AsyncClient, world: World, payload: dict[str, str], actor: str = "partner_ash"
) -> httpx.Response:
    return await client.post("/v1/status-checks", json=payload, headers=world.headers(actor))


async def test_yes_for_a_consenting_entitled_person_however_the_name_is_spelt(
    client: httpx.AsyncClient, world: World, setup: Setup
) -> None:
    messy = body(setup.yes, setup.code, given_name=" chloe anne ", family_name="OBRIEN", postcode="ng177bq")
    response = await check(client, world, messy)
    assert response.status_code == 200, response.text
    assert response.json() == {"answer": "yes"}
    assert (await check(client, world, body(setup.yes, setup.code, family_name="o-brien"))).json() == {
        "answer": "yes"
    }
    # Another postcode, date of birth or council is someone else.
    for changed in ({"postcode": "NG1 1AA"}, {"date_of_birth": "2000-01-01"}, {"local_authority": f.CITY}):
        assert (await check(client, world, body(setup.yes, setup.code, **changed))).json() == {"answer": "no"}


def _cases(setup: Setup) -> dict[str, dict[str, str]]:
    return {
        "not found": body(setup.yes, setup.code, family_name="Nobody"),
        "not consenting": body(setup.private, setup.code),
        "not entitled": body(setup.unentitled, setup.code),
    }


def _visible(response: httpx.Response) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = sorted((k, v) for k, v in response.headers.items() if k.lower() not in {"x-request-id", "date"})
    return response.status_code, response.content, headers


async def test_every_no_looks_the_same_and_runs_the_same_statements(
    client: httpx.AsyncClient, world: World, setup: Setup, count_queries: list[str]
) -> None:
    seen, statements = {}, {}
    for name, payload in _cases(setup).items():
        count_queries.clear()
        response = await check(client, world, payload)
        # The test's savepoints are numbered; the statements are what the app ran.
        seen[name] = _visible(response)
        statements[name] = [re.sub(r"sa_savepoint_\d+", "sa_savepoint", s) for s in count_queries]
    assert seen["not found"][1] == b'{"answer":"no"}'
    assert seen["not found"] == seen["not consenting"] == seen["not entitled"]
    # Equal work: the same statements, in the same order, whatever matched.
    assert statements["not found"] == statements["not consenting"] == statements["not entitled"]
    assert len(statements["not found"]) > 3


async def test_every_no_takes_the_same_time(client_with: ClientWith, world: World, setup: Setup) -> None:
    timings: dict[str, list[float]] = {name: [] for name in _cases(setup)}
    async with client_with(status_checks_per_minute=1000) as client:
        for _ in range(15):
            for name, payload in _cases(setup).items():
                started = time.perf_counter()
                response = await check(client, world, payload)
                timings[name].append(time.perf_counter() - started)
                assert response.json() == {"answer": "no"}
    medians = {name: statistics.median(values) for name, values in timings.items()}
    # All padded to the minimum (50 ms), and within noise of each other.
    assert min(medians.values()) >= 0.05
    assert max(medians.values()) - min(medians.values()) < 0.015, medians


async def test_a_partner_whose_agreement_does_not_cover_it_is_refused(
    client: httpx.AsyncClient, world: World, setup: Setup
) -> None:
    payload = body(setup.yes, setup.code)
    refused = await check(client, world, payload, actor="partner_rush")  # no agreement at all
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/partner.purpose_not_agreed")
    # An entitlement the agreement does not name.
    other = await check(client, world, body(setup.yes, "leaving-care-grant"))
    assert other.status_code == 403
    # Council staff and young people are not partners.
    assert (await check(client, world, payload, actor="pa_n1")).status_code == 403
    # Ending the agreement takes effect at once.
    organisation = world.users["partner_ash"].partner_organisation_id
    ended = await client.delete(
        f"/v1/partner-organisations/{organisation}/agreements/status_check",
        headers=world.headers("admin_county"),
    )
    assert ended.status_code == 204
    assert (await check(client, world, payload)).status_code == 403


async def test_each_partner_is_rate_limited(client_with: ClientWith, world: World, setup: Setup) -> None:
    async with client_with(status_checks_per_minute=3, status_check_min_milliseconds=0) as client:
        for _ in range(3):
            assert (await check(client, world, body(setup.yes, setup.code))).status_code == 200
        limited = await check(client, world, body(setup.yes, setup.code))
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["type"].endswith("/auth.rate_limited")
        # Another partner has its own window.
        assert (await agree(client, world, "partner_rush", [setup.code])).status_code == 201
        assert (
            await check(client, world, body(setup.yes, setup.code), actor="partner_rush")
        ).status_code == 200


async def test_a_check_is_in_the_young_person_s_access_log(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, setup: Setup
) -> None:
    account = await f.user(session, Role.CARE_LEAVER, gss=f.COUNTY, care_leaver=setup.private)
    token = await f.token_for(session, settings, account)
    assert (await check(client, world, body(setup.private, setup.code))).json() == {"answer": "no"}
    log = (await client.get("/v1/me/access-log", headers=f.bearer(token))).json()["items"]
    assert [(e["what"], e["role"], e["organisation"]) for e in log] == [
        ("status_check", "partner", "Ashfield DC")
    ]
    # A check that matched nobody is audited about nobody, without the details asked.
    assert (await check(client, world, body(setup.yes, setup.code, family_name="Nobody"))).json() == {
        "answer": "no"
    }
    events = (
        (
            await session.execute(
                select(AuditEvent).where(AuditEvent.resource_type == "status_check").order_by(AuditEvent.id)
            )
        )
        .scalars()
        .all()
    )
    assert [e.subject_count for e in events] == [1, 0]
    assert "Nobody" not in str(events[-1].details)
