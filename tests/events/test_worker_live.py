"""The worker for real: `python -m app worker` processes, a real HTTP receiver, a database of their own.

"A webhook receiver that is down for ten minutes gets every event afterwards, once each by event id":
ten minutes becomes seconds by scaling the backoff down (LOCAL_OFFER_WEBHOOK_BACKOFF_*), and the worker
is killed with SIGKILL in the middle of sending and started again. Receivers de-duplicate on
`webhook-id`, as the README tells them to; each delivery's signature is checked as the README says.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.auth.enums import Role, SubjectKind
from app.auth.models import UserAccount
from app.core.settings import Environment, Settings
from app.db.engine import create_engine_for
from app.db.session import Database
from app.events import signing
from app.events.enums import DeliveryStatus, EventType
from app.events.models import WebhookDelivery
from app.events.outbox import emit
from app.local_authorities.models import LocalAuthority
from tests.support.databases import migrate, throwaway_database
from tests.support.factories import CITY, PASSWORD, password_hash
from tests.support.live_server import ROOT, free_port, live_server

pytestmark = pytest.mark.slow

SECRET_KEY = "webhook-live-test-key-" + "x" * 32
EVENTS = 30
FAST = {  # "ten minutes" of backoff in a few seconds
    "webhook_backoff_base_seconds": "0.1",
    "webhook_backoff_max_seconds": "0.5",
    "webhook_lease_seconds": "1",
    "webhook_poll_seconds": "0.05",
    "webhook_batch_size": "5",
    "webhook_timeout_seconds": "2",
}


@dataclass
class Receiver:
    """A partner's endpoint: verifies each signature and keeps each event id once."""

    port: int
    secret: str = ""
    delay: float = 0.0
    requests: int = 0
    forged: int = 0
    seen: set[str] = field(default_factory=set)
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def up(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def down(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            await asyncio.sleep(self.delay)
            self.requests += 1
            event_id, timestamp = headers["webhook-id"], int(headers["webhook-timestamp"])
            if not signing.verify(self.secret, event_id, timestamp, body, headers["webhook-signature"]):
                self.forged += 1
                writer.write(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            else:
                self.seen.add(event_id)  # de-duplicated by event id
                writer.write(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@dataclass(frozen=True)
class Stack:
    url: str
    api: str
    directory: Path
    council_id: uuid.UUID
    admin_headers: dict[str, str]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("webhooks")
    with throwaway_database(directory, "webhooks") as url:
        migrate(url)
        council_id, email = asyncio.run(_admin(url))
        with live_server(url, directory / "api.log", secret_key=SECRET_KEY) as api:
            token = httpx.post(
                f"{api}/v1/auth/token",
                data={"grant_type": "password", "username": email, "password": PASSWORD},
                timeout=30,
            ).json()["access_token"]
            yield Stack(url, api, directory, council_id, {"Authorization": f"Bearer {token}"})


async def _admin(url: str) -> tuple[uuid.UUID, str]:
    database = _database(url)
    try:
        async with database.unit_of_work() as session:
            council = (
                await session.execute(select(LocalAuthority).where(LocalAuthority.gss_code == CITY))
            ).scalar_one()
            admin = UserAccount(
                email="webhooks-admin@test.example", display_name="Webhooks admin", kind=SubjectKind.STAFF,
                roles=[Role.LA_ADMIN.value], password_hash=password_hash(), local_authority_id=council.id,
            )  # fmt: skip
            session.add(admin)
        return council.id, admin.email
    finally:
        await database.dispose()


def _database(url: str) -> Database:
    return Database(
        create_engine_for(Settings(database_url=url, environment=Environment.TEST, secret_key=SECRET_KEY))
    )


@contextmanager
def worker(stack: Stack, name: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    environment = {
        **os.environ,
        "LOCAL_OFFER_DATABASE_URL": stack.url,
        "LOCAL_OFFER_ENVIRONMENT": "test",
        "LOCAL_OFFER_SECRET_KEY": SECRET_KEY,
        **{f"LOCAL_OFFER_{k.upper()}": v for k, v in (FAST | env).items()},
    }
    with (stack.directory / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "worker"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # a clean stop finishes the round in hand
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


async def subscribe(client: httpx.AsyncClient, stack: Stack, receiver: Receiver) -> str:
    r = await client.post(
        "/v1/webhook-subscriptions",
        json={"url": receiver.url, "event_types": ["claim.submitted"]},
        headers=stack.admin_headers,
    )
    assert r.status_code == 201, r.text
    receiver.secret = r.json()["secret"]
    subscription_id: str = r.json()["id"]
    return subscription_id


async def emit_claims(database: Database, council_id: uuid.UUID, count: int) -> set[str]:
    ids = set()
    for _ in range(count):
        async with database.unit_of_work() as session:  # one transaction per change, as a request would
            event = await emit(
                session, EventType.CLAIM_SUBMITTED, {"claim_id": uuid.uuid4()}, local_authority_id=council_id
            )
            ids.add(str(event.id))
    return ids


async def statuses(database: Database, subscription_id: str) -> dict[DeliveryStatus, int]:
    async with database.unit_of_work() as session:
        rows = await session.execute(
            select(WebhookDelivery.status, func.count())
            .where(WebhookDelivery.subscription_id == uuid.UUID(subscription_id))
            .group_by(WebhookDelivery.status)
        )
        return dict(rows.all())


async def until(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not in {seconds} s: {what}")


@asynccontextmanager
async def clients(stack: Stack) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    database = _database(stack.url)
    try:
        async with httpx.AsyncClient(base_url=stack.api, timeout=30) as client:
            yield client, database
    finally:
        await database.dispose()


async def test_a_receiver_down_for_a_while_then_up_gets_every_event_once_by_id_through_a_killed_worker(
    stack: Stack,
) -> None:
    receiver = Receiver(free_port())
    async with clients(stack) as (client, database):
        subscription = await subscribe(client, stack, receiver)
        emitted = await emit_claims(database, stack.council_id, EVENTS)
        with worker(stack, "first") as first:
            # Down: every attempt fails and is retried with backoff; none is given up on.
            async def retried() -> bool:
                async with database.unit_of_work() as session:
                    low = await session.scalar(
                        select(func.min(WebhookDelivery.attempts)).where(
                            WebhookDelivery.subscription_id == uuid.UUID(subscription)
                        )
                    )
                return bool(low and low >= 3)

            await until(retried, 60, "every delivery tried three times while the receiver is down")
            assert (await statuses(database, subscription)) == {DeliveryStatus.PENDING: EVENTS}
            # Up, but slow: the worker is killed while requests are in flight.
            receiver.delay = 0.3
            await receiver.up()
            await until(lambda: _some(receiver), 60, "the first deliveries after the receiver came back")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        assert len(receiver.seen) < EVENTS  # killed part-way
        receiver.delay = 0.0
        with worker(stack, "second"):

            async def all_delivered() -> bool:
                return (await statuses(database, subscription)) == {DeliveryStatus.DELIVERED: EVENTS}

            await until(all_delivered, 90, "every delivery delivered after the restart")
        await receiver.down()
    assert receiver.seen == emitted  # every event, once each by id (repeats only after the kill)
    assert receiver.forged == 0


async def _some(receiver: Receiver) -> bool:
    return len(receiver.seen) >= 3


async def test_deliveries_that_exhaust_their_attempts_are_dead_letters_that_replay_sends(
    stack: Stack,
) -> None:
    receiver = Receiver(free_port())
    async with clients(stack) as (client, database):
        subscription = await subscribe(client, stack, receiver)
        emitted = await emit_claims(database, stack.council_id, 5)
        with worker(stack, "dead", webhook_max_attempts="3"):

            async def dead() -> bool:
                return (await statuses(database, subscription)) == {DeliveryStatus.DEAD_LETTER: 5}

            await until(dead, 60, "every delivery a dead letter after three attempts")
            listed = await client.get(
                "/v1/webhook-deliveries",
                params={"status": "dead_letter", "subscription_id": subscription},
                headers=stack.admin_headers,
            )
            assert listed.status_code == 200, listed.text
            letters = listed.json()["items"]
            assert {d["event_id"] for d in letters} == emitted
            assert all(d["attempts"] == 3 and d["last_error"] for d in letters)
            await receiver.up()
            for letter in letters:
                r = await client.post(
                    f"/v1/webhook-deliveries/{letter['id']}/replay", headers=stack.admin_headers
                )
                assert r.status_code == 202, r.text

            async def delivered() -> bool:
                return (await statuses(database, subscription)) == {DeliveryStatus.DELIVERED: 5}

            await until(delivered, 60, "every replayed dead letter delivered")
        await receiver.down()
    assert receiver.seen == emitted and receiver.forged == 0
