"""Money under real concurrency: two server processes on one database, hundreds of requests at once.

The per-test transaction cannot show this (one connection: requests take turns), so these tests start
their own servers on their own database, arrange their people there (committed), and check the outcome
both through the API and in the tables the API writes.

- A payment sent 100 times at once with one Idempotency-Key is made once: one payment row, one ledger
  line, and every client ends up with the same answer (those told 409 `request.idempotency_in_flight`
  wait `Retry-After` and send again, as the app does).
- 30 claims of £200 against one £3,000 allowance, each approved by two approvers at once and paid in
  parts at once: exactly 15 are approved and paid, the other 15 are refused with 422
  `claim.over_allowance`, and no reading of the balance ever shows more than £3,000 used.
- A payment reversed 20 times at once goes back to the allowance once.

On SQLite a writer holds the database from BEGIN, so requests queue; on PostgreSQL they really run side
by side (row locks on the claim and the allowance, advisory locks on keys).
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.auth.enums import Role
from app.claims.enums import LedgerKind
from app.claims.models import Claim, LedgerEntry, Payment
from app.core.settings import Environment, Settings
from app.db.engine import create_engine_for, sync_url
from app.db.session import Database
from tests.claims.support import SETTING_UP_HOME, claim_body
from tests.support import factories as f
from tests.support.databases import ON_POSTGRES, migrate, throwaway_database
from tests.support.live_server import live_server

pytestmark = pytest.mark.slow

IN_FLIGHT = "request.idempotency_in_flight"
CAP = 300_000  # the City's setting-up-home allowance, £3,000
CLAIM = 20_000  # £200: under the City's £500 second-approval threshold, so one approval commits it


@dataclass(frozen=True)
class Servers:
    database_url: str
    bases: tuple[str, str]
    settings: Settings  # signs tokens the servers accept (the same secret key)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    directory = tmp_path_factory.mktemp("claims_race")
    key = secrets.token_urlsafe(48)
    with throwaway_database(directory, "claims_race") as url:
        migrate(url)
        settings = Settings(database_url=url, environment=Environment.TEST, demo=False, secret_key=key)
        with (
            live_server(url, directory / "first.log", secret_key=key) as first,
            live_server(url, directory / "second.log", secret_key=key) as second,
        ):
            yield Servers(url, (first, second), settings)


@dataclass(frozen=True)
class Cast:
    """A City young person on a PA's caseload, the PA's team manager and the City's admin."""

    person: uuid.UUID
    pa: dict[str, str]
    manager: dict[str, str]
    admin: dict[str, str]


async def cast(servers: Servers) -> Cast:
    """Arranged in the servers' database and committed (the servers cannot see a test transaction)."""
    engine = create_engine_for(servers.settings)
    try:
        async with Database(engine).unit_of_work() as session:
            team = await f.team(session, f.CITY)
            pa = await f.user(session, Role.PERSONAL_ADVISER, team=team)
            manager = await f.user(session, Role.TEAM_MANAGER, team=team)
            admin = await f.user(session, Role.LA_ADMIN)
            person = await f.care_leaver(
                session, adviser=pa, district=f.CITY, former_relevant=True, age_years=19
            )
            tokens = [await f.token_for(session, servers.settings, u) for u in (pa, manager, admin)]
        return Cast(person.id, *(f.bearer(t) for t in tokens))
    finally:
        await engine.dispose()


@asynccontextmanager
async def clients(servers: Servers) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    async with (
        httpx.AsyncClient(base_url=servers.bases[0], timeout=120, limits=limits) as one,
        httpx.AsyncClient(base_url=servers.bases[1], timeout=120, limits=limits) as two,
    ):
        yield one, two


@dataclass
class Answer:
    response: httpx.Response
    told_to_wait: int  # how many 409 in-flight answers came first


async def until_answered(send: Callable[[], Awaitable[httpx.Response]]) -> Answer:
    """As the app does: on 409 in-flight, wait Retry-After seconds and send the same request again."""
    waited = 0
    while True:
        response = await send()
        if response.status_code != 409 or response.json().get("code") != IN_FLIGHT:
            return Answer(response, waited)
        assert response.headers["retry-after"].isdigit(), response.headers
        assert response.json()["retry_after"] == int(response.headers["retry-after"])
        waited += 1
        assert waited < 60, "still in flight after a minute"
        await asyncio.sleep(int(response.headers["retry-after"]))


def database(servers: Servers) -> Session:
    return Session(create_engine(sync_url(servers.database_url)))


def ledger_lines(servers: Servers, claim_ids: list[uuid.UUID]) -> Counter[LedgerKind]:
    with database(servers) as db:
        rows = db.execute(
            select(LedgerEntry.kind, func.count())
            .where(LedgerEntry.claim_id.in_(claim_ids))
            .group_by(LedgerEntry.kind)
        ).all()
    return Counter({LedgerKind(kind): int(n) for kind, n in rows})


def payment_rows(servers: Servers, claim_ids: list[uuid.UUID]) -> int:
    with database(servers) as db:
        found = db.scalar(select(func.count()).select_from(Payment).where(Payment.claim_id.in_(claim_ids)))
        return int(found or 0)


def pot_used(servers: Servers, person: uuid.UUID) -> tuple[int, int]:
    """(committed, paid) of the person's setting-up-home allowance, summed from the ledger itself."""
    with database(servers) as db:
        committed, paid = db.execute(
            select(
                func.coalesce(func.sum(LedgerEntry.committed_delta), 0),
                func.coalesce(func.sum(LedgerEntry.paid_delta), 0),
            ).where(LedgerEntry.care_leaver_id == person, LedgerEntry.entitlement_code == SETTING_UP_HOME)
        ).one()
    return int(committed), int(paid)


async def new_claim(client: httpx.AsyncClient, who: Cast, pence: int) -> str:
    made = await client.post(f"/v1/care-leavers/{who.person}/claims", json=claim_body(pence), headers=who.pa)
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "submitted" and made.json()["approvals_needed"] == 1, made.text
    return str(made.json()["id"])


async def balance_of(client: httpx.AsyncClient, who: Cast) -> dict[str, Any]:
    response = await client.get(f"/v1/care-leavers/{who.person}/balances", headers=who.pa)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = next(b for b in response.json() if b["entitlement_code"] == SETTING_UP_HOME)
    return found


async def test_a_hundred_repeats_of_one_payment_pay_once_and_answer_alike(servers: Servers) -> None:
    who = await cast(servers)
    async with clients(servers) as pair:
        claim = await new_claim(pair[0], who, CLAIM)
        approved = await pair[1].post(f"/v1/claims/{claim}/approve", headers=who.manager)
        assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text

        headers = {**who.manager, "Idempotency-Key": str(uuid.uuid4())}
        body = {"amount_pence": CLAIM, "reference": "AP-RACE-1"}

        def send(i: int) -> Callable[[], Awaitable[httpx.Response]]:
            return lambda: pair[i % 2].post(f"/v1/claims/{claim}/payments", json=body, headers=headers)

        answers = await asyncio.gather(*(until_answered(send(i)) for i in range(100)))

        final = {(a.response.status_code, a.response.text) for a in answers}
        assert len(final) == 1, final  # every client ends with the very same answer
        first = answers[0].response
        assert first.status_code == 201, first.text
        assert first.json()["claim_id"] == claim and first.json()["amount_pence"] == CLAIM
        waited = sum(a.told_to_wait for a in answers)
        if not ON_POSTGRES:
            assert waited == 0  # SQLite: the repeats queued behind the first and found its answer

        ids = [uuid.UUID(claim)]
        assert payment_rows(servers, ids) == 1
        assert ledger_lines(servers, ids) == Counter({LedgerKind.COMMITMENT: 1, LedgerKind.PAYMENT: 1})
        b = await balance_of(pair[0], who)
        assert (b["cap_pence"], b["committed_pence"], b["paid_pence"], b["remaining_pence"]) == (
            CAP,
            0,
            CLAIM,
            CAP - CLAIM,
        )
        # A late repeat, on either server, still gets that answer.
        for client in pair:
            again = await client.post(f"/v1/claims/{claim}/payments", json=body, headers=headers)
            assert (again.status_code, again.text) == (first.status_code, first.text)
        print(f"\n100 repeats of one payment: {waited} answers were 409 in flight first")


async def test_thirty_claims_of_200_against_3000_approve_and_pay_15(servers: Servers) -> None:
    who = await cast(servers)
    async with clients(servers) as pair:
        claims = [await new_claim(pair[i % 2], who, CLAIM) for i in range(30)]
        readings: list[dict[str, Any]] = []

        async def watch(stop: asyncio.Event) -> None:
            """A PA reading the balance all the while."""
            i = 0
            while not stop.is_set():
                readings.append(await balance_of(pair[i % 2], who))
                i += 1

        async def approve(claim: str, approver: dict[str, str], i: int) -> httpx.Response:
            return await pair[i % 2].post(f"/v1/claims/{claim}/approve", headers=approver)

        async def pay_part(claim: str, key: str, i: int) -> Answer:
            headers = {**who.manager, "Idempotency-Key": key}
            body = {"amount_pence": CLAIM // 4}
            return await until_answered(
                lambda: pair[i % 2].post(f"/v1/claims/{claim}/payments", json=body, headers=headers)
            )

        async def one_claim(n: int, claim: str) -> tuple[list[httpx.Response], list[Answer]]:
            # Its team manager and the admin approve it at the same moment, on different servers.
            approvals = list(
                await asyncio.gather(approve(claim, who.manager, n), approve(claim, who.admin, n + 1))
            )
            if not any(r.status_code == 200 for r in approvals):
                return approvals, []
            # Paid in four parts of £50, each part's request sent three times at once (one key each).
            keys = [str(uuid.uuid4()) for _ in range(4)]
            payments = await asyncio.gather(*(pay_part(claim, k, n + j) for k in keys for j in range(3)))
            return approvals, list(payments)

        stop = asyncio.Event()
        watchers = [asyncio.ensure_future(watch(stop)) for _ in range(4)]
        try:
            outcomes = await asyncio.gather(*(one_claim(n, c) for n, c in enumerate(claims)))
        finally:
            stop.set()
            await asyncio.gather(*watchers)

        approved, refused = [], []
        requests = 0
        for claim, (approvals, payments) in zip(claims, outcomes, strict=True):
            requests += len(approvals) + sum(1 + a.told_to_wait for a in payments)
            answers = sorted((r.status_code, r.json().get("code")) for r in approvals)
            if answers == [(200, None), (409, "claim.wrong_status")]:
                approved.append(claim)  # one approver committed it; the other found it approved already
                assert len(payments) == 12
                assert all(a.response.status_code == 201 for a in payments), [
                    a.response.text for a in payments
                ]
                assert len({a.response.json()["id"] for a in payments}) == 4  # one payment per key
            else:
                assert answers == [(422, "claim.over_allowance")] * 2, answers
                assert payments == []
                refused.append(claim)
        assert (len(approved), len(refused)) == (15, 15)

        # Every reading taken during the race kept within the cap and added up.
        assert readings
        for b in readings:
            assert b["committed_pence"] + b["paid_pence"] <= CAP, b
            assert b["remaining_pence"] == b["cap_pence"] - b["committed_pence"] - b["paid_pence"], b

        ids = [uuid.UUID(c) for c in claims]
        assert ledger_lines(servers, ids) == Counter({LedgerKind.COMMITMENT: 15, LedgerKind.PAYMENT: 60})
        assert payment_rows(servers, ids) == 60
        assert pot_used(servers, who.person) == (0, CAP)
        with database(servers) as db:
            statuses = Counter(db.scalars(select(Claim.status).where(Claim.id.in_(ids))))
        assert statuses == Counter({"paid": 15, "submitted": 15})
        b = await balance_of(pair[1], who)
        assert (b["cap_pence"], b["committed_pence"], b["paid_pence"], b["remaining_pence"]) == (
            CAP,
            0,
            CAP,
            0,
        )
        # A refused claim stays submitted and is refused again: there is nothing left.
        again = await pair[0].post(f"/v1/claims/{refused[0]}/approve", headers=who.manager)
        assert (again.status_code, again.json()["code"]) == (422, "claim.over_allowance")
        assert again.json()["remaining_pence"] == 0
        print(f"\n30 claims raced: {requests} approval and payment requests, {len(readings)} balance reads")


async def test_a_payment_reversed_twenty_times_at_once_is_reversed_once(servers: Servers) -> None:
    """A double click on "reverse": the money goes back to the allowance once, not twice."""
    who = await cast(servers)
    async with clients(servers) as pair:
        claim = await new_claim(pair[0], who, CLAIM)
        approved = await pair[1].post(f"/v1/claims/{claim}/approve", headers=who.manager)
        assert approved.status_code == 200, approved.text
        headers = {**who.manager, "Idempotency-Key": str(uuid.uuid4())}
        payment = await pair[0].post(
            f"/v1/claims/{claim}/payments", json={"amount_pence": CLAIM}, headers=headers
        )
        assert payment.status_code == 201, payment.text
        path = f"/v1/payments/{payment.json()['id']}/reversal"
        body = {"reason": "Returned by the bank"}
        answers = await asyncio.gather(
            *(pair[i % 2].post(path, json=body, headers=who.manager) for i in range(20))
        )
        codes = Counter((r.status_code, r.json().get("code")) for r in answers)
        assert codes == Counter({(201, None): 1, (409, "payment.already_reversed"): 19}), codes
        ids = [uuid.UUID(claim)]
        assert ledger_lines(servers, ids) == Counter(
            {LedgerKind.COMMITMENT: 1, LedgerKind.PAYMENT: 1, LedgerKind.REVERSAL: 1}
        )
        b = await balance_of(pair[1], who)
        assert (b["committed_pence"], b["paid_pence"], b["remaining_pence"]) == (0, 0, CAP)
