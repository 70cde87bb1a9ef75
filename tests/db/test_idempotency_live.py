"""Repeats of one create with one Idempotency-Key, racing for real: two server processes on one database.

A phone on a poor signal sends again what it already sent. Whatever the timing, the repeat must not act
twice: while the first request is being handled a repeat gets 409 `request.idempotency_in_flight` with
`Retry-After`, and once the first has finished every repeat gets its answer, with the same status. The
per-test transaction cannot show this (one connection, requests take turns), so these tests start their
own servers on their own database.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.db.idempotency import lock_id
from tests.support.databases import ON_POSTGRES, load_demo_data, migrate, throwaway_database
from tests.support.factories import sign_in
from tests.support.live_server import live_server

pytestmark = pytest.mark.slow

REPEATS = 100
IN_FLIGHT = "request.idempotency_in_flight"


@dataclass(frozen=True)
class Servers:
    database_url: str
    bases: tuple[str, str]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Two processes, as in production (several workers), so a repeat may reach either."""
    directory = tmp_path_factory.mktemp("idempotency")
    with throwaway_database(directory, "idempotency") as url:
        migrate(url)
        load_demo_data(url)
        with (
            live_server(url, directory / "first.log", demo="true") as first,
            live_server(url, directory / "second.log", demo="true") as second,
        ):
            yield Servers(url, (first, second))


@asynccontextmanager
async def clients(servers: Servers) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    limits = httpx.Limits(max_connections=REPEATS, max_keepalive_connections=REPEATS)
    async with (
        httpx.AsyncClient(base_url=servers.bases[0], timeout=60, limits=limits) as one,
        httpx.AsyncClient(base_url=servers.bases[1], timeout=60, limits=limits) as two,
    ):
        yield one, two


async def at_once(
    pair: tuple[httpx.AsyncClient, httpx.AsyncClient],
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
) -> list[httpx.Response]:
    return list(
        await asyncio.gather(*(pair[i % 2].post(path, json=body, headers=headers) for i in range(REPEATS)))
    )


def assert_first_answer_or_in_flight(responses: list[httpx.Response], first: httpx.Response) -> None:
    """Each answer is the first request's (same status, same body) or says it is still in flight."""
    answered = 0
    for response in responses:
        if response.status_code == 409 and response.json()["code"] == IN_FLIGHT:
            assert response.headers["retry-after"] == "1"
            assert response.headers["content-type"] == "application/problem+json"
            continue
        assert (response.status_code, response.json()) == (first.status_code, first.json()), response.text
        answered += 1
    assert answered >= 1  # someone made it


async def settled(
    pair: tuple[httpx.AsyncClient, httpx.AsyncClient],
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
) -> httpx.Response:
    """Once the burst is over, the answer every later repeat gets, on either server."""
    later = [await pair[i % 2].post(path, json=body, headers=headers) for i in range(4)]
    assert len({(r.status_code, r.text) for r in later}) == 1, [r.text for r in later]
    return later[0]


def new_person() -> dict[str, str]:
    return {
        "case_reference": f"RETRY-{secrets.token_hex(4).upper()}",
        "given_name": "Robin",
        "family_name": "Retry",
        "date_of_birth": "2006-03-03",
    }


async def count_records(client: httpx.AsyncClient, admin: dict[str, str], case_reference: str) -> int:
    found = await client.get("/v1/care-leavers", params={"q": case_reference}, headers=admin)
    assert found.status_code == 200, found.text
    return len(found.json()["items"])


async def test_repeats_of_a_new_record_create_one_and_answer_alike(servers: Servers) -> None:
    async with clients(servers) as pair:
        admin = await sign_in(pair[0], "admin@nottingham.demo")
        body, key = new_person(), {"Idempotency-Key": str(uuid.uuid4())}
        burst = await at_once(pair, "/v1/care-leavers", body, {**admin, **key})
        first = await settled(pair, "/v1/care-leavers", body, {**admin, **key})
        assert first.status_code == 201, first.text
        assert first.headers["location"] == f"/v1/care-leavers/{first.json()['id']}"
        assert_first_answer_or_in_flight(burst, first)
        assert await count_records(pair[0], admin, body["case_reference"]) == 1
        # The key names this request: the same key with another body is refused, not answered.
        other = await pair[1].post("/v1/care-leavers", json=new_person(), headers={**admin, **key})
        assert (other.status_code, other.json()["code"]) == (422, "request.idempotency_key_reused")


async def test_repeats_of_a_young_persons_comment_add_it_once(servers: Servers) -> None:
    async with clients(servers) as pair:
        me = await sign_in(pair[0], "leaver1@nottingham.demo")
        mine = await pair[0].get("/v1/me/pathway-plan", headers=me)
        assert mine.status_code == 200, mine.text
        path = f"/v1/pathway-plans/{mine.json()['plan_id']}/comments"
        body = {"section": "money", "body": f"Can we talk about my phone bill? {secrets.token_hex(4)}"}
        headers = {**me, "Idempotency-Key": str(uuid.uuid4())}
        burst = await at_once(pair, path, body, headers)
        first = await settled(pair, path, body, headers)
        assert first.status_code == 201, first.text
        assert_first_answer_or_in_flight(burst, first)
        plan = (await pair[1].get(f"/v1/pathway-plans/{mine.json()['plan_id']}", headers=me)).json()
        money = next(s for s in plan["sections"] if s["kind"] == "money")
        assert [c["id"] for c in money["comments"] if c["body"] == body["body"]] == [first.json()["id"]]


def user_id_of(database_url: str, email: str) -> uuid.UUID:
    with psycopg.connect(_libpq(database_url)) as conn:
        row = conn.execute("SELECT id FROM user_account WHERE email = %s", [email]).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def _libpq(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL: requests with one key can run at the same time")
async def test_a_repeat_while_the_first_is_in_flight_is_told_to_wait(servers: Servers) -> None:
    async with clients(servers) as pair:
        admin = await sign_in(pair[0], "admin@nottingham.demo")
        body, key = new_person(), str(uuid.uuid4())
        headers = {**admin, "Idempotency-Key": key}
        user_id = user_id_of(servers.database_url, "admin@nottingham.demo")
        # Hold the key as the first request does while it works: its lock, from another connection.
        with psycopg.connect(_libpq(servers.database_url)) as first, first.transaction():
            first.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id(user_id, key)])
            for client in pair:
                waiting = await client.post("/v1/care-leavers", json=body, headers=headers)
                assert (waiting.status_code, waiting.json()["code"]) == (409, IN_FLIGHT), waiting.text
                assert waiting.headers["retry-after"] == "1"
                assert waiting.json()["retry_after"] == 1
        # It finished without making anything (this stand-in created nothing): the repeat acts now, once.
        made = await pair[0].post("/v1/care-leavers", json=body, headers=headers)
        again = await pair[1].post("/v1/care-leavers", json=body, headers=headers)
        assert made.status_code == again.status_code == 201, made.text
        assert made.json() == again.json()
        assert await count_records(pair[0], admin, body["case_reference"]) == 1


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite: every transaction takes the database's write lock at BEGIN")
async def test_repeats_behind_a_writer_queue_and_all_get_the_first_answer(servers: Servers) -> None:
    """On SQLite nothing runs beside a writer, across processes too: the first request and its repeats
    wait their turn, so no repeat ever sees the first in flight; each gets the first answer."""
    async with clients(servers) as pair:
        admin = await sign_in(pair[0], "admin@nottingham.demo")
        body, headers = new_person(), {**admin, "Idempotency-Key": str(uuid.uuid4())}
        database = make_url(servers.database_url).database
        assert database is not None
        writer = sqlite3.connect(Path(database), isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")  # another process's transaction, holding the write lock
            sent = [
                asyncio.ensure_future(pair[i % 2].post("/v1/care-leavers", json=body, headers=headers))
                for i in range(10)
            ]
            await asyncio.sleep(0.5)  # let them reach the servers; none can finish while the lock is held
            assert not any(task.done() for task in sent)
            writer.execute("COMMIT")
        finally:
            writer.close()
        answers = await asyncio.gather(*sent)
        assert {(r.status_code, r.text) for r in answers} == {(201, answers[0].text)}
        assert await count_records(pair[0], admin, body["case_reference"]) == 1
