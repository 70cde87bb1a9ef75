"""Subscriptions, the outbox and signatures, through the real app in the test's transaction."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from app.db.session import Database
from app.events import signing
from app.events.enums import DeliveryStatus, EventType
from app.events.models import WebhookDelivery, WebhookEvent
from app.events.outbox import body_of, emit
from app.events.worker import claim
from tests.claims.support import claimant, make_claim
from tests.letters.support import give_status, issue
from tests.support.world import World

HOOK = "https://finance.example.gov.uk/hooks"


async def subscribe(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> dict[str, object]:
    r = await client.post("/v1/webhook-subscriptions", json={"url": HOOK, **body}, headers=headers)
    assert r.status_code == 201, r.text
    created: dict[str, object] = r.json()
    return created


def test_a_signature_is_the_documented_hmac_of_id_timestamp_and_body() -> None:
    secret = signing.new_secret()
    body = b'{"type":"claim.submitted"}'
    header = signing.headers([secret], "msg_1", 1_733_300_000, body)["webhook-signature"]
    # What a receiver computes from the README alone.
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, b"msg_1.1733300000." + body, hashlib.sha256).digest()).decode()
    assert header == f"v1,{expected}"
    assert signing.verify(secret, "msg_1", 1_733_300_000, body, header)
    assert not signing.verify(secret, "msg_1", 1_733_300_001, body, header)  # another timestamp
    assert not signing.verify(secret, "msg_1", 1_733_300_000, body + b" ", header)  # an altered body
    assert not signing.verify(signing.new_secret(), "msg_1", 1_733_300_000, body, header)


async def test_a_submitted_claim_is_delivered_to_the_councils_subscription_with_ids_only(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, db: Database
) -> None:
    admin = world.headers("admin_city")
    sub = await subscribe(client, admin, event_types=["claim.submitted"])
    assert str(sub["secret"]).startswith("whsec_") and sub["partner_organisation_id"] is None
    shown = await client.get(f"/v1/webhook-subscriptions/{sub['id']}", headers=admin)
    assert shown.status_code == 200 and "secret" not in shown.json()  # shown once, on creation

    who = await claimant(session, settings, world)
    made = await make_claim(client, world.headers("pa_a1"), who.id, 20000)
    listed = await client.get("/v1/webhook-deliveries", headers=admin)
    assert listed.status_code == 200, listed.text
    [delivery] = listed.json()["items"]
    assert (delivery["event_type"], delivery["status"], delivery["subscription_id"]) == (
        "claim.submitted",
        "pending",
        sub["id"],
    )
    event = await session.get(WebhookEvent, uuid.UUID(delivery["event_id"]))
    assert event is not None
    envelope = json.loads(body_of(event))
    assert envelope["data"] == {"claim_id": made["id"]} and envelope["type"] == "claim.submitted"
    # The County's admin, and partners, see nothing of the City's deliveries.
    other = await client.get("/v1/webhook-deliveries", headers=world.headers("admin_county"))
    assert other.json()["items"] == []
    assert (
        await client.get(f"/v1/webhook-subscriptions/{sub['id']}", headers=world.headers("admin_county"))
    ).status_code == 404

    # The worker signs with the secret shown at creation.
    [job] = await claim(db, settings, uuid.uuid4(), event.occurred_at)
    assert job.secrets == [sub["secret"]] and job.event_id == str(event.id)


async def test_a_rolled_back_change_sends_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World, db: Database
) -> None:
    await subscribe(client, world.headers("admin_city"), event_types=["claim.submitted"])
    before = await session.scalar(select(func.count()).select_from(WebhookDelivery))
    council = world.users["admin_city"].local_authority_id
    assert council is not None

    async def change_that_fails() -> None:
        async with db.unit_of_work() as work:
            await emit(
                work, EventType.CLAIM_SUBMITTED, {"claim_id": uuid.uuid4()}, local_authority_id=council
            )
            raise RuntimeError("the change failed after the event was written")

    with pytest.raises(RuntimeError):
        await change_that_fails()
    assert await session.scalar(select(func.count()).select_from(WebhookDelivery)) == before
    events = await session.scalar(
        select(func.count()).select_from(WebhookEvent).where(WebhookEvent.local_authority_id == council)
    )
    assert events == 0


async def test_partners_subscribe_to_their_own_events_and_their_council_sees_them(
    client: httpx.AsyncClient, world: World
) -> None:
    ash = world.headers("partner_ash")
    refused = await client.post(
        "/v1/webhook-subscriptions", json={"url": HOOK, "event_types": ["claim.submitted"]}, headers=ash
    )
    assert refused.status_code == 422 and refused.json()["code"] == "webhook.invalid_subscription"
    sub = await subscribe(client, ash, event_types=["council_tax.list_changed", "status_letter.revoked"])
    assert sub["partner_organisation_id"] == str(world.users["partner_ash"].partner_organisation_id)
    county = await client.get("/v1/webhook-subscriptions", headers=world.headers("admin_county"))
    assert [s["id"] for s in county.json()["items"]] == [sub["id"]]
    for outsider in ("partner_rush", "admin_city"):
        r = await client.get(f"/v1/webhook-subscriptions/{sub['id']}", headers=world.headers(outsider))
        assert r.status_code == 404, outsider
    assert (await client.get("/v1/webhook-subscriptions", headers=world.headers("pa_a1"))).status_code == 403
    # The council's admin subscribes for a partner of its own, not for another council's.
    rush = world.users["partner_rush"].partner_organisation_id
    made = await subscribe(
        client,
        world.headers("admin_county"),
        event_types=["council_tax.confirmation_due"],
        partner_organisation_id=str(rush),
    )
    assert made["partner_organisation_id"] == str(rush)
    r = await client.post(
        "/v1/webhook-subscriptions",
        json={
            "url": HOOK,
            "event_types": ["council_tax.confirmation_due"],
            "partner_organisation_id": str(rush),
        },
        headers=world.headers("admin_city"),
    )
    assert r.status_code == 422
    gone = await client.delete(f"/v1/webhook-subscriptions/{sub['id']}", headers=ash)
    assert gone.status_code == 204
    assert (await client.get(f"/v1/webhook-subscriptions/{sub['id']}", headers=ash)).status_code == 404


async def test_plain_http_is_refused_outside_development(client_with: object, world: World) -> None:
    async with client_with(environment="production") as prod:  # type: ignore[operator]
        r = await prod.post(
            "/v1/webhook-subscriptions",
            json={"url": "http://finance.example.gov.uk/hooks", "event_types": ["claim.submitted"]},
            headers=world.headers("admin_city"),
        )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "url", r.text


async def test_a_rotated_secret_signs_beside_the_old_one_and_only_dead_letters_replay(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, db: Database
) -> None:
    admin = world.headers("admin_city")
    sub = await subscribe(client, admin, event_types=["claim.submitted"])
    rotated = await client.post(f"/v1/webhook-subscriptions/{sub['id']}/secret", headers=admin)
    assert rotated.status_code == 200 and rotated.json()["secret"] != sub["secret"]
    council = world.users["admin_city"].local_authority_id
    assert council is not None
    event = await emit(
        session, EventType.CLAIM_SUBMITTED, {"claim_id": uuid.uuid4()}, local_authority_id=council
    )
    [job] = await claim(db, settings, uuid.uuid4(), event.occurred_at)
    assert job.secrets == [rotated.json()["secret"], sub["secret"]]

    delivery = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id))
    assert delivery is not None
    r = await client.post(f"/v1/webhook-deliveries/{delivery.id}/replay", headers=admin)
    assert r.status_code == 409 and r.json()["code"] == "webhook.not_dead_letter"
    delivery.status, delivery.attempts = DeliveryStatus.DEAD_LETTER, 32
    await session.flush()
    dead = await client.get("/v1/webhook-deliveries", params={"status": "dead_letter"}, headers=admin)
    assert [d["id"] for d in dead.json()["items"]] == [str(delivery.id)]
    assert (
        await client.post(
            f"/v1/webhook-deliveries/{delivery.id}/replay", headers=world.headers("partner_ash")
        )
    ).status_code == 403
    r = await client.post(f"/v1/webhook-deliveries/{delivery.id}/replay", headers=admin)
    assert r.status_code == 202, r.text
    assert (r.json()["status"], r.json()["attempts"]) == ("pending", 0)


def test_the_readmes_verifier_accepts_our_signatures_and_refuses_altered_ones() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = next(block for block in readme.split("```python\n")[1:] if "def verify(secret" in block)
    namespace: dict[str, Any] = {}
    exec(code.split("```")[0], namespace)  # the README example, run as a receiver would
    secret, body, now = signing.new_secret(), b'{"type":"claim.paid"}', int(time.time())
    headers = signing.headers([signing.new_secret(), secret], "evt-1", now, body)  # as after a rotation
    assert namespace["verify"](secret, headers, body)
    assert not namespace["verify"](secret, headers, body.replace(b"paid", b"submitted"))
    stale = signing.headers([secret], "evt-1", now - 600, body)
    assert not namespace["verify"](secret, stale, body)


async def test_a_revoked_letter_is_an_event_for_each_subscribed_partner_of_the_council_naming_only_the_letter(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    ash = await subscribe(client, world.headers("partner_ash"), event_types=["status_letter.revoked"])
    await subscribe(client, world.headers("partner_rush"), event_types=["council_tax.list_changed"])
    await give_status(session, world, "q_ash")
    letter = await issue(client, world, "pa_n1", "q_ash")
    revoked = await client.post(
        f"/v1/status-letters/{letter['id']}/revocation",
        json={"reason": "Issued for the wrong purpose."},
        headers=world.headers("pa_n1"),
    )
    assert revoked.status_code in (200, 201), revoked.text
    deliveries = (await session.execute(select(WebhookDelivery))).scalars().all()
    # Rushcliffe asked for other events, and the City's partners are another council's.
    assert [str(d.subscription_id) for d in deliveries] == [ash["id"]]
    event = await session.get(WebhookEvent, deliveries[0].event_id)
    assert event is not None and event.data == {"letter_id": letter["id"]}
