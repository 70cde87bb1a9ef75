"""A billing authority confirms what it did; the adviser sees it on the record, the young person in the app."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.core.settings import Settings
from tests.support import factories as f
from tests.support.world import World

APPLIED = {"outcome": "applied", "applied_from": "2026-12-03", "account_reference": "CT-4471120"}


def url(world: World, person: str = "q_ash") -> str:
    return f"/v1/council-tax-exemptions/{world.id(person)}/confirmation"


async def test_a_confirmation_appears_in_the_young_person_s_view(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    person = world.people["q_ash"]
    account = await f.user(session, Role.CARE_LEAVER, gss=f.COUNTY, care_leaver=person)
    me = f.bearer(await f.token_for(session, settings, account))
    assert (await client.get("/v1/me/council-tax", headers=me)).json() == []

    put = await client.put(url(world), json=APPLIED, headers=world.headers("partner_ash"))
    assert put.status_code == 200, put.text
    assert put.json()["outcome"] == "applied" and put.json()["organisation_name"] == "Ashfield DC"

    seen = (await client.get("/v1/me/council-tax", headers=me)).json()
    assert seen == [
        {
            "organisation_name": "Ashfield DC",
            "outcome": "applied",
            "applied_from": "2026-12-03",
            "message": "Your exemption was applied by Ashfield DC on 3 December 2026.",
        }
    ]
    # Their adviser sees it on the record, with the account; another council's staff do not.
    record = await client.get(
        f"/v1/care-leavers/{person.id}/council-tax-confirmations", headers=world.headers("pa_n1")
    )
    assert record.status_code == 200
    assert [(c["outcome"], c["account_reference"]) for c in record.json()] == [("applied", "CT-4471120")]
    other = await client.get(
        f"/v1/care-leavers/{person.id}/council-tax-confirmations", headers=world.headers("admin_city")
    )
    assert other.status_code == 404


async def test_put_is_idempotent_and_if_match_is_optional(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("partner_ash")
    first = await client.put(url(world), json=APPLIED, headers=headers)
    again = await client.put(url(world), json=APPLIED, headers=headers)
    assert first.json()["version"] == again.json()["version"] == 1
    assert first.headers["etag"] == again.headers["etag"]
    stale = await client.put(
        url(world), json={"outcome": "not_liable"}, headers={**headers, "If-Match": '"old"'}
    )
    assert stale.status_code == 412
    fresh = await client.put(
        url(world), json={"outcome": "not_liable"}, headers={**headers, "If-Match": first.headers["etag"]}
    )
    assert fresh.status_code == 200 and fresh.json()["version"] == 2
    # Without If-Match, the district's latest word replaces its last.
    other = await client.put(
        url(world), json={"outcome": "other", "note": "Checking the tenancy"}, headers=headers
    )
    assert other.json()["version"] == 3 and other.json()["note"] == "Checking the tenancy"


async def test_what_each_outcome_needs(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("partner_ash")
    for body in (
        {"outcome": "applied"},
        {"outcome": "applied", "applied_from": "2026-12-03"},
        {"outcome": "other"},
        {"outcome": "not_found", "applied_from": "2026-12-03"},
        {"outcome": "granted"},
    ):
        response = await client.put(url(world), json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)


async def test_only_the_person_s_billing_authority_confirms(client: httpx.AsyncClient, world: World) -> None:
    # Rushcliffe does not bill q_ash; q_ash_private never agreed to share with Ashfield.
    assert (
        await client.put(url(world), json=APPLIED, headers=world.headers("partner_rush"))
    ).status_code == 404
    private = await client.put(
        url(world, "q_ash_private"), json=APPLIED, headers=world.headers("partner_ash")
    )
    assert private.status_code == 404
    assert (
        await client.put(url(world), json=APPLIED, headers=world.headers("partner_uni"))
    ).status_code == 403
    assert (
        await client.put(url(world), json=APPLIED, headers=world.headers("admin_county"))
    ).status_code == 403
