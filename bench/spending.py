"""Money at a council's scale (issue 13): the spending report streamed as CSV, and a young person's
balances, whatever the number of their claims.

    python bench/spending.py                        # 100,000 payments, on SQLite
    python bench/spending.py --database-url postgresql://postgres@127.0.0.1:55432/postgres
                                                    # and on a throwaway database on that server
    python bench/spending.py --payments 20000       # quicker

Setup (migrate, people, claims and payments inserted with Core executemany) is not measured.
1. `GET /v1/reports/spending` with `Accept: text/csv` through the app, in-process: the ASGI app is
   called directly and each body chunk is counted and dropped as it is sent (httpx's ASGITransport
   would keep the whole body, which is what is being measured). Rows a second (median of 3), and what
   the process's memory grows by while the CSV streams: the peak of Python's allocations (tracemalloc,
   a separate run) and of the resident set (sampled at every chunk), for a tenth of the payments and
   for all of them. Constant memory: the two peaks are about the same.
2. `GET /v1/care-leavers/{id}/balances` (httpx ASGITransport) for a young person with 1, 500 and 5,000
   approved claims: the SQL statements it runs (the same number; one reads the ledger) and its median
   time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.auth.enums import Role  # noqa: E402
from app.care_leavers.models import CareLeaver  # noqa: E402
from app.claims.enums import ClaimStatus, LedgerKind, PaymentMethod, RequestedBy  # noqa: E402
from app.claims.models import Claim, LedgerEntry, Payment  # noqa: E402
from app.core.clock import uk_today, utc_now  # noqa: E402
from app.core.settings import Environment, Settings  # noqa: E402
from app.core.types import uuid7  # noqa: E402
from app.db.engine import create_engine_for  # noqa: E402
from app.db.session import Database  # noqa: E402
from app.main import create_app  # noqa: E402
from bench.decisions import median_of, postgres_database  # noqa: E402
from tests.support import factories as f  # noqa: E402
from tests.support.databases import migrate  # noqa: E402

CITY = "E06000018"
CODE = "setting-up-home-allowance"
CHUNK = 2000
REPEATS = 3
PAYMENTS_PER_CLAIM = 5
CLAIMS_PER_PERSON = 20
SPREAD_DAYS = 700  # payments paid over the last 700 days: the report asks for at most two years


@dataclass(frozen=True)
class Arranged:
    la_id: uuid.UUID
    admin: dict[str, str]
    pa: dict[str, str]
    people: dict[int, uuid.UUID]  # number of claims -> a young person with that many


def claim_row(la_id: uuid.UUID, person: uuid.UUID, by: uuid.UUID, pence: int, now: Any) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "local_authority_id": la_id,
        "care_leaver_id": person,
        "entitlement_code": CODE,
        "period_key": "whole",
        "status": ClaimStatus.PAID.value,
        "revision": 3,
        "purpose": "Things for my first flat",
        "items": [{"description": "Bed", "amount_pence": pence}],
        "total_pence": pence,
        "payment_method": PaymentMethod.BANK_TRANSFER.value,
        "requested_by": RequestedBy.STAFF.value,
        "created_by": by,
        "created_at": now,
        "updated_at": now,
        "contributors": [str(by)],
        "approved_pence": pence,
    }


def person_row(la_id: uuid.UUID, n: int, now: Any) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "local_authority_id": la_id,
        "case_reference": f"SPEND-{n:06d}",
        "given_name": "Sam",
        "family_name": f"Spender{n:06d}",
        "date_of_birth": date(2005, 1, 1) + timedelta(days=n % 700),
        "district_gss_code": CITY,
        "created_at": now,
        "updated_at": now,
    }


async def insert_chunks(database: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    async with database.unit_of_work() as session:
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(table), rows[start : start + CHUNK])


async def seed_payments(
    database: Database, la_id: uuid.UUID, by: uuid.UUID, team: uuid.UUID, count: int
) -> None:
    """`count` payments of claims of people who exist only for them, paid over SPREAD_DAYS; 2% reversed."""
    rng = random.Random(20261204)
    now, today = utc_now(), uk_today()
    claims_needed = -(-count // PAYMENTS_PER_CLAIM)
    people = [person_row(la_id, n, now) for n in range(-(-claims_needed // CLAIMS_PER_PERSON))]
    await insert_chunks(database, CareLeaver, people)
    made = 0
    for batch in range(0, claims_needed, 5000):  # a few thousand claims (and their payments) at a time
        claims, payments = [], []
        for n in range(batch, min(batch + 5000, claims_needed)):
            person = people[n // CLAIMS_PER_PERSON]["id"]
            claim = claim_row(la_id, person, by, 5 * 4000, now)
            claims.append(claim)
            for _ in range(PAYMENTS_PER_CLAIM):
                if made == count:
                    break
                made += 1
                paid_on = today - timedelta(days=rng.randrange(SPREAD_DAYS))
                back = rng.random() < 0.02
                payments.append(
                    {
                        "id": uuid7(),
                        "local_authority_id": la_id,
                        "claim_id": claim["id"],
                        "care_leaver_id": person,
                        "entitlement_code": CODE,
                        "amount_pence": 4000,
                        "method": PaymentMethod.BANK_TRANSFER.value,
                        "paid_on": paid_on,
                        "reference": f"AP-{made:07d}",
                        "team_id": team,
                        "cost_code": "LC4101",
                        "created_at": now,
                        "created_by": by,
                        "reversed_at": now if back else None,
                        "reversed_by": by if back else None,
                        "reversed_on": min(paid_on + timedelta(days=7), today) if back else None,
                        "reversal_reason": "Returned by the bank" if back else None,
                    }
                )
        await insert_chunks(database, Claim, claims)
        await insert_chunks(database, Payment, payments)


async def seed_claims_of_one(database: Database, who: Any, by: uuid.UUID, claims: int) -> None:
    """`claims` approved claims of 50p for one young person, each with its commitment line."""
    now = utc_now()
    rows = [claim_row(who.local_authority_id, who.id, by, 50, now) for _ in range(claims)]
    for row in rows:
        row["status"] = ClaimStatus.APPROVED.value
    lines = [
        {
            "id": uuid7(),
            "local_authority_id": who.local_authority_id,
            "care_leaver_id": who.id,
            "entitlement_code": CODE,
            "period_key": "whole",
            "claim_id": row["id"],
            "kind": LedgerKind.COMMITMENT.value,
            "amount_pence": 50,
            "committed_delta": 50,
            "paid_delta": 0,
            "created_at": now,
            "created_by": by,
        }
        for row in rows
    ]
    await insert_chunks(database, Claim, rows)
    await insert_chunks(database, LedgerEntry, lines)


async def arrange(database: Database, settings: Settings, payments: int) -> Arranged:
    async with database.unit_of_work() as session:
        la_id = (await f.council(session, CITY)).id
        team = await f.team(session, CITY)
        pa = await f.user(session, Role.PERSONAL_ADVISER, team=team)
        admin = await f.user(session, Role.LA_ADMIN)
        tokens = [await f.token_for(session, settings, u) for u in (admin, pa)]
        claimants = {
            n: await f.care_leaver(session, adviser=pa, district=CITY, former_relevant=True, age_years=19)
            for n in (1, 500, 5000)
        }
        pa_id, team_id = pa.id, team.id
    await seed_payments(database, la_id, pa_id, team_id, payments)
    for n, who in claimants.items():
        await seed_claims_of_one(database, who, pa_id, n)
    return Arranged(la_id, f.bearer(tokens[0]), f.bearer(tokens[1]), {n: p.id for n, p in claimants.items()})


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@dataclass
class Streamed:
    status: int
    rows: int
    bytes: int
    seconds: float
    rss_growth: int  # the largest resident set seen while streaming, less the one before
    rss_peak: int  # the largest resident set seen while streaming


async def stream_csv(app: Any, headers: dict[str, str], first: date, last: date) -> Streamed:
    """The ASGI app called as a server would call it; every body chunk counted, then dropped."""
    query = f"from={first.isoformat()}&to={last.isoformat()}"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/reports/spending",
        "raw_path": b"/v1/reports/spending",
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"accept", b"text/csv")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }
    done = asyncio.Event()
    sent = False
    found = Streamed(0, 0, 0, 0.0, 0, 0)
    before = rss_bytes()
    peak = before

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal peak
        if message["type"] == "http.response.start":
            found.status = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            found.rows += body.count(b"\n")
            found.bytes += len(body)
            peak = max(peak, rss_bytes())

    begin = time.perf_counter()
    try:
        await app(scope, receive, send)
    finally:
        done.set()
    found.seconds = time.perf_counter() - begin
    found.rows -= 1  # the header
    found.rss_growth, found.rss_peak = peak - before, peak
    return found


async def python_peak(app: Any, headers: dict[str, str], first: date, last: date) -> tuple[int, int]:
    """(rows, the peak of Python allocations above what was held before), under tracemalloc."""
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        streamed = await stream_csv(app, headers, first, last)
        return streamed.rows, tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


async def bench_csv(app: Any, arranged: Arranged, label: str) -> None:
    today = uk_today()
    whole = (today - timedelta(days=SPREAD_DAYS), today)
    tenth = (today - timedelta(days=SPREAD_DAYS // 10), today)
    start = rss_bytes()
    peak = (await stream_csv(app, arranged.admin, *tenth)).rss_peak  # warm-up
    for name, (first, last) in (("a tenth", tenth), ("all", whole)):
        runs = [await stream_csv(app, arranged.admin, first, last) for _ in range(REPEATS)]
        assert all(r.status == 200 for r in runs), runs
        peak = max(peak, *(r.rss_peak for r in runs))
        seconds = median_of([r.seconds for r in runs])
        rows, traced = await python_peak(app, arranged.admin, first, last)
        assert rows == runs[0].rows
        print(
            f"[{label}] CSV of {name} ({rows:,} rows, {runs[0].bytes / 1e6:.1f} MB): {seconds:.2f} s, "
            f"{rows / seconds:,.0f} rows/s; memory while streaming: Python peak +{traced / 1e6:.1f} MB "
            f"(tracemalloc), resident set +{max(r.rss_growth for r in runs) / 1e6:.1f} MB (sampled)"
        )
    print(
        f"[{label}] resident set {start / 1e6:.0f} MB before the first export, at most {peak / 1e6:.0f} MB "
        f"during all {2 * REPEATS + 1} (+{(peak - start) / 1e6:.1f} MB)"
    )


async def bench_balances(app: Any, database: Database, arranged: Arranged, label: str) -> None:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = app.state.db.engine.sync_engine
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for claims, person in arranged.people.items():
            url = f"/v1/care-leavers/{person}/balances"
            times = []
            for n in range(REPEATS * 5 + 3):
                statements.clear()
                event.listen(engine, "before_cursor_execute", count)
                begin = time.perf_counter()
                response = await client.get(url, headers=arranged.pa)
                elapsed = time.perf_counter() - begin
                event.remove(engine, "before_cursor_execute", count)
                assert response.status_code == 200, response.text
                if n >= 3:
                    times.append(elapsed)
            pot = next(b for b in response.json() if b["entitlement_code"] == CODE)
            assert pot["committed_pence"] == claims * 50, pot
            ledger = sum("ledger_entry" in s for s in statements)
            print(
                f"[{label}] balances with {claims:>5,} claims: {len(statements)} SQL statements in the request "
                f"({ledger} reading the ledger), median {statistics.median(times) * 1000:.1f} ms; "
                f"committed {pot['committed_pence']:,}p of {pot['cap_pence']:,}p"
            )


async def run(url: str, label: str, payments: int) -> None:
    migrate(url)
    settings = Settings(database_url=url, environment=Environment.TEST, demo=False, log_level="WARNING")
    database = Database(create_engine_for(settings))
    try:
        begin = time.perf_counter()
        arranged = await arrange(database, settings, payments)
        print(f"[{label}] set up {payments:,} payments in {time.perf_counter() - begin:.1f} s (not measured)")
    finally:
        await database.dispose()
    app = create_app(settings)
    try:
        await bench_csv(app, arranged, label)
        await bench_balances(app, app.state.db, arranged, label)
    finally:
        await app.state.db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server: also run on a throwaway database there")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="local-offer-spending-")))
        jobs: list[Callable[[], Coroutine[Any, Any, None]]] = []
        if not args.skip_sqlite:
            url = f"sqlite:///{work / 'spending.db'}"
            jobs.append(lambda: run(url, "sqlite", args.payments))
        if args.database_url:
            pg = stack.enter_context(postgres_database(args.database_url))
            jobs.append(lambda: run(pg, "postgresql", args.payments))
        for job in jobs:
            asyncio.run(job())
    return 0


if __name__ == "__main__":
    sys.exit(main())
