"""Exactly once for money: an Idempotency-Key on a payment or a claim is honoured for 30 days.

The offline app may send a payment or a claim again days after it was first answered; a finance
officer's double click sends it twice at once. Either way the key names one action: the same key and
body get the first answer, the same key with another body is refused (422), and a payment without a
key is refused before anything is paid. (Requests racing for real: tests/claims/test_concurrency.py.)
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.claims.models import Claim, Payment
from app.core.clock import utc_now
from app.core.settings import Settings
from app.db.idempotency import IdempotencyRecord, prune
from tests.claims.support import Claimant, act, claim_body, claimant, make_claim
from tests.support.world import World

REUSED = "request.idempotency_key_reused"


async def approved_claim(client: httpx.AsyncClient, world: World, who: Claimant, pence: int = 40000) -> str:
    claim = await make_claim(client, world.headers("pa_a1"), who.id, pence)
    approved = await act(client, world.headers("manager_a"), claim["id"], "approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    return str(claim["id"])


async def post_payment(
    client: httpx.AsyncClient, world: World, claim: str, body: dict[str, Any], key: str
) -> httpx.Response:
    headers = {**world.headers("manager_a"), "Idempotency-Key": key}
    return await client.post(f"/v1/claims/{claim}/payments", json=body, headers=headers)


async def payments_of(session: AsyncSession, claim: str) -> int:
    stmt = select(func.count()).select_from(Payment).where(Payment.claim_id == uuid.UUID(claim))
    return int(await session.scalar(stmt) or 0)


async def age_key(session: AsyncSession, key: str, by: timedelta) -> None:
    """As if the key's first request had been answered `by` ago."""
    result = await session.execute(
        update(IdempotencyRecord).where(IdempotencyRecord.key == key).values(created_at=utc_now() - by)
    )
    assert getattr(result, "rowcount", 1) == 1
    await session.flush()


async def test_a_repeated_payment_gets_the_first_answer_and_pays_once(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await approved_claim(client, world, who)
    body, key = {"amount_pence": 15000, "reference": "AP-1001"}, str(uuid.uuid4())
    first = await post_payment(client, world, claim, body, key)
    assert first.status_code == 201, first.text
    again = await post_payment(client, world, claim, body, key)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert await payments_of(session, claim) == 1
    read = (await client.get(f"/v1/claims/{claim}", headers=world.headers("pa_a1"))).json()
    assert read["status"] == "partly_paid"
    assert [p["id"] for p in read["payments"]] == [first.json()["id"]]


async def test_the_same_key_with_another_payment_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim, other_claim = await approved_claim(client, world, who), await approved_claim(client, world, who)
    key = str(uuid.uuid4())
    assert (await post_payment(client, world, claim, {"amount_pence": 15000}, key)).status_code == 201
    changed: list[tuple[str, dict[str, Any]]] = [
        (claim, {"amount_pence": 15001}),  # another amount
        (claim, {"amount_pence": 15000, "reference": "AP-1002"}),  # another reference
        (other_claim, {"amount_pence": 15000}),  # the same payment of another claim
    ]
    for target, body in changed:
        refused = await post_payment(client, world, target, body, key)
        assert (refused.status_code, refused.json()["code"]) == (422, REUSED), refused.text
        assert refused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await payments_of(session, claim) == 1
    assert await payments_of(session, other_claim) == 0


async def test_a_repeated_claim_is_made_once(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    body, key = claim_body(25000, 4000), {"Idempotency-Key": str(uuid.uuid4())}
    path = "/v1/me/claims"
    first = await client.post(path, json=body, headers={**who.headers, **key})
    assert first.status_code == 201, first.text
    again = await client.post(path, json=body, headers={**who.headers, **key})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    changed = await client.post(path, json=claim_body(25000, 4001), headers={**who.headers, **key})
    assert (changed.status_code, changed.json()["code"]) == (422, REUSED), changed.text
    count = select(func.count()).select_from(Claim).where(Claim.care_leaver_id == who.person.id)
    assert await session.scalar(count) == 1


async def test_a_payment_key_is_honoured_for_30_days(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    """The offline app sends a payment it recorded weeks ago: it is answered, not paid again."""
    who = await claimant(session, settings, world)
    claim = await approved_claim(client, world, who)
    body, key = {"amount_pence": 10000}, str(uuid.uuid4())
    first = await post_payment(client, world, claim, body, key)
    assert first.status_code == 201, first.text
    await age_key(session, key, timedelta(days=29))
    late = await post_payment(client, world, claim, body, key)
    assert (late.status_code, late.json()) == (201, first.json())
    other = await post_payment(client, world, claim, {"amount_pence": 10001}, key)
    assert (other.status_code, other.json()["code"]) == (422, REUSED)  # still remembered
    assert await payments_of(session, claim) == 1
    # After 30 days the key is forgotten: it may name a new payment.
    await age_key(session, key, timedelta(days=30, minutes=1))
    new = await post_payment(client, world, claim, {"amount_pence": 10001}, key)
    assert new.status_code == 201, new.text
    assert new.json()["id"] != first.json()["id"]


async def test_a_claim_key_is_honoured_for_30_days(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    body, key = claim_body(30000), str(uuid.uuid4())
    headers = {**who.headers, "Idempotency-Key": key}
    first = await client.post("/v1/me/claims", json=body, headers=headers)
    assert first.status_code == 201, first.text
    await age_key(session, key, timedelta(days=29))
    late = await client.post("/v1/me/claims", json=body, headers=headers)
    assert late.status_code == 201
    assert late.json()["id"] == first.json()["id"]


async def test_a_key_for_anything_else_is_forgotten_after_24_hours(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    """The contrast: a new care-leaver record's key lasts a day, not a month."""
    admin, key = world.headers("admin_city"), str(uuid.uuid4())

    def person(reference: str) -> dict[str, str]:
        return {
            "case_reference": reference,
            "given_name": "Kay",
            "family_name": "Day",
            "date_of_birth": "2006-05-05",
        }

    headers = {**admin, "Idempotency-Key": key}
    first = await client.post("/v1/care-leavers", json=person("KEY-0001"), headers=headers)
    assert first.status_code == 201, first.text
    await age_key(session, key, timedelta(hours=23))
    refused = await client.post("/v1/care-leavers", json=person("KEY-0002"), headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (422, REUSED)  # within the day: remembered
    await age_key(session, key, timedelta(hours=25))
    later = await client.post("/v1/care-leavers", json=person("KEY-0002"), headers=headers)
    assert later.status_code == 201, later.text  # forgotten: the key names a new request
    assert later.json()["id"] != first.json()["id"]


async def test_prune_keeps_money_keys_for_30_days(session: AsyncSession, world: World) -> None:
    now = utc_now()
    user = world.users["manager_a"].id
    ages = {
        "create_care_leaver": [timedelta(hours=23), timedelta(hours=25)],
        "money:record_payment": [timedelta(hours=25), timedelta(days=29), timedelta(days=30, minutes=1)],
        "money:create_claim": [timedelta(days=29, hours=23), timedelta(days=31)],
    }
    for operation, times in ages.items():
        for age in times:
            session.add(
                IdempotencyRecord(
                    user_id=user,
                    key=f"{operation}:{age.total_seconds():.0f}",
                    operation=operation,
                    fingerprint="0" * 64,
                    resource_id=str(uuid.uuid4()),
                    created_at=now - age,
                )
            )
    await session.flush()
    assert await prune(session, now) == 3
    kept = (
        await session.scalars(select(IdempotencyRecord.key).where(IdempotencyRecord.user_id == user))
    ).all()
    assert sorted(kept) == sorted(
        [
            f"create_care_leaver:{23 * 3600}",
            f"money:record_payment:{25 * 3600}",
            f"money:record_payment:{29 * 86400}",
            f"money:create_claim:{29 * 86400 + 23 * 3600}",
        ]
    )


async def test_a_payment_without_a_key_is_refused_naming_the_header(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await approved_claim(client, world, who)
    refused = await client.post(
        f"/v1/claims/{claim}/payments", json={"amount_pence": 10000}, headers=world.headers("manager_a")
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "request.validation_failed"
    assert [(e["location"], e["field"], e["code"]) for e in problem["errors"]] == [
        ("header", "Idempotency-Key", "missing")
    ], problem
    assert await payments_of(session, claim) == 0
