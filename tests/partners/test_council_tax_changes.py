"""Starters and leavers since last month: after a move, a 25th birthday and a consent withdrawal."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import ConsentRecipient
from app.auth.models import PartnerOrganisation
from app.care_leavers.models import Consent
from app.core.clock import uk_today, utc_now
from app.decisions.service import refresh_people
from tests.partners.helpers import born_to_turn_25_on, consented_long_ago, this_month
from tests.support import factories as f
from tests.support.world import World

DISTRICT = (ConsentRecipient.DISTRICT_COUNCIL,)


async def changes(client: httpx.AsyncClient, world: World, actor: str) -> dict[str, Any]:
    response = await client.get(
        "/v1/council-tax-exemptions/changes",
        params={"month": this_month().label},
        headers=world.headers(actor),
    )
    assert response.status_code == 200, response.text
    return response.json()


def by_id(rows: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    return {r["care_leaver_id"]: (r["reason"], r["on"]) for r in rows}


async def test_a_move_a_25th_birthday_and_a_withdrawal(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    month = this_month()
    first = month.first.isoformat()
    # Lived in Rushcliffe, moved to Ashfield on the 1st; agreed to share with both.
    mover = await f.care_leaver(
        session, f.COUNTY, district=f.RUSHCLIFFE, consents=DISTRICT, former_relevant=True
    )
    await f.residence(session, mover, f.ASHFIELD, month.first)
    ashfield = (
        await session.execute(select(PartnerOrganisation).where(PartnerOrganisation.name == "Ashfield DC"))
    ).scalar_one()
    session.add(
        Consent(
            local_authority_id=mover.local_authority_id,
            care_leaver_id=mover.id,
            recipient=ConsentRecipient.DISTRICT_COUNCIL,
            partner_organisation_id=ashfield.id,
            given_at=utc_now(),
        )
    )
    mover.district_gss_code = f.ASHFIELD
    # Turns 25 on the 1st: exempt until the last day of last month.
    turning = await f.care_leaver(
        session,
        f.COUNTY,
        district=f.ASHFIELD,
        consents=DISTRICT,
        former_relevant=True,
        date_of_birth=born_to_turn_25_on(month.first),
    )
    withdrawing = await f.care_leaver(
        session, f.COUNTY, district=f.ASHFIELD, consents=DISTRICT, former_relevant=True
    )
    await consented_long_ago(
        session, mover, turning, withdrawing, world.people["q_ash"], world.people["q_rush"]
    )
    await refresh_people(session, [mover.id])
    gone = await client.delete(
        f"/v1/care-leavers/{withdrawing.id}/consents/district_council", headers=world.headers("admin_county")
    )
    assert gone.status_code == 204

    ash = await changes(client, world, "partner_ash")
    assert ash["month"] == month.label and ash["billing_authority_gss_code"] == f.ASHFIELD
    assert by_id(ash["starters"]) == {str(mover.id): ("joined_list", first)}
    assert by_id(ash["leavers"]) == {
        str(turning.id): ("left_list", first),
        str(withdrawing.id): ("left_list", uk_today().isoformat()),
    }
    rush = await changes(client, world, "partner_rush")
    assert by_id(rush["starters"]) == {}
    assert by_id(rush["leavers"]) == {str(mover.id): ("left_list", first)}
    # A leaver's line says that they left and when, never why.
    for row in ash["leavers"] + rush["leavers"]:
        assert set(row) == {
            "care_leaver_id",
            "reference",
            "given_name",
            "family_name",
            "date_of_birth",
            "reason",
            "on",
        }
    # Someone on both months' lists is in neither.
    assert str(world.id("q_ash")) not in by_id(ash["starters"]) | by_id(ash["leavers"])


async def test_the_changes_are_the_two_lists_compared(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await consented_long_ago(session, world.people["q_ash"])
    month = this_month()
    before = month.previous_month()

    async def ids(label: str) -> set[str]:
        response = await client.get(
            "/v1/council-tax-exemptions",
            params={"month": label, "limit": "100"},
            headers=world.headers("partner_ash"),
        )
        return {r["care_leaver_id"] for r in response.json()["items"]}

    mover = await f.care_leaver(
        session, f.COUNTY, district=f.RUSHCLIFFE, consents=DISTRICT, former_relevant=True
    )
    await f.residence(session, mover, f.ASHFIELD, month.first)
    await refresh_people(session, [mover.id])
    now, then = await ids(month.label), await ids(before.label)
    got = await changes(client, world, "partner_ash")
    assert {r["care_leaver_id"] for r in got["starters"]} == now - then
    assert {r["care_leaver_id"] for r in got["leavers"]} == then - now


async def test_a_university_has_no_changes_and_a_month_is_required(
    client: httpx.AsyncClient, world: World
) -> None:
    refused = await client.get(
        "/v1/council-tax-exemptions/changes",
        params={"month": "2026-12"},
        headers=world.headers("partner_uni"),
    )
    assert refused.status_code == 403
    missing = await client.get("/v1/council-tax-exemptions/changes", headers=world.headers("partner_ash"))
    assert missing.status_code == 422
