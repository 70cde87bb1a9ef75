"""Issue 11, case 1: the district council-tax list reads the stored decisions, so it agrees with the
service's own entitlement check, with where people lived on the date asked."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import Consent
from app.core.clock import uk_today, utc_now
from app.core.dates import birthday
from tests.decisions.helpers import consent, create, move, outcome
from tests.support import factories as f
from tests.support.world import World

CODE = "council-tax-exemption"


async def listed(client: httpx.AsyncClient, world: World, actor: str, **params: str) -> set[str]:
    response = await client.get(
        "/v1/council-tax-exemptions", params={"limit": "100", **params}, headers=world.headers(actor)
    )
    assert response.status_code == 200, response.text
    return {item["care_leaver_id"] for item in response.json()["items"]}


async def resident(
    client: httpx.AsyncClient, world: World, name: str, born: date, district: str, **history: object
) -> str:
    person = await create(
        client,
        world,
        "admin_county",
        family_name=name,
        date_of_birth=born,
        district_gss_code=district,
        **history,
    )
    await move(client, world, "admin_county", person, district, birthday(born, 18))
    await consent(client, world, "admin_county", person, "district_council")
    return person


async def test_the_list_has_only_those_the_rules_exempt(client: httpx.AsyncClient, world: World) -> None:
    today = uk_today()
    born_19 = birthday(today, -19) - timedelta(days=40)
    # Qualifying: looked after for 10 weeks after 16, so never eligible (CA89 s24).
    qualifying = await resident(
        client,
        world,
        "Qualifying",
        born_19,
        f.ASHFIELD,
        left_care_on=birthday(born_19, 17),
        weeks_looked_after_since_14=10,
    )
    left_at_14 = await resident(
        client,
        world,
        "LeftAtFourteen",
        born_19,
        f.ASHFIELD,
        left_care_on=birthday(born_19, 14) + timedelta(days=30),
        weeks_looked_after_since_14=4,
    )
    former_relevant = await resident(
        client,
        world,
        "FormerRelevant",
        born_19,
        f.ASHFIELD,
        left_care_on=birthday(born_19, 18),
        weeks_looked_after_since_14=200,
    )
    for person in (qualifying, left_at_14):
        assert await outcome(client, world, "admin_county", person, CODE) == "not_eligible"
    on_list = await listed(client, world, "partner_ash")
    assert former_relevant in on_list
    assert qualifying not in on_list and left_at_14 not in on_list


async def test_the_county_s_list_leaves_out_people_living_in_the_city(
    client: httpx.AsyncClient, world: World
) -> None:
    born = birthday(uk_today(), -20) - timedelta(days=10)
    history = {"left_care_on": birthday(born, 18), "weeks_looked_after_since_14": 200}
    in_city = await resident(client, world, "InTheCity", born, f.CITY, **history)
    in_ashfield = await resident(client, world, "InAshfield", born, f.ASHFIELD, **history)
    county = await listed(client, world, "admin_county")
    assert in_ashfield in county and in_city not in county


async def test_a_past_date_uses_the_address_on_that_date(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    today = uk_today()
    born = birthday(today, -20) - timedelta(days=10)
    history = {"left_care_on": birthday(born, 18), "weeks_looked_after_since_14": 200}
    mover = await resident(client, world, "Mover", born, f.ASHFIELD, **history)
    moved_on = today - timedelta(days=2)
    await move(client, world, "admin_county", mover, f.RUSHCLIFFE, moved_on)
    # A past day's list counts consents given by then: theirs, as if given a month ago, naming Ashfield;
    # Rushcliffe is named too (a consent names one organisation: a move needs a new one).
    await consent(client, world, "admin_county", mover, "district_council")
    await session.execute(
        update(Consent)
        .where(Consent.care_leaver_id == uuid.UUID(mover))
        .values(given_at=utc_now() - timedelta(days=30))
    )
    before = (moved_on - timedelta(days=3)).isoformat()  # the offer (version 1) was in force then
    assert mover in await listed(client, world, "partner_ash", on=before)
    assert mover not in await listed(client, world, "partner_rush", on=before)
    assert mover not in await listed(client, world, "partner_ash")
    assert mover in await listed(client, world, "partner_rush")
    one = await client.get(
        f"/v1/council-tax-exemptions/{mover}", params={"on": before}, headers=world.headers("partner_ash")
    )
    assert one.status_code == 200, one.text
    assert one.json()["billing_authority_gss_code"] == f.ASHFIELD
    assert one.json()["exempt_until"] == (moved_on - timedelta(days=1)).isoformat()
