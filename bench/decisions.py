"""Stored decisions at a council's scale (issue 11): the recompute after an offer publication, the
district council-tax list, and what keeping decisions current adds to a record change.

    python bench/decisions.py                       # 10,000 Nottinghamshire people, on SQLite
    python bench/decisions.py --database-url postgresql://postgres@127.0.0.1:55432/postgres
                                                    # and on a throwaway database on that server
    python bench/decisions.py --people 2000         # quicker

Setup (migrate, seeded offers, people inserted with Core executemany) is not measured. Each figure is
the median of 3 runs:
1. `recompute_council` for Nottinghamshire: seconds, people a second, rows written (target < 10 s);
   first with the versions already stored (nothing to rewrite), then after each of 3 publications of a
   copy of the current version (published, untimed, with the offer hooks off; then the recompute, timed):
   every stored answer from today on now names the new version, so those rows are all rewritten.
2. "Who in Ashfield is exempt from council tax on D": `list_exemptions`'s query
   (`DecisionRepository.page_answered`), 100 a page, the first page and every page (target < 50 ms).
3. A PATCH of one record through the app (httpx ASGITransport, in-process): a field no subscriber
   hears about (phone), a status field with every subscriber, and the same with the decisions
   subscriber taken out of the hook list; the difference is what stored decisions add (target < 5 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.auth.enums import ConsentRecipient, Role  # noqa: E402
from app.care_leavers import hooks  # noqa: E402
from app.care_leavers.care_history import EpisodeKind  # noqa: E402
from app.care_leavers.enums import CircumstanceKind  # noqa: E402
from app.care_leavers.models import CareEpisode, CareLeaver, Circumstance, Consent  # noqa: E402
from app.core.clock import uk_today, utc_now  # noqa: E402
from app.core.dates import birthday  # noqa: E402
from app.core.settings import Environment, Settings  # noqa: E402
from app.core.types import uuid7  # noqa: E402
from app.db.engine import create_engine_for  # noqa: E402
from app.db.session import Database  # noqa: E402
from app.decisions import service as decisions  # noqa: E402
from app.decisions import timeline  # noqa: E402
from app.decisions.models import EntitlementDecision, StatusPeriod  # noqa: E402
from app.decisions.repository import DecisionRepository  # noqa: E402
from app.entitlements import hooks as offer_hooks  # noqa: E402
from app.entitlements import management  # noqa: E402
from app.main import create_app  # noqa: E402
from app.partners.repository import ENTITLEMENT, LISTED  # noqa: E402
from app.wiring import RECORD_CHANGE_SUBSCRIBERS, wire  # noqa: E402
from tests.support import factories as f  # noqa: E402
from tests.support.databases import migrate  # noqa: E402

COUNTY = "E10000024"
ASHFIELD = "E07000170"
DISTRICTS = [f"E0700017{n}" for n in range(7)]  # Nottinghamshire's seven districts, Ashfield first
CHUNK = 2000
REPEATS = 3


def median_of(values: list[float]) -> float:
    return statistics.median(values)


def people_rows(count: int, la_id: uuid.UUID, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Varied people aged 15 to 25: care histories as episodes, dated moves between districts (a
    third of them in Ashfield at some point), activities, and consent to tell the district."""
    rng = random.Random(seed)
    today = uk_today()
    now = utc_now()
    rows: dict[str, list[dict[str, Any]]] = {
        "people": [],
        "episodes": [],
        "circumstances": [],
        "consents": [],
    }
    for n in range(count):
        born = today - timedelta(days=15 * 365 + rng.randrange(10 * 365))
        person = uuid7()
        eighteen = birthday(born, 18)
        # A care history: one or two periods looked after, from 10 to 17; most until 18 (former relevant).
        start = birthday(born, rng.randrange(10, 18)) + timedelta(days=rng.randrange(300))
        end: date | None = min(eighteen, start + timedelta(weeks=rng.choice([6, 10, 20, 80, 400])))
        assert end is not None
        if rng.random() < 0.6:
            end = eighteen
        still = end >= today
        if still:
            end = None
        episodes = [(start, end)]
        if rng.random() < 0.25 and start > birthday(born, 12):
            earlier = start - timedelta(weeks=rng.randrange(10, 60))
            episodes.insert(0, (earlier, earlier + timedelta(weeks=rng.randrange(2, 9))))
        for begin, finish in episodes:
            rows["episodes"].append(
                {
                    "id": uuid7(),
                    "local_authority_id": la_id,
                    "care_leaver_id": person,
                    "kind": EpisodeKind.LOOKED_AFTER.value,
                    "start_on": begin,
                    "end_on": finish,
                    "legal_basis": rng.choice(["C2", "V2", "C2", "J1"]),
                    "placement_type": rng.choice(["U1", "U4", "K2", "P1"]),
                    "planned_short_break": False,
                    "converted_from_summary": False,
                    "details": {},
                    "version": 1,
                    "recorded_at": now,
                    "updated_at": now,
                }
            )
        district = None
        if rng.random() < 0.8:  # residences: from 16 to 18, then perhaps a move or two
            moved = birthday(born, 16) + timedelta(days=rng.randrange(2 * 365))
            district = ASHFIELD if rng.random() < 0.3 else rng.choice(DISTRICTS)
            for _ in range(rng.choice([1, 1, 2, 3])):
                if moved > today:
                    break
                rows["circumstances"].append(
                    {
                        "id": uuid7(),
                        "local_authority_id": la_id,
                        "care_leaver_id": person,
                        "kind": CircumstanceKind.RESIDENCE.value,
                        "valid_from": moved,
                        "details": {
                            "district_gss_code": district,
                            "accommodation": rng.choice(["U", "U", "D", "Z", "B"]),
                            "suitable": True,
                            "same_home": False,
                        },
                        "recorded_at": now,
                    }
                )
                moved += timedelta(days=rng.randrange(90, 900))
                district = ASHFIELD if rng.random() < 0.3 else rng.choice(DISTRICTS)
        if rng.random() < 0.5:
            rows["circumstances"].append(
                {
                    "id": uuid7(),
                    "local_authority_id": la_id,
                    "care_leaver_id": person,
                    "kind": CircumstanceKind.ACTIVITY.value,
                    "valid_from": birthday(born, 17) + timedelta(days=rng.randrange(700)),
                    "details": {"code": rng.choice(["F1", "F2", "F4", "F5", "G5", "P5"])},
                    "recorded_at": now,
                }
            )
        if rng.random() < 0.7:
            rows["consents"].append(
                {
                    "id": uuid7(),
                    "local_authority_id": la_id,
                    "care_leaver_id": person,
                    "recipient": ConsentRecipient.DISTRICT_COUNCIL.value,
                    "given_at": now,
                }
            )
        rows["people"].append(
            {
                "id": person,
                "local_authority_id": la_id,
                "case_reference": f"BENCH-{n:06d}",
                "given_name": rng.choice(["Alex", "Sam", "Jo", "Priya", "Kai", "Maya", "Tom", "Zara"]),
                "family_name": f"Bench{n:06d}",
                "date_of_birth": born,
                "district_gss_code": district or COUNTY,
                "still_looked_after": still,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


async def setup(database: Database, people: int, seed: int) -> uuid.UUID:
    """The people, inserted in chunks with Core executemany; no decisions yet."""
    async with database.unit_of_work() as session:
        la_id = (await f.council(session, COUNTY)).id
        rows = people_rows(people, la_id, seed)
        for table, values in (
            (CareLeaver, rows["people"]),
            (CareEpisode, rows["episodes"]),
            (Circumstance, rows["circumstances"]),
            (Consent, rows["consents"]),
        ):
            for start in range(0, len(values), CHUNK):
                await session.execute(insert(table), values[start : start + CHUNK])
    return la_id


async def check_same_rows(database: Database, la_id: uuid.UUID, sample: int) -> int:
    """The recompute stores what the check's full `evaluate_offer` would: compare on a sample."""
    now, today = utc_now(), uk_today()
    async with database.sessionmaker() as session:
        repository = DecisionRepository(session)
        ids = (await repository.people_of_council(la_id))[:sample]
        offers = await decisions._offers(session, la_id)
        for inputs in await repository.inputs(ids):
            fast = timeline.timeline_rows(inputs, offers, today, now)
            full = timeline.timeline_rows(inputs, offers, today, now, explain=True)
            assert fast == full, (inputs.person.id, fast, full)
    return len(ids)


async def publish_copy(database: Database, la_id: uuid.UUID) -> None:
    """A new version, the same as the current one, published now without its hooks (the recompute is timed)."""
    offer_hooks.subscribe(())
    try:
        async with database.unit_of_work() as session:
            await management.start_draft(session, la_id, now=utc_now())
            await management.publish_draft(session, la_id, now=utc_now())
    finally:
        wire()


async def bench_recompute(database: Database, la_id: uuid.UUID, *, publish: bool = False) -> dict[str, float]:
    times, counted, written = [], 0, 0
    for _ in range(REPEATS):
        if publish:
            await publish_copy(database, la_id)
        async with database.unit_of_work() as session:
            begin = time.perf_counter()
            counted = await decisions.recompute_council(session, la_id)
            await session.flush()
            times.append(time.perf_counter() - begin)
            written = 0
            for model in (EntitlementDecision, StatusPeriod):
                written += int(await session.scalar(select(func.count()).select_from(model)) or 0)
    seconds = median_of(times)
    return {"people": counted, "seconds": seconds, "rate": counted / seconds, "rows": written}


async def bench_list(database: Database, la_id: uuid.UUID, on: date) -> dict[str, float]:
    firsts, alls, listed, pages = [], [], 0, 0
    for _ in range(REPEATS):
        async with database.sessionmaker() as session:
            repository = DecisionRepository(session)
            cursor = None
            listed = pages = 0
            begin = time.perf_counter()
            while True:
                window = await repository.page_answered(
                    la_id,
                    ENTITLEMENT,
                    on,
                    LISTED,
                    district=ASHFIELD,
                    consent=ConsentRecipient.DISTRICT_COUNCIL,
                    limit=100,
                    cursor=cursor,
                )
                if pages == 0:
                    firsts.append(time.perf_counter() - begin)
                pages += 1
                listed += len(window.items)
                cursor = window.next
                if cursor is None:
                    break
            alls.append(time.perf_counter() - begin)
    return {
        "first_ms": median_of(firsts) * 1000,
        "all_ms": median_of(alls) * 1000,
        "pages": pages,
        "listed": listed,
        "per_page_ms": median_of(alls) * 1000 / max(pages, 1),
    }


async def bench_patch(
    database: Database, settings: Settings, la_id: uuid.UUID, requests: int
) -> dict[str, float]:
    async with database.unit_of_work() as session:
        admin = await f.user(session, Role.LA_ADMIN, gss=COUNTY)
        token = await f.token_for(session, settings, admin)
        person = await session.scalar(
            select(CareLeaver).where(
                CareLeaver.local_authority_id == la_id, CareLeaver.district_gss_code == ASHFIELD
            )
        )
        assert person is not None
        person_id, born = person.id, person.date_of_birth.isoformat()
    app = create_app(settings)
    headers = f.bearer(token)
    url = f"/v1/care-leavers/{person_id}"

    async def timed(body: Callable[[int], dict[str, Any]]) -> float:
        samples = []
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            for n in range(requests + 5):
                begin = time.perf_counter()
                response = await client.patch(url, json=body(n), headers=headers)
                elapsed = time.perf_counter() - begin
                assert response.status_code == 200, response.text
                if n >= 5:  # warm-up
                    samples.append(elapsed)
        return median_of(samples) * 1000

    def phone(n: int) -> dict[str, Any]:
        return {"phone": f"07700 9{n % 100000:05d}"}

    def status(n: int) -> dict[str, Any]:  # a status field, unchanged: every subscriber runs
        return {"date_of_birth": born, "phone": f"07700 9{n % 100000:05d}"}

    without = tuple(s for s in RECORD_CHANGE_SUBSCRIBERS if s is not decisions.refresh_after_records_change)
    figures: dict[str, list[float]] = {"phone": [], "all": [], "without": []}
    for _ in range(REPEATS):
        figures["phone"].append(await timed(phone))
        wire()
        figures["all"].append(await timed(status))
        hooks.subscribe(without)
        try:
            figures["without"].append(await timed(status))
        finally:
            wire()
    result = {name: median_of(values) for name, values in figures.items()}
    result["added"] = result["all"] - result["without"]
    return result


async def run(url: str, label: str, people: int, seed: int, requests: int) -> None:
    migrate(url)
    settings = Settings(database_url=url, environment=Environment.TEST, demo=False, log_level="WARNING")
    database = Database(create_engine_for(settings))
    wire()
    try:
        begin = time.perf_counter()
        la_id = await setup(database, people, seed)
        print(f"[{label}] set up {people:,} people in {time.perf_counter() - begin:.1f} s (not measured)")
        checked = await check_same_rows(database, la_id, 300)
        print(f"[{label}] stored rows equal the full evaluation's for {checked} people")
        r = await bench_recompute(database, la_id)
        print(
            f"[{label}] recompute_council: {r['seconds']:.2f} s for {r['people']:,} people "
            f"({r['rate']:,.0f}/s), {r['rows']:,} rows stored (target < 10 s)"
        )
        r = await bench_recompute(database, la_id, publish=True)
        print(
            f"[{label}] recompute_council after publishing a copy of the current version: "
            f"{r['seconds']:.2f} s ({r['rate']:,.0f}/s), {r['rows']:,} rows stored (target < 10 s)"
        )
        on = uk_today()
        for day in (on, on + timedelta(days=90)):  # the seeded offers are published today
            q = await bench_list(database, la_id, day)
            print(
                f"[{label}] Ashfield council-tax list on {day}: first page {q['first_ms']:.1f} ms, "
                f"all {q['pages']} pages {q['all_ms']:.1f} ms ({q['per_page_ms']:.1f} ms a page, "
                f"{q['listed']:,} people) (target < 50 ms)"
            )
        p = await bench_patch(database, settings, la_id, requests)
        print(
            f"[{label}] PATCH one record: phone only {p['phone']:.1f} ms; status field, every subscriber "
            f"{p['all']:.1f} ms, without the decisions subscriber {p['without']:.1f} ms: "
            f"decisions add {p['added']:.1f} ms (target < 5 ms)"
        )
    finally:
        await database.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--requests", type=int, default=40, help="PATCHes a run, after 5 to warm up")
    parser.add_argument("--database-url", help="a PostgreSQL server: also run on a throwaway database there")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="local-offer-decisions-")))
        jobs: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        if not args.skip_sqlite:
            url = f"sqlite:///{work / 'decisions.db'}"
            jobs.append(("sqlite", lambda: run(url, "sqlite", args.people, args.seed, args.requests)))
        if args.database_url:
            pg = stack.enter_context(postgres_database(args.database_url))
            jobs.append(("postgresql", lambda: run(pg, "postgresql", args.people, args.seed, args.requests)))
        for _, job in jobs:
            asyncio.run(job())
    return 0


def postgres_database(server_url: str) -> Any:
    import os

    from tests.support import databases

    os.environ["LOCAL_OFFER_TEST_DATABASE_URL"] = server_url
    databases.TEST_DATABASE_URL, databases.ON_POSTGRES = server_url, True
    return databases.throwaway_database(Path(tempfile.gettempdir()), "bench")


if __name__ == "__main__":
    sys.exit(main())
