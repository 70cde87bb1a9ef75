"""A young person's devices: each phone they sign in on registers, and a lost one is revoked by them or
their adviser, which ends that sign-in at once. Through the real app, on a real database."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.models import AuditEvent, AuditEventSubject
from app.auth.models import AuthSession
from app.auth.tokens import decode_access_token
from app.core.clock import utc_now
from app.core.settings import Settings
from tests.support import factories as f
from tests.support.world import World

PUSH = "fcm:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx8hAqN9F1oz2v0m3Yh7c6Cw0nG5dE8s"


class Phone:
    """One sign-in with a password, as the app makes it: an access token and a refresh token."""

    def __init__(self, client: httpx.AsyncClient, access: str, refresh: str) -> None:
        self.client, self.access, self.refresh = client, access, refresh

    @property
    def headers(self) -> dict[str, str]:
        return f.bearer(self.access)

    async def register(self, **body: Any) -> httpx.Response:
        return await self.client.post("/v1/me/devices", json=body, headers=self.headers)

    async def devices(self) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/me/devices", headers=self.headers)
        assert response.status_code == 200, response.text
        devices: list[dict[str, Any]] = response.json()
        return devices

    async def refreshed(self) -> httpx.Response:
        return await self.client.post(
            "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": self.refresh}
        )


async def sign_in(client: httpx.AsyncClient, world: World, actor: str = "leaver_a1") -> Phone:
    response = await client.post(
        "/v1/auth/token",
        data={"grant_type": "password", "username": world.users[actor].email, "password": f.PASSWORD},
    )
    assert response.status_code == 200, response.text
    return Phone(client, response.json()["access_token"], response.json()["refresh_token"])


def session_of(settings: Settings, phone: Phone) -> uuid.UUID:
    return uuid.UUID(decode_access_token(settings, phone.access)["sid"])


async def device_events(session: AsyncSession, device_id: str) -> list[tuple[AuditEvent, set[uuid.UUID]]]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.resource_type == "device", AuditEvent.resource_id == device_id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    found = []
    for event in (await session.execute(stmt)).scalars():
        subjects = select(AuditEventSubject.care_leaver_id).where(AuditEventSubject.event_id == event.id)
        found.append((event, set((await session.execute(subjects)).scalars())))
    return found


async def test_a_phone_registers_once_per_sign_in_and_its_push_token_is_never_shown(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    phone = await sign_in(client, world)
    first = await phone.register(name="Ben's iPhone", platform="ios", push_token=PUSH)
    assert first.status_code == 201, first.text
    device = first.json()
    assert device["care_leaver_id"] == str(world.id("p_a1"))
    assert (device["name"], device["platform"], device["push_token_set"]) == ("Ben's iPhone", "ios", True)
    assert (device["this_device"], device["signed_in"], device["revoked_at"]) == (True, True, None)
    assert "push_token" not in device and PUSH not in first.text

    # Again from the same sign-in (a renamed phone, a retry): the same device, updated; the token kept.
    again = await phone.register(name="Ben's old iPhone", platform="ios")
    assert again.status_code == 200, again.text
    assert again.json()["id"] == device["id"]
    assert (again.json()["name"], again.json()["push_token_set"]) == ("Ben's old iPhone", True)
    assert [d["id"] for d in await phone.devices()] == [device["id"]]

    # null takes the token away (notifications turned off on the phone).
    cleared = await phone.register(name="Ben's old iPhone", platform="ios", push_token=None)
    assert (cleared.status_code, cleared.json()["push_token_set"]) == (200, False)

    # Every read and change is about Ben, and no audit event carries the token.
    events = await device_events(session, device["id"])
    assert [e.action for e, _ in events] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.UPDATE]
    assert all(people == {world.id("p_a1")} for _, people in events)
    assert all(PUSH not in json.dumps(e.details) for e, _ in events)
    listed = (
        await session.execute(
            select(AuditEvent).where(
                AuditEvent.resource_type == "device", AuditEvent.action == AuditAction.LIST
            )
        )
    ).scalars()
    assert [e.details for e in listed] == [{"count": 1}]


async def test_each_sign_in_is_its_own_device_and_a_push_token_moves_with_the_phone(
    client: httpx.AsyncClient, world: World
) -> None:
    phone, laptop = await sign_in(client, world), await sign_in(client, world)
    old = (await phone.register(name="Ben's iPhone", platform="ios", push_token=PUSH)).json()
    web = (await laptop.register(name="College laptop", platform="web")).json()
    assert old["id"] != web["id"]
    mine = {d["name"]: d["this_device"] for d in await laptop.devices()}
    assert mine == {"Ben's iPhone": False, "College laptop": True}
    # Signed in again on the same phone: the new sign-in takes the phone's token, the old one lets it go.
    again = await sign_in(client, world)
    new = (await again.register(name="Ben's iPhone", platform="ios", push_token=PUSH)).json()
    tokens = {d["id"]: d["push_token_set"] for d in await again.devices()}
    assert tokens == {new["id"]: True, web["id"]: False, old["id"]: False}
    # Newest first.
    assert [d["id"] for d in await again.devices()] == [new["id"], web["id"], old["id"]]


async def test_a_lost_phone_revoked_from_another_stops_working_at_once(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    lost, spare = await sign_in(client, world), await sign_in(client, world)
    device = (await lost.register(name="Lost phone", platform="android", push_token=PUSH)).json()
    await spare.register(name="Spare phone", platform="android")

    revoked = await client.delete(f"/v1/me/devices/{device['id']}", headers=spare.headers)
    assert revoked.status_code == 204, revoked.text

    me = await client.get("/v1/me", headers=lost.headers)
    assert (me.status_code, me.json()["code"]) == (401, "auth.invalid_token")
    refreshed = await lost.refreshed()
    assert (refreshed.status_code, refreshed.json()["code"]) == (401, "auth.invalid_grant")
    # The other phone carries on, and shows the lost one revoked.
    listed = {d["id"]: d for d in await spare.devices()}
    assert listed[device["id"]]["revoked_at"] is not None
    assert (listed[device["id"]]["signed_in"], listed[device["id"]]["push_token_set"]) == (False, False)
    # Twice is fine.
    again = await client.delete(f"/v1/me/devices/{device['id']}", headers=spare.headers)
    assert again.status_code == 204
    actions = [(e.action, e.details) for e, _ in await device_events(session, device["id"])]
    assert actions[-2:] == [
        (AuditAction.DELETE, {"already_revoked": False}),
        (AuditAction.DELETE, {"already_revoked": True}),
    ]


async def test_revoking_this_device_signs_it_out(client: httpx.AsyncClient, world: World) -> None:
    phone = await sign_in(client, world)
    device = (await phone.register(name="Ben's iPhone", platform="ios")).json()
    assert (await client.delete(f"/v1/me/devices/{device['id']}", headers=phone.headers)).status_code == 204
    assert (await phone.register(name="Ben's iPhone", platform="ios")).status_code == 401
    assert (await phone.refreshed()).status_code == 401


async def test_their_adviser_revokes_a_lost_phone(client: httpx.AsyncClient, world: World) -> None:
    phone = await sign_in(client, world)
    device = (await phone.register(name="Ben's iPhone", platform="ios", push_token=PUSH)).json()
    path = f"/v1/care-leavers/{world.id('p_a1')}/devices"
    for actor in ("pa_a1", "manager_a", "admin_city"):
        listed = await client.get(path, headers=world.headers(actor))
        assert listed.status_code == 200, (actor, listed.text)
        assert [(d["id"], d["this_device"], d["push_token_set"]) for d in listed.json()] == [
            (device["id"], False, True)
        ]
        assert PUSH not in listed.text

    revoked = await client.delete(f"{path}/{device['id']}", headers=world.headers("pa_a1"))
    assert revoked.status_code == 204, revoked.text
    assert (await client.get("/v1/me", headers=phone.headers)).status_code == 401
    assert (await phone.refreshed()).status_code == 401
    after = (await client.get(path, headers=world.headers("pa_a1"))).json()
    assert after[0]["revoked_at"] is not None and after[0]["signed_in"] is False


async def test_nobody_else_can_see_or_revoke_a_young_persons_devices(
    client: httpx.AsyncClient, world: World
) -> None:
    phone = await sign_in(client, world)
    device = (await phone.register(name="Ben's iPhone", platform="ios")).json()
    mine = f"/v1/care-leavers/{world.id('p_a1')}/devices"

    # Another young person: their own list is empty, and Ben's device is no device of theirs.
    other = world.headers("leaver_a2")
    assert (await client.get("/v1/me/devices", headers=other)).json() == []
    refused = await client.delete(f"/v1/me/devices/{device['id']}", headers=other)
    assert (refused.status_code, refused.json()["code"]) == (404, "device.not_found")
    assert (await client.get(mine, headers=other)).status_code == 403

    # Staff of another council or team cannot tell the young person exists; a colleague covering
    # (read-only) is refused; a device id under another person's record is not found.
    for actor in ("admin_county", "pa_n1", "pa_b1"):
        for response in (
            await client.get(mine, headers=world.headers(actor)),
            await client.delete(f"{mine}/{device['id']}", headers=world.headers(actor)),
        ):
            assert (response.status_code, response.json()["code"]) == (404, "care_leaver.not_found"), actor
    covering = await client.delete(f"{mine}/{device['id']}", headers=world.headers("pa_a2"))
    assert (covering.status_code, covering.json()["code"]) == (403, "care_leaver.read_only")
    elsewhere = f"/v1/care-leavers/{world.id('p_a2')}/devices/{device['id']}"
    wrong = await client.delete(elsewhere, headers=world.headers("admin_city"))
    assert (wrong.status_code, wrong.json()["code"]) == (404, "device.not_found")

    # Through all of that, the phone stayed signed in.
    assert (await client.get("/v1/me", headers=phone.headers)).status_code == 200
    assert (await phone.devices())[0]["revoked_at"] is None


async def test_staff_have_no_devices_of_their_own(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/v1/me/devices", json={"name": "Work phone", "platform": "ios"}, headers=world.headers("pa_a1")
    )
    assert (response.status_code, response.json()["code"]) == (403, "auth.role_not_allowed")


async def test_a_push_token_is_bounded_and_never_echoed_in_an_error(
    client: httpx.AsyncClient, world: World
) -> None:
    for token in ("x" * 4097, "has a space in it", ""):
        response = await client.post(
            "/v1/me/devices",
            json={"name": "Ben's iPhone", "platform": "ios", "push_token": token},
            headers=world.headers("leaver_a1"),
        )
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["push_token"]
        assert not token or token not in response.text
    unknown = await client.post(
        "/v1/me/devices",
        json={"name": "Ben's iPhone", "platform": "blackberry"},
        headers=world.headers("leaver_a1"),
    )
    assert unknown.status_code == 422


async def test_last_seen_is_written_at_most_every_ten_minutes(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    phone = await sign_in(client, world)
    await phone.register(name="Ben's iPhone", platform="ios")
    sid = session_of(settings, phone)

    async def seen_at(value: datetime) -> datetime | None:
        await session.execute(update(AuthSession).where(AuthSession.id == sid).values(last_seen_at=value))
        await session.flush()
        assert (await client.get("/v1/me", headers=phone.headers)).status_code == 200
        stmt = select(AuthSession.last_seen_at).where(AuthSession.id == sid)
        return (await session.execute(stmt.execution_options(populate_existing=True))).scalar_one()

    # Seen five minutes ago: not written again.
    five = utc_now() - timedelta(minutes=5)
    assert await seen_at(five) == five
    # Seen an hour ago: written now, and shown.
    hour = utc_now() - timedelta(hours=1)
    stored = await seen_at(hour)
    assert stored is not None and stored > utc_now() - timedelta(minutes=1)
    shown = datetime.fromisoformat((await phone.devices())[0]["last_seen_at"])
    assert shown == stored
