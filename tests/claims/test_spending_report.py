"""The spending report the council's finance system reads: `GET /v1/reports/spending?from=&to=`.

One row per payment paid or reversed in the period, as pages of JSON or as one streamed CSV
(`Accept: text/csv`), the same rows either way; a reversal carries the day it came back; nothing that
identifies the young person (name, address, date of birth, case reference); for a council's admins
only. And the balances the payments draw on: one query whatever the number of claims.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.claims.enums import LedgerKind
from app.claims.models import Claim, ClaimSettings, LedgerEntry
from app.core.clock import uk_today, utc_now
from app.core.settings import Settings
from app.core.types import uuid7
from tests.claims.support import SETTING_UP_HOME, Claimant, act, balance, claimant, make_claim
from tests.support import factories as f
from tests.support.world import World

URL = "/v1/reports/spending"
CSV = {"Accept": "text/csv"}
COLUMNS = [
    "payment_id",
    "claim_id",
    "paid_on",
    "amount_pence",
    "entitlement_code",
    "cost_code",
    "team_id",
    "method",
    "reference",
    "reversed_on",
]


async def paid(
    client: httpx.AsyncClient, world: World, who: Claimant, pence: int, paid_on: date, reference: str
) -> dict[str, Any]:
    claim = await make_claim(client, world.headers("pa_a1"), who.id, pence)
    approved = await act(client, world.headers("manager_a"), claim["id"], "approve")
    assert approved.status_code == 200, approved.text
    payment = await client.post(
        f"/v1/claims/{claim['id']}/payments",
        json={"amount_pence": pence, "paid_on": paid_on.isoformat(), "reference": reference},
        headers={**world.headers("manager_a"), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert payment.status_code == 201, payment.text
    body: dict[str, Any] = payment.json()
    return body


async def reverse(client: httpx.AsyncClient, world: World, payment: dict[str, Any], on: date) -> None:
    reversed_ = await client.post(
        f"/v1/payments/{payment['id']}/reversal",
        json={"reason": "Returned by the bank", "reversed_on": on.isoformat()},
        headers=world.headers("manager_a"),
    )
    assert reversed_.status_code == 201, reversed_.text


async def pages(
    client: httpx.AsyncClient, headers: dict[str, str], first: date, last: date
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    url: str | None = URL
    params: dict[str, str] | None = {"from": first.isoformat(), "to": last.isoformat(), "limit": "2"}
    while url is not None:
        response = await client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        rows += response.json()["items"]
        url, params = response.json()["next"], None  # `next` carries the query (params={} would drop it)
    return rows


async def the_csv(
    client: httpx.AsyncClient, headers: dict[str, str], first: date, last: date
) -> httpx.Response:
    params = {"from": first.isoformat(), "to": last.isoformat()}
    return await client.get(URL, params=params, headers={**headers, **CSV})


def as_text(row: dict[str, Any]) -> dict[str, str]:
    """A JSON row as the CSV spells it: every value a string, nothing for null."""
    return {k: "" if v is None else str(v) for k, v in row.items()}


async def test_json_pages_and_the_csv_have_the_same_payments_of_the_period(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    city = await f.council(session, f.CITY)
    await session.execute(
        update(ClaimSettings)
        .where(ClaimSettings.local_authority_id == city.id)
        .values(cost_codes={SETTING_UP_HOME: "LC4101"})
    )
    await session.flush()
    ann, ben = await claimant(session, settings, world), await claimant(session, settings, world)
    today = uk_today()
    first, last = today - timedelta(days=30), today
    p1 = await paid(client, world, ann, 10000, today - timedelta(days=10), "AP-1")
    p2 = await paid(client, world, ann, 5000, today - timedelta(days=5), "AP-2")
    await reverse(client, world, p2, today - timedelta(days=2))
    p3 = await paid(client, world, ben, 7000, today - timedelta(days=1), "AP-3")
    await paid(client, world, ben, 3000, today - timedelta(days=60), "AP-OLD")  # before the period
    p5 = await paid(client, world, ben, 2000, today - timedelta(days=61), "AP-BACK")
    await reverse(client, world, p5, today - timedelta(days=3))  # paid before, came back within

    admin = world.headers("admin_city")
    rows = await pages(client, admin, first, last)
    assert [r["payment_id"] for r in rows] == [p["id"] for p in (p5, p1, p2, p3)]  # by day paid
    assert all(list(r) == COLUMNS for r in rows)
    by_id = {r["payment_id"]: r for r in rows}
    assert by_id[p1["id"]] == {
        "payment_id": p1["id"],
        "claim_id": p1["claim_id"],
        "paid_on": (today - timedelta(days=10)).isoformat(),
        "amount_pence": 10000,
        "entitlement_code": SETTING_UP_HOME,
        "cost_code": "LC4101",
        "team_id": str(world.users["pa_a1"].team_id),
        "method": "bank_transfer",
        "reference": "AP-1",
        "reversed_on": None,
    }
    assert by_id[p2["id"]]["reversed_on"] == (today - timedelta(days=2)).isoformat()
    assert by_id[p5["id"]]["reversed_on"] == (today - timedelta(days=3)).isoformat()

    exported = await the_csv(client, admin, first, last)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="spending-{first.isoformat()}-to-{last.isoformat()}.csv"'
    )
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert exported.text.splitlines()[0].split(",") == COLUMNS
    assert table == [as_text(r) for r in rows]

    # Nothing that identifies the young people, in either form.
    for who in (ann, ben):
        person = who.person
        for text in (exported.text, str(rows)):
            for secret in (person.family_name, person.case_reference, person.date_of_birth.isoformat()):
                assert secret not in text
            assert str(person.id) not in text
    # Another council's admin sees none of it.
    county = await pages(client, world.headers("admin_county"), first, last)
    assert county == []
    county_csv = await the_csv(client, world.headers("admin_county"), first, last)
    assert county_csv.text.splitlines() == [",".join(COLUMNS)]


async def test_a_period_with_no_payments_is_the_header_alone(client: httpx.AsyncClient, world: World) -> None:
    day = date(2001, 1, 1)
    assert await pages(client, world.headers("admin_city"), day, day) == []
    exported = await the_csv(client, world.headers("admin_city"), day, day)
    assert exported.status_code == 200
    assert exported.text == ",".join(COLUMNS) + "\r\n"


async def test_only_a_councils_admins_read_it(client: httpx.AsyncClient, world: World) -> None:
    params = {"from": "2026-01-01", "to": "2026-12-31"}
    for actor in ("pa_a1", "manager_a", "leaver_a1", "partner_ash"):
        for accept in ({}, CSV):
            refused = await client.get(URL, params=params, headers={**world.headers(actor), **accept})
            assert refused.status_code == 403, (actor, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
    anonymous = await client.get(URL, params=params, headers=CSV)
    assert anonymous.status_code == 401


async def test_the_period_is_checked(client: httpx.AsyncClient, world: World) -> None:
    admin = world.headers("admin_city")
    for accept in ({}, CSV):
        backwards = await client.get(
            URL, params={"from": "2026-03-01", "to": "2026-02-28"}, headers={**admin, **accept}
        )
        assert backwards.status_code == 422, backwards.text
        assert backwards.headers["content-type"] == "application/problem+json"
        assert [(e["location"], e["field"]) for e in backwards.json()["errors"]] == [("query", "to")]
        too_long = await client.get(
            URL, params={"from": "2020-01-01", "to": "2026-01-01"}, headers={**admin, **accept}
        )
        assert too_long.status_code == 422, too_long.text
        assert [e["field"] for e in too_long.json()["errors"]] == ["to"]
        missing = await client.get(URL, params={"to": "2026-01-01"}, headers={**admin, **accept})
        assert missing.status_code == 422
        assert [e["field"] for e in missing.json()["errors"]] == ["from"]
        not_a_day = await client.get(
            URL, params={"from": "2026-02-30", "to": "2026-03-01"}, headers={**admin, **accept}
        )
        assert not_a_day.status_code == 422
        assert [e["field"] for e in not_a_day.json()["errors"]] == ["from"]


async def clone_claims(session: AsyncSession, template: Claim, count: int, pence: int) -> None:
    """`count` more approved claims like `template`, each with its commitment line (Core inserts: the
    API would take minutes for 500)."""
    columns = {c.key: getattr(template, c.key) for c in Claim.__table__.c}
    now = utc_now()
    claims, lines = [], []
    for _ in range(count):
        claim_id = uuid7()
        claims.append(
            {**columns, "id": claim_id, "total_pence": pence, "approved_pence": pence, "created_at": now}
        )
        lines.append(
            {
                "id": uuid7(),
                "local_authority_id": template.local_authority_id,
                "care_leaver_id": template.care_leaver_id,
                "entitlement_code": template.entitlement_code,
                "period_key": template.period_key,
                "claim_id": claim_id,
                "kind": LedgerKind.COMMITMENT.value,
                "amount_pence": pence,
                "committed_delta": pence,
                "paid_delta": 0,
                "created_at": now,
                "created_by": template.created_by,
            }
        )
    await session.execute(insert(Claim), claims)
    await session.execute(insert(LedgerEntry), lines)
    await session.flush()


async def test_balances_are_one_query_whatever_the_number_of_claims(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    world: World,
    count_queries: list[str],
) -> None:
    few, many = await claimant(session, settings, world), await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    for who in (few, many):
        claim = await make_claim(client, pa, who.id, 500)
        assert (await act(client, world.headers("manager_a"), claim["id"], "approve")).status_code == 200
    template = await session.scalar(select(Claim).where(Claim.care_leaver_id == many.person.id))
    assert template is not None
    await clone_claims(session, template, 499, 500)

    statements: dict[str, list[str]] = {}
    for name, who in (("few", few), ("many", many)):
        count_queries.clear()
        found = await balance(client, pa, who.id)
        statements[name] = list(count_queries)
        claims = 1 if name == "few" else 500
        assert (found["committed_pence"], found["paid_pence"]) == (claims * 500, 0)
        assert found["remaining_pence"] == found["cap_pence"] - claims * 500
    assert len(statements["few"]) == len(statements["many"]), statements
    for ran in statements.values():
        assert len([s for s in ran if "ledger_entry" in s]) == 1  # the balances themselves: one query


async def test_a_reference_a_spreadsheet_would_run_is_written_as_text(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    today = uk_today()
    formula = '=HYPERLINK("http://evil.example","Click")'
    await paid(client, world, who, 1000, today, formula)
    await paid(client, world, who, 1000, today, "AP-PLAIN")
    exported = await the_csv(client, world.headers("admin_city"), today, today)
    rows = {r["reference"] for r in csv.DictReader(io.StringIO(exported.text))}
    assert rows == {"'" + formula, "AP-PLAIN"}
    # The JSON is not a spreadsheet: it keeps what was sent.
    json_rows = await pages(client, world.headers("admin_city"), today, today)
    assert {r["reference"] for r in json_rows} == {formula, "AP-PLAIN"}
