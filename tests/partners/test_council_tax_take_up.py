"""The take-up report, in the shape of the Leaving Care Service's table (seed 001 para 59), for the demo."""

from __future__ import annotations

import csv
import io

import httpx

from app.core.clock import uk_today
from app.core.settings import Settings
from app.db.session import Database
from app.demo.loader import load_demo_data
from tests.support.types import ClientWith
from tests.support.world import World

COLUMNS = [
    "billing_authority",
    "billing_authority_gss_code",
    "month",
    "on_list",
    "confirmed_applied",
    "not_liable",
    "outstanding",
]


async def sign_in(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    token = (
        await client.post(
            "/v1/auth/token", data={"grant_type": "password", "username": email, "password": "demo"}
        )
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def test_the_demo_s_take_up_by_billing_authority_and_month(
    db: Database, settings: Settings, client_with: ClientWith
) -> None:
    await load_demo_data(db, settings.model_copy(update={"demo": True}))
    year = uk_today().year
    period = {"from": f"{year}-01", "to": f"{year}-12"}
    this_month = f"{year}-{uk_today().month:02d}"
    async with client_with(demo=True) as client:
        admin = await sign_in(client, "admin@notts.demo")
        report = await client.get("/v1/reports/council-tax-take-up", params=period, headers=admin)
        assert report.status_code == 200, report.text
        body = report.json()
        assert (body["from"], body["to"]) == (period["from"], period["to"])
        rows = body["rows"]
        # Nottinghamshire's seven districts, twelve months each; the City's team is the City's own.
        authorities = {r["billing_authority_gss_code"] for r in rows}
        assert authorities == {f"E0700017{n}" for n in range(7)}
        assert len(rows) == 7 * 12
        for row in rows:
            assert list(row) == COLUMNS
            assert row["on_list"] == row["confirmed_applied"] + row["not_liable"] + row["outstanding"]
        now = [r for r in rows if r["month"] == this_month]
        assert sum(r["on_list"] for r in now) > 0
        assert sum(r["confirmed_applied"] for r in now) > 0 and sum(r["not_liable"] for r in now) > 0
        ashfield = {r["month"]: r for r in rows if r["billing_authority_gss_code"] == "E07000170"}
        assert ashfield[this_month]["on_list"] >= 1

        # Ashfield sees its own row only; the CSV carries the same rows.
        district = await sign_in(client, "ashfield@partners.demo")
        own = await client.get(
            "/v1/reports/council-tax-take-up", params=period, headers={**district, "Accept": "text/csv"}
        )
        assert own.status_code == 200 and own.headers["content-type"].startswith("text/csv")
        lines = list(csv.DictReader(io.StringIO(own.text)))
        assert {line["billing_authority_gss_code"] for line in lines} == {"E07000170"}
        assert [int(line["on_list"]) for line in lines] == [ashfield[m]["on_list"] for m in sorted(ashfield)]

        city = await sign_in(client, "counciltax@nottingham.demo")
        listed = await client.get("/v1/council-tax-exemptions", params={"month": this_month}, headers=city)
        assert listed.status_code == 200 and listed.json()["items"]
        assert {i["billing_authority_gss_code"] for i in listed.json()["items"]} == {"E06000018"}


async def test_the_period_is_checked(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("admin_county")
    for params in (
        {"from": "2026-05", "to": "2026-01"},
        {"from": "2024-01", "to": "2026-01"},
        {"from": "2026-1", "to": "2026-02"},
    ):
        response = await client.get("/v1/reports/council-tax-take-up", params=params, headers=headers)
        assert response.status_code == 422, response.text
    refused = await client.get(
        "/v1/reports/council-tax-take-up",
        params={"from": "2026-01", "to": "2026-02"},
        headers=world.headers("pa_n1"),
    )
    assert refused.status_code == 403
