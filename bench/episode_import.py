"""The SSDA903 episodes import at a council's scale: one request, through the app in-process (httpx
ASGITransport), as the council's administrator.

    python bench/episode_import.py                      # 2,000 people (about 4,000 rows), on SQLite
    python bench/episode_import.py --people 9000        # near the 20,000-row limit
    python bench/episode_import.py --database-url postgresql://postgres@127.0.0.1:55432/postgres

Setup (migrate, seeded offers, people inserted with Core executemany, no episodes yet) is not measured.
Figures, each one run on a fresh copy of the people (an import changes them):
1. the first import: every row `created`, statuses derived and stored decisions regenerated for all;
2. the same file again: every row `unchanged`, nothing written;
3. a dry run of a file in which a tenth of the people's open episodes have ended.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.auth.enums import Role  # noqa: E402
from app.care_leavers.models import CareLeaver  # noqa: E402
from app.core.clock import uk_today, utc_now  # noqa: E402
from app.core.dates import birthday  # noqa: E402
from app.core.settings import Environment, Settings  # noqa: E402
from app.core.types import uuid7  # noqa: E402
from app.db.engine import create_engine_for  # noqa: E402
from app.db.session import Database  # noqa: E402
from app.main import create_app  # noqa: E402
from app.wiring import wire  # noqa: E402
from bench.decisions import postgres_database  # noqa: E402
from tests.support import factories as f  # noqa: E402
from tests.support.databases import migrate  # noqa: E402

CITY = "E06000018"
HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
CHUNK = 2000


def _day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def cohort(count: int, la_id: uuid.UUID, seed: int) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """People aged 16 to 20, and each one's Episodes rows: a period of care from 14 or 15, with a change
    of legal status or placement or two, ending at 17, at 18, or still open."""
    rng = random.Random(seed)
    today, now = uk_today(), utc_now()
    people, rows = [], []
    for n in range(count):
        born = today - timedelta(days=16 * 365 + rng.randrange(4 * 365))
        child = f"B903-{n:06d}"
        people.append(
            {
                "id": uuid7(),
                "local_authority_id": la_id,
                "case_reference": child,
                "given_name": "Bench",
                "family_name": f"Episodes{n:06d}",
                "date_of_birth": born,
                "created_at": now,
                "updated_at": now,
            }
        )
        start = birthday(born, rng.choice([14, 15])) + timedelta(days=rng.randrange(200))
        ends = sorted({start + timedelta(days=rng.randrange(30, 600)) for _ in range(rng.randrange(3))})
        left = rng.choice([birthday(born, 17) + timedelta(days=40), birthday(born, 18), None])
        if left is not None and left > today:
            left = None
        if left is None and birthday(born, 18) <= today:  # nobody is looked after past 18
            left = birthday(born, 18)
        mine, decom, rne = [], start, "S"
        for change in [e for e in ends if left is None or e < left]:
            if change >= today:
                break
            mine.append(f"{child},{_day(decom)},{rne},C2,N1,U4,PR1,{_day(change)},X1,,NG5,NG7,\n")
            decom, rne = change, rng.choice(["L", "P", "T"])
        rec = "E17" if left == birthday(born, 18) else "E13" if left else ""
        mine.append(f"{child},{_day(decom)},{rne},C2,N1,K2,PR1,{_day(left)},{rec},,NG5,NG7,\n")
        rows.append(mine)
    return people, rows


async def one_run(url: str, people: int, seed: int, files: list[str]) -> list[tuple[float, dict[str, Any]]]:
    """A fresh database with the people, then each file imported in turn: seconds and report for each."""
    migrate(url)
    settings = Settings(database_url=url, environment=Environment.TEST, demo=False, log_level="WARNING")
    database = Database(create_engine_for(settings))
    wire()
    try:
        async with database.unit_of_work() as session:
            la_id = (await f.council(session, CITY)).id
            rows, _ = cohort(people, la_id, seed)
            for start in range(0, len(rows), CHUNK):
                await session.execute(insert(CareLeaver), rows[start : start + CHUNK])
            admin = await f.user(session, Role.LA_ADMIN, gss=CITY)
            token = await f.token_for(session, settings, admin)
        results = []
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            for text in files:
                params = {"dry_run": "true"} if text.startswith("#dry\n") else {}
                body = text.removeprefix("#dry\n").encode()
                begin = time.perf_counter()
                response = await client.post(
                    "/v1/care-leavers/care-episode-imports",
                    files={"file": ("episodes.csv", body, "text/csv")},
                    params=params,
                    headers=f.bearer(token),
                )
                elapsed = time.perf_counter() - begin
                assert response.status_code == 200, response.text[:500]
                results.append((elapsed, response.json()))
        return results
    finally:
        await database.dispose()


def files_for(people: int, seed: int) -> tuple[str, str]:
    _, rows = cohort(people, uuid.uuid4(), seed)
    first = HEADER + "".join(line for mine in rows for line in mine)
    today = uk_today()
    later = []
    for n, mine in enumerate(rows):
        last = mine[-1].split(",")
        if n % 10 == 0 and not last[7]:  # a tenth of the open episodes end this week
            last[7], last[8] = _day(today - timedelta(days=2)), "E13"
            mine = [*mine[:-1], ",".join(last)]
        later.extend(mine)
    return first, HEADER + "".join(later)


async def run(url: str, label: str, people: int, seed: int) -> None:
    first, later = files_for(people, seed)
    rows = first.count("\n") - 1
    (created, report), (again, second), (dry, third) = await one_run(
        url, people, seed, [first, first, "#dry\n" + later]
    )
    assert report["counts"]["created"] == rows and report["counts"]["invalid"] == 0, report["counts"]
    assert second["counts"]["unchanged"] == rows, second["counts"]
    print(
        f"[{label}] first import of {rows:,} rows for {people:,} people: {created:.2f} s ({rows / created:,.0f} rows/s)"
    )
    print(f"[{label}] the same file again, all unchanged: {again:.2f} s ({rows / again:,.0f} rows/s)")
    print(
        f"[{label}] dry run of next month's file ({third['counts']['updated']:,} rows updated): {dry:.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--database-url", help="a PostgreSQL server: also run on a throwaway database there")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="local-offer-903-")))
        if not args.skip_sqlite:
            asyncio.run(run(f"sqlite:///{work / 'import.db'}", "sqlite", args.people, args.seed))
        if args.database_url:
            pg = stack.enter_context(postgres_database(args.database_url))
            asyncio.run(run(pg, "postgresql", args.people, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
