"""The higher-education bursary is £2,000 over the course, released in instalments by academic year from
the course's dates: a first-year student may have the first year's share now, the rest as each year begins."""

from __future__ import annotations

from datetime import date

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.claims.lifecycle import academic_start, academic_year
from app.core.clock import uk_today
from app.core.settings import Settings
from tests.claims.support import act, claim_body, claimant
from tests.support.world import World

BURSARY = "higher-education-bursary"


async def _student(
    client: httpx.AsyncClient, world: World, person: str, started: date, ends: date | None
) -> None:
    entry = {
        "kind": "higher_education",
        "valid_from": started.isoformat(),
        "institution": "Nottingham Trent University",
        "course": "BA Social Work",
        "started_on": started.isoformat(),
        "studying": True,
        **({"expected_end_on": ends.isoformat()} if ends else {}),
    }
    response = await client.post(
        f"/v1/care-leavers/{person}/circumstances", json=entry, headers=world.headers("pa_a1")
    )
    assert response.status_code == 201, response.text


async def _bursary(client: httpx.AsyncClient, world: World, person: str) -> dict[str, object]:
    response = await client.get(f"/v1/care-leavers/{person}/balances", headers=world.headers("pa_a1"))
    assert response.status_code == 200, response.text
    found: dict[str, object] = next(b for b in response.json() if b["entitlement_code"] == BURSARY)
    return found


async def test_a_three_year_course_releases_a_third_of_the_bursary_each_academic_year(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    today = uk_today()
    this_year = academic_start(academic_year(today))
    await _student(
        client,
        world,
        who.id,
        this_year.replace(month=9, day=21) if today >= this_year.replace(month=9, day=21) else this_year,
        this_year.replace(year=this_year.year + 3, month=6, day=30),
    )
    balance = await _bursary(client, world, who.id)
    assert balance["cap_pence"] == 200000
    assert [i["amount_pence"] for i in balance["instalments"]] == [66667, 66667, 66666]  # type: ignore[attr-defined]
    assert balance["available_now_pence"] == 66667 and balance["remaining_pence"] == 200000
    pa = world.headers("pa_a1")
    too_much = await client.post(
        f"/v1/care-leavers/{who.id}/claims", json=claim_body(100000, code=BURSARY), headers=pa
    )
    assert too_much.status_code == 422 and too_much.json()["code"] == "claim.over_allowance", too_much.text
    assert too_much.json()["remaining_pence"] == 66667
    first_year = await client.post(
        f"/v1/care-leavers/{who.id}/claims", json=claim_body(66667, code=BURSARY), headers=pa
    )
    assert first_year.status_code == 201, first_year.text
    approved = await act(client, world.headers("manager_a"), first_year.json()["id"], "approve")
    approved = await act(client, world.headers("admin_city"), first_year.json()["id"], "approve")
    assert approved.json()["status"] == "approved", approved.text
    after = await _bursary(client, world, who.id)
    assert (after["committed_pence"], after["available_now_pence"], after["remaining_pence"]) == (
        66667,
        0,
        133333,
    )


async def test_without_an_expected_end_the_whole_bursary_is_one_instalment(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    await _student(client, world, who.id, academic_start(academic_year(uk_today())), None)
    balance = await _bursary(client, world, who.id)
    assert balance["available_now_pence"] == 200000
    assert [i["amount_pence"] for i in balance["instalments"]] == [200000]  # type: ignore[attr-defined]
