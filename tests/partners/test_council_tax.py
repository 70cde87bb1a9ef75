"""A district council sees council-tax exemption data of care leavers living in its district, with consent."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import ConsentRecipient
from app.core.clock import uk_today
from app.core.dates import day_before_birthday
from tests.support import factories as f
from tests.support.world import World


async def ids(client: httpx.AsyncClient, world: World, actor: str, **params: str) -> set[str]:
    response = await client.get("/v1/council-tax-exemptions", params=params, headers=world.headers(actor))
    assert response.status_code == 200, response.text
    return {item["care_leaver_id"] for item in response.json()["items"]}


async def test_each_district_sees_only_its_consenting_residents(
    client: httpx.AsyncClient, world: World
) -> None:
    assert await ids(client, world, "partner_ash") == {str(world.id("q_ash"))}
    assert await ids(client, world, "partner_rush") == {str(world.id("q_rush"))}
    # Asking for another district changes nothing for a partner.
    assert await ids(client, world, "partner_ash", district="E07000176") == {str(world.id("q_ash"))}
    # The council's admin sees any district's list.
    assert await ids(client, world, "admin_county", district="E07000176") == {str(world.id("q_rush"))}


async def test_the_view_is_narrow(client: httpx.AsyncClient, world: World) -> None:
    item = (await client.get("/v1/council-tax-exemptions", headers=world.headers("partner_ash"))).json()[
        "items"
    ][0]
    assert set(item) == {
        "care_leaver_id",
        "reference",
        "given_name",
        "family_name",
        "date_of_birth",
        "address",
        "postcode",
        "billing_authority_gss_code",
        "exempt_from",
        "exempt_until",
    }
    person = world.people["q_ash"]
    assert item["exempt_until"] == day_before_birthday(person.date_of_birth, 25).isoformat()
    # The full record stays out of a partner's reach.
    assert (
        await client.get(f"/v1/care-leavers/{person.id}", headers=world.headers("partner_ash"))
    ).status_code == 403


async def test_withdrawing_consent_takes_effect_at_once(client: httpx.AsyncClient, world: World) -> None:
    person = world.id("q_ash")
    assert (
        await client.get(f"/v1/council-tax-exemptions/{person}", headers=world.headers("partner_ash"))
    ).status_code == 200
    response = await client.delete(
        f"/v1/care-leavers/{person}/consents/district_council", headers=world.headers("pa_n1")
    )
    assert response.status_code == 204
    assert (
        await client.get(f"/v1/council-tax-exemptions/{person}", headers=world.headers("partner_ash"))
    ).status_code == 404
    assert await ids(client, world, "partner_ash") == set()
    # Given again, it is a new consent, dated now; the history keeps both.
    await client.post(
        f"/v1/care-leavers/{person}/consents",
        json={"recipient": "district_council"},
        headers=world.headers("pa_n1"),
    )
    history = (await client.get(f"/v1/care-leavers/{person}/consents", headers=world.headers("pa_n1"))).json()
    district = [c for c in history if c["recipient"] == "district_council"]
    assert len(district) == 2
    # Given with no organisation, it names the billing authority where they live: Ashfield.
    assert district[0]["partner_organisation_id"] == district[1]["partner_organisation_id"] is not None
    assert district[0]["withdrawn_at"] is not None
    assert district[1]["withdrawn_at"] is None


async def test_only_18_to_24_year_olds_are_listed(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    today = uk_today()
    consent = (ConsentRecipient.DISTRICT_COUNCIL,)

    async def person(born: date) -> str:
        row = await f.care_leaver(
            session, f.COUNTY, district=f.ASHFIELD, consents=consent, date_of_birth=born, former_relevant=True
        )
        return str(row.id)

    turns_25_today = await person(today.replace(year=today.year - 25))
    turns_25_tomorrow = await person(date.fromordinal(today.replace(year=today.year - 25).toordinal() + 1))
    turns_18_today = await person(today.replace(year=today.year - 18))
    turns_18_tomorrow = await person(date.fromordinal(today.replace(year=today.year - 18).toordinal() + 1))
    listed = await ids(client, world, "partner_ash", limit="100")
    assert turns_25_tomorrow in listed and turns_18_today in listed
    assert turns_25_today not in listed and turns_18_tomorrow not in listed


async def test_a_university_partner_has_no_council_tax_view(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("partner_uni")
    listed = await client.get("/v1/council-tax-exemptions", headers=headers)
    assert listed.status_code == 403
    assert listed.json()["type"].endswith("/auth.forbidden")
    one = await client.get(f"/v1/council-tax-exemptions/{world.id('q_ash')}", headers=headers)
    assert one.status_code == 403


async def test_a_closed_case_leaves_the_district_s_list(client: httpx.AsyncClient, world: World) -> None:
    person = world.id("q_ash")
    closed = await client.post(
        f"/v1/care-leavers/{person}/closure",
        json={"closed_on": uk_today().isoformat(), "reason": "moved_away"},
        headers=world.headers("manager_n"),
    )
    assert closed.status_code == 200, closed.text
    assert await ids(client, world, "partner_ash") == set()
    assert (
        await client.get(f"/v1/council-tax-exemptions/{person}", headers=world.headers("partner_ash"))
    ).status_code == 404


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "1999-12-31", "2200-01-01"])
async def test_a_date_outside_the_service_s_range_is_a_clear_422(
    on: str, client: httpx.AsyncClient, world: World
) -> None:
    headers = world.headers("partner_ash")
    for url in ("/v1/council-tax-exemptions", f"/v1/council-tax-exemptions/{world.id('q_ash')}"):
        response = await client.get(url, params={"on": on}, headers=headers)
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert (error["location"], error["field"]) == ("query", "on")
