"""A billing authority's monthly list is exactly the people the stored decisions put on it."""

from __future__ import annotations

import csv
import io

import httpx
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import ConsentRecipient
from app.auth.models import PartnerOrganisation
from app.care_leavers.models import CareLeaver, Consent
from app.core.dates import day_before_birthday
from app.decisions.models import EntitlementDecision
from tests.partners.helpers import this_month
from tests.support import factories as f
from tests.support.world import World

DISTRICT = (ConsentRecipient.DISTRICT_COUNCIL,)


async def listed(client: httpx.AsyncClient, world: World, actor: str, **params: str) -> set[str]:
    """Every id on the list, walking its pages two at a time."""
    found: set[str] = set()
    cursor: str | None = None
    while True:
        query = {"limit": "2", **params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/council-tax-exemptions", params=query, headers=world.headers(actor))
        assert response.status_code == 200, response.text
        found |= {item["care_leaver_id"] for item in response.json()["items"]}
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return found


async def expected_for(session: AsyncSession, organisation: str, gss: str) -> set[str]:
    """Straight from the stored decisions: an eligible council-tax answer (or unknown only for want of
    the liability fact) in the area on some day of this month, an active consent naming the authority,
    the case open."""
    month = this_month()
    org = (
        await session.execute(select(PartnerOrganisation.id).where(PartnerOrganisation.name == organisation))
    ).scalar_one()
    consenting = select(Consent.care_leaver_id).where(
        Consent.partner_organisation_id == org, Consent.withdrawn_at.is_(None)
    )
    stmt = (
        select(EntitlementDecision)
        .join(CareLeaver, CareLeaver.id == EntitlementDecision.care_leaver_id)
        .where(
            EntitlementDecision.entitlement_code == "council-tax-exemption",
            EntitlementDecision.district_gss_code == gss,
            EntitlementDecision.valid_from <= month.last,
            or_(EntitlementDecision.valid_to.is_(None), EntitlementDecision.valid_to >= month.first),
            CareLeaver.closed_on.is_(None),
            CareLeaver.id.in_(consenting),
        )
    )
    return {
        str(d.care_leaver_id)
        for d in (await session.execute(stmt)).scalars()
        if d.outcome == "eligible"
        or (d.outcome == "unknown" and d.missing_facts == ["liable_for_council_tax"])
    }


async def test_ashfield_s_month_is_exactly_its_eligible_consenting_residents(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    month = this_month().label
    elsewhere = await f.care_leaver(
        session, f.COUNTY, district=f.RUSHCLIFFE, consents=DISTRICT, former_relevant=True
    )
    no_status = await f.care_leaver(session, f.COUNTY, district=f.ASHFIELD, consents=DISTRICT)
    another = await f.care_leaver(
        session, f.COUNTY, district=f.ASHFIELD, consents=DISTRICT, former_relevant=True
    )
    ashfield = await listed(client, world, "partner_ash", month=month)
    assert ashfield == await expected_for(session, "Ashfield DC", f.ASHFIELD)
    assert ashfield == {str(world.id("q_ash")), str(another.id)}
    # Nobody living elsewhere, nobody without status, nobody who did not agree (q_ash_private).
    assert str(elsewhere.id) not in ashfield and str(no_status.id) not in ashfield
    assert str(world.id("q_ash_private")) not in ashfield
    # The council's admin sees the same list for that area, and every area without one.
    assert await listed(client, world, "admin_county", month=month, district=f.ASHFIELD) == ashfield
    everyone = await listed(client, world, "admin_county", month=month)
    assert everyone == ashfield | {str(world.id("q_rush")), str(elsewhere.id)}
    # A district asking for another's area still gets its own.
    assert await listed(client, world, "partner_ash", month=month, district=f.RUSHCLIFFE) == ashfield


async def test_the_row_has_what_a_billing_team_needs(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = world.people["q_ash"]
    person.address = "7 Sample Street, Sutton-in-Ashfield ng17 3dx"
    await session.flush()
    response = await client.get(
        "/v1/council-tax-exemptions",
        params={"month": this_month().label},
        headers=world.headers("partner_ash"),
    )
    (row,) = [r for r in response.json()["items"] if r["care_leaver_id"] == str(person.id)]
    assert row["reference"] == person.case_reference
    assert row["address"] == person.address and row["postcode"] == "NG17 3DX"
    assert row["billing_authority_gss_code"] == f.ASHFIELD
    assert row["exempt_from"] <= this_month().last.isoformat()
    assert row["exempt_until"] == day_before_birthday(person.date_of_birth, 25).isoformat()


async def test_the_csv_streams_the_same_list_with_formulas_as_text(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    person = world.people["q_ash"]
    person.address = '=HYPERLINK("http://x.example") NG17 3DX'
    await session.flush()
    month = this_month().label
    response = await client.get(
        "/v1/council-tax-exemptions",
        params={"month": month},
        headers={**world.headers("partner_ash"), "Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["care_leaver_id"] for r in rows} == await listed(client, world, "partner_ash", month=month)
    assert rows[0]["address"].startswith("'=")


async def test_a_month_that_is_not_one_is_a_422(client: httpx.AsyncClient, world: World) -> None:
    for month in ("2026-13", "26-01", "2026-1"):
        response = await client.get(
            "/v1/council-tax-exemptions", params={"month": month}, headers=world.headers("partner_ash")
        )
        assert response.status_code == 422, response.text
    both = await client.get(
        "/v1/council-tax-exemptions",
        params={"month": "2026-01", "on": "2026-01-01"},
        headers=world.headers("partner_ash"),
    )
    assert both.status_code == 422
