"""The offline sync (issue 15): what a phone downloads the first time, and what a sync costs the server
when nothing changed, for a young person with about a year of history.

    python bench/sync.py                            # on SQLite
    python bench/sync.py --database-url postgresql://postgres@127.0.0.1:55432/postgres
                                                    # and on a throwaway database on that server
    python bench/sync.py --requests 500             # quicker

Setup is not measured: migrate, the demo data (`app.demo`, as tests/test_demo_data.py loads it), then,
through the API, more history for Ben Sample (leaver2@nottingham.demo, the demo young person with the
most: claims paid, part paid, declined, submitted and a draft, a draft pathway plan, contacts): a dozen
contacts logged by his adviser, and a few claims of his own approved by the manager (each approval is a
notification). Everything runs in-process through httpx's ASGITransport, signed in as Ben.
1. The first sync (`GET /v1/me/sync`, no cursor, `Accept-Encoding: gzip`), every page: bytes on the
   wire (gzipped) and after decoding, items, time. The very first builds his view; then the median of 3
   snapshots of the built view. Target: under 100 KB gzipped.
2. A delta with nothing changed (the cursor from 1): the SQL statements it runs, counted and timed with
   the engine's `before_cursor_execute`/`after_cursor_execute` events, split into the sync's own
   (`sync_state`) and the sign-in's (the session check); the median wall time and the CPU time a
   request (`time.process_time` over N requests, the in-process client's share included, so an upper
   bound). Target: the sync's own part is one indexed query, under 0.5 ms of database time.
3. From 2: the share of one core that 1,000 devices syncing every 15 minutes take (1000/900 requests
   a second times the CPU a request). Target: under 5%.
4. A delta after one change (his adviser logs a contact, untimed): the rebuild's statements, database
   time and wall time, median of 3.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.clock import utc_now  # noqa: E402
from app.core.settings import Environment, Settings  # noqa: E402
from app.db.engine import create_engine_for  # noqa: E402
from app.db.session import Database  # noqa: E402
from app.demo.ids import demo_id  # noqa: E402
from app.demo.loader import load_demo_data  # noqa: E402
from app.main import create_app  # noqa: E402
from bench.decisions import median_of, postgres_database  # noqa: E402
from tests.support.databases import migrate  # noqa: E402
from tests.support.factories import sign_in  # noqa: E402

BEN = "leaver2@nottingham.demo"
ADVISER = "pa2@nottingham.demo"
MANAGER = "manager@nottingham.demo"
REPEATS = 3
CONTACTS = 12
CLAIMS = 4
GZIP = {"Accept-Encoding": "gzip"}
DEVICES, EVERY_SECONDS = 1000, 15 * 60
FIRST_TARGET_BYTES = 100 * 1024
DB_TARGET_MS = 0.5
CORE_TARGET = 0.05
TX = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


@dataclass
class Statements:
    """Every statement a request ran, with its database time (cursor execute to its return)."""

    texts: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def of(self, word: str) -> tuple[int, float]:
        times = [s for t, s in zip(self.texts, self.seconds, strict=True) if word in t]
        return len(times), sum(times)

    @property
    def total(self) -> float:
        return sum(self.seconds)


@contextmanager
def counting(app: Any) -> Iterator[Statements]:
    engine = app.state.db.engine.sync_engine
    found = Statements()

    def before(conn: Any, _cursor: object, statement: str, *_args: object) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn: Any, _cursor: object, statement: str, *_args: object) -> None:
        found.seconds.append(time.perf_counter() - conn.info["bench_started"].pop())
        found.texts.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


@dataclass
class Synced:
    pages: int = 0
    items: int = 0
    wire: int = 0  # as sent (gzipped when it was)
    decoded: int = 0
    seconds: float = 0.0
    cursor: str = ""
    kinds: dict[str, int] = field(default_factory=dict)
    kind_bytes: dict[str, int] = field(default_factory=dict)  # each item's JSON, uncompressed


async def sync_all(client: httpx.AsyncClient, me: dict[str, str], cursor: str | None) -> Synced:
    """Sync until nothing more waits, as the app does."""
    found = Synced()
    begin = time.perf_counter()
    while True:
        params = {} if cursor is None else {"cursor": cursor}
        response = await client.get("/v1/me/sync", params=params, headers={**me, **GZIP})
        assert response.status_code == 200, response.text
        page = response.json()
        found.pages += 1
        found.items += len(page["items"])
        found.wire += response.num_bytes_downloaded
        found.decoded += len(response.content)
        for item in page["items"]:
            found.kinds[item["type"]] = found.kinds.get(item["type"], 0) + 1
            size = len(json.dumps(item, separators=(",", ":")))
            found.kind_bytes[item["type"]] = found.kind_bytes.get(item["type"], 0) + size
        cursor = found.cursor = page["cursor"]
        if not page["has_more"]:
            break
    found.seconds = time.perf_counter() - begin
    return found


def contact(n: int) -> dict[str, Any]:
    return {
        "occurred_at": (utc_now() - timedelta(days=max(360 - 30 * n, 0), hours=1 + n)).isoformat(),
        "method": ["phone", "text", "face_to_face_home"][n % 3],
        "initiated_by": "staff",
        "outcome": "spoken" if n % 4 else "seen",
        "purpose": "Keeping in touch",
        "summary": f"Talked about the flat, money and college ({n}).",
    }


async def add_history(client: httpx.AsyncClient, ben: str, pa: dict[str, str], manager: dict[str, str],
                      me: dict[str, str]) -> tuple[int, int]:  # fmt: skip
    """A year of contacts from his adviser, and a few claims of his own, approved (each a notification)."""
    for n in range(CONTACTS):
        response = await client.post(f"/v1/care-leavers/{ben}/contacts", json=contact(n), headers=pa)
        assert response.status_code == 201, response.text
    approved = 0
    for n in range(CLAIMS):
        body = {
            "entitlement_code": "setting-up-home-allowance",
            "purpose": f"Things for the flat ({n + 1})",
            "items": [{"description": "Kitchen things", "amount_pence": 1500}],
            "payment_method": "bank_transfer",
            "submit": True,
        }
        made = await client.post("/v1/me/claims", json=body, headers=me)
        assert made.status_code == 201, made.text
        decided = await client.post(f"/v1/claims/{made.json()['id']}/approve", headers=manager)
        approved += decided.status_code == 200
    return CONTACTS, approved


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


async def run(url: str, label: str, requests: int) -> None:
    migrate(url)
    settings = Settings(database_url=url, environment=Environment.TEST, demo=True, log_level="WARNING")
    database = Database(create_engine_for(settings))
    try:
        await load_demo_data(database, settings)
    finally:
        await database.dispose()
    app = create_app(settings)
    ben = str(demo_id("care-leaver", "city-2"))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            me, pa, manager = [await sign_in(client, email) for email in (BEN, ADVISER, MANAGER)]
            contacts, claims = await add_history(client, ben, pa, manager, me)
            print(
                f"[{label}] set up: demo data, +{contacts} contacts, +{claims} claims approved (not measured)"
            )

            # 1. The first sync: the very first builds the view; then snapshots of the built view.
            built = await sync_all(client, me, None)
            snapshots = [await sync_all(client, me, None) for _ in range(REPEATS)]
            first = snapshots[-1]
            first_seconds = median_of([s.seconds for s in snapshots])
            kinds = ", ".join(
                f"{k} {first.kinds[k]} ({b / 1024:.1f} KB)"
                for k, b in sorted(first.kind_bytes.items(), key=lambda kv: -kv[1])
            )
            print(
                f"[{label}] first sync: {first.items} items in {first.pages} page(s), {first.wire / 1024:.1f} KB "
                f"gzipped, {first.decoded / 1024:.1f} KB decoded; building the view {built.seconds * 1000:.0f} ms, "
                f"a snapshot of the built view {first_seconds * 1000:.0f} ms (median of {REPEATS})\n"
                f"[{label}]   items (decoded size): {kinds}"
            )
            cursor = first.cursor

            # 2. A delta with nothing changed.
            params = {"cursor": cursor}
            headers = {**me, **GZIP}
            for _ in range(20):  # warm-up
                assert (await client.get("/v1/me/sync", params=params, headers=headers)).status_code == 200
            runs = []
            for _ in range(REPEATS):
                with counting(app) as statements:
                    response = await client.get("/v1/me/sync", params=params, headers=headers)
                assert response.status_code == 200 and response.json()["items"] == [], response.text
                runs.append(statements)
            quiet = sorted(runs, key=lambda s: s.total)[len(runs) // 2]
            own, own_s = quiet.of("sync_state")
            tx = [s for t, s in zip(quiet.texts, quiet.seconds, strict=True) if t.split()[0] in TX]
            signin, signin_s = len(quiet.texts) - own - len(tx), quiet.total - own_s - sum(tx)
            for text, seconds in zip(quiet.texts, quiet.seconds, strict=True):
                print(f"[{label}]   {seconds * 1000:6.3f} ms  {text[:150]}")
            walls = []
            cpu_begin = time.process_time()
            for _ in range(requests):
                begin = time.perf_counter()
                response = await client.get("/v1/me/sync", params=params, headers=headers)
                walls.append(time.perf_counter() - begin)
            cpu = (time.process_time() - cpu_begin) / requests
            assert response.status_code == 200
            wall = statistics.median(walls)
            share = DEVICES / EVERY_SECONDS * cpu
            print(
                f"[{label}] delta, nothing changed: {len(quiet.texts)} statements, "
                f"{quiet.total * 1000:.3f} ms of database time (median of {REPEATS}); the sync's own: "
                f"{own} ({own_s * 1000:.3f} ms), sign-in: {signin} ({signin_s * 1000:.3f} ms), "
                f"transaction: {len(tx)} ({sum(tx) * 1000:.3f} ms); over {requests} requests: median "
                f"{wall * 1000:.2f} ms wall, {cpu * 1000:.2f} ms CPU a request; "
                f"{DEVICES} devices every {EVERY_SECONDS // 60} min: {share:.2%} of a core"
            )

            # 4. A delta after one change: the adviser logs a contact, then the phone syncs.
            changed = []
            for n in range(REPEATS):
                logged = await client.post(
                    f"/v1/care-leavers/{ben}/contacts", json=contact(CONTACTS + n), headers=pa
                )
                assert logged.status_code == 201, logged.text
                with counting(app) as statements:
                    delta = await sync_all(client, me, cursor)
                cursor = delta.cursor
                changed.append((delta, statements))
            delta, statements = sorted(changed, key=lambda c: c[0].seconds)[len(changed) // 2]
            verbs: dict[str, int] = {}
            for text in statements.texts:
                verbs[text.split()[0].upper()] = verbs.get(text.split()[0].upper(), 0) + 1
            into: dict[str, int] = {}
            for text in statements.texts:
                if text.upper().startswith("INSERT INTO"):
                    table = text.split()[2].strip('"')
                    into[table] = into.get(table, 0) + 1
            print(
                f"[{label}] delta after one contact: {delta.items} items ({', '.join(sorted(delta.kinds))}), "
                f"{delta.seconds * 1000:.0f} ms, {len(statements.texts)} statements "
                f"({', '.join(f'{v} {k}' for k, v in sorted(verbs.items()))}), "
                f"{statements.total * 1000:.1f} ms of database time (median of {REPEATS}); inserts into "
                f"{', '.join(f'{t} {n}' for t, n in sorted(into.items(), key=lambda kv: -kv[1]))}"
            )
    finally:
        await app.state.db.dispose()

    rows = [
        ("first sync, gzipped", "< 100 KB", f"{first.wire / 1024:.1f} KB", first.wire < FIRST_TARGET_BYTES),
        ("delta unchanged: sync's own queries", "1", str(own), own == 1),
        ("delta unchanged: their database time", "< 0.5 ms", f"{own_s * 1000:.3f} ms", own_s * 1000 < DB_TARGET_MS),
        ("1,000 devices / 15 min, share of a core", "< 5%", f"{share:.2%}", share < CORE_TARGET),
    ]  # fmt: skip
    print(f"\n[{label}] {'measure':<42} {'target':>9} {'measured':>11}  result")
    for name, target, measured, ok in rows:
        print(f"[{label}] {name:<42} {target:>9} {measured:>11}  {verdict(ok)}")
    print(
        f"[{label}] (not targets: first sync {first_seconds * 1000:.0f} ms; delta unchanged "
        f"{wall * 1000:.2f} ms wall; delta after a change {delta.seconds * 1000:.0f} ms)\n"
    )


def main() -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="delta syncs timed for the CPU figure")
    parser.add_argument("--database-url", help="a PostgreSQL server: also run on a throwaway database there")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="local-offer-sync-")))
        jobs: list[Callable[[], Coroutine[Any, Any, None]]] = []
        if not args.skip_sqlite:
            url = f"sqlite:///{work / 'sync.db'}"
            jobs.append(lambda: run(url, "sqlite", args.requests))
        if args.database_url:
            pg = stack.enter_context(postgres_database(args.database_url))
            jobs.append(lambda: run(pg, "postgresql", args.requests))
        for job in jobs:
            asyncio.run(job())
    return 0


if __name__ == "__main__":
    sys.exit(main())
