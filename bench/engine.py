"""Person-entitlement evaluations per second of the pure eligibility engine, for each council's offer.

    python bench/engine.py                 # 100,000 synthetic people, seed 20261123
    python bench/engine.py --people 20000  # quicker

The offers are the seeded ones, read from a freshly migrated SQLite database through the service
that the API uses, then compiled once. Each person is evaluated twice: with full explanations (what
`POST /v1/eligibility/check` returns) and outcomes only (what a bulk job needs). One core, no I/O.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.clock import utc_now  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.db.engine import create_engine_for  # noqa: E402
from app.db.session import Database  # noqa: E402
from app.entitlements import service  # noqa: E402
from app.entitlements.rules import CompiledOffer  # noqa: E402

COUNCILS = {"E06000018": "Nottingham City", "E10000024": "Nottinghamshire"}
AREAS = ["E06000018", *(f"E0700017{n}" for n in range(7))]
ON = date(2026, 11, 23)


def maybe(rng: random.Random, value: object, known: float = 0.8) -> object:
    """Young people know some facts and not others: about one in five is left out."""
    return value if rng.random() < known else None


def synthetic_people(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    people = []
    for _ in range(count):
        born = date(1999, 1, 1) + timedelta(days=rng.randrange(13 * 365))
        facts: dict[str, object] = {
            "date_of_birth": born,
            "district": maybe(rng, rng.choice(AREAS)),
            "liable_for_council_tax": maybe(rng, rng.random() < 0.6),
            "in_higher_education": maybe(rng, rng.random() < 0.15),
            "course_start": maybe(rng, born + timedelta(days=rng.randrange(17 * 365, 24 * 365))),
            "in_further_education": maybe(rng, rng.random() < 0.3),
            "weekly_work_hours": maybe(rng, rng.choice([0, 8, 14, 16, 30, 37.5])),
            "in_apprenticeship": maybe(rng, rng.random() < 0.1),
            "apprenticeship_start": maybe(rng, date(2018, 1, 1) + timedelta(days=rng.randrange(3000))),
            "living_independently": maybe(rng, rng.random() < 0.5),
            "moving_into_first_home": maybe(rng, rng.random() < 0.2),
            "staying_put": maybe(rng, rng.random() < 0.1),
            "has_mental_health_need": maybe(rng, rng.random() < 0.3),
            "immigration_status": maybe(
                rng, rng.choice(["british_or_irish", "awaiting_home_office_decision"])
            ),
            "university": maybe(
                rng, rng.choice(["nottingham_trent_university", "university_of_nottingham", "other"])
            ),
        }
        if rng.random() < 0.6:
            facts["legal_status"] = rng.choice(
                ["relevant", "former_relevant", "former_relevant", "qualifying"]
            )
        else:  # derive it from a care history
            facts["looked_after_weeks_since_14"] = rng.choice([6, 13, 40, 150])
            facts["left_care_on"] = born + timedelta(days=rng.randrange(16 * 365, 18 * 365 + 30))
        people.append({k: v for k, v in facts.items() if v is not None})
    return people


async def load_offers(database_url: str) -> dict[str, CompiledOffer]:
    database = Database(create_engine_for(Settings(database_url=database_url)))
    try:
        async with database.sessionmaker() as session:
            return {
                gss: (await service.get_offer(session, gss, on=None, now=utc_now())).compiled
                for gss in COUNCILS
            }
    finally:
        await database.dispose()


def measure(offer: CompiledOffer, people: list[dict[str, object]], gss: str, *, explain: bool) -> float:
    run = offer.evaluate if explain else offer.decide
    # As the service does: the council asked about looked after the young person unless told otherwise.
    people = [{**facts, "local_authority": gss} for facts in people]
    begin = time.perf_counter()
    for facts in people:
        run(facts, ON)
    return time.perf_counter() - begin


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="local-offer-engine-") as work:
        url = f"sqlite:///{Path(work) / 'engine.db'}"
        env = {**os.environ, "LOCAL_OFFER_DATABASE_URL": url, "LOCAL_OFFER_LOG_LEVEL": "WARNING"}
        subprocess.run(
            [sys.executable, "-m", "app", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        offers = asyncio.run(load_offers(url))

    begin = time.perf_counter()
    people = synthetic_people(args.people, args.seed)
    made = time.perf_counter() - begin
    print(f"{len(people):,} synthetic people (seed {args.seed}) in {made:.1f} s; on {ON}\n")
    columns = [("offer", "<18"), ("entitlements", ">12"), ("mode", "<22"), ("seconds", ">8"),
               ("people/s", ">10"), ("evaluations/s", ">14")]  # fmt: skip
    header = " ".join(f"{name:{align}}" for name, align in columns)
    print(header)
    print("-" * len(header))
    for gss, name in COUNCILS.items():
        offer = offers[gss]
        size = len(offer.entitlements)
        for explain, mode in ((True, "reasons (the check)"), (False, "outcomes only")):
            seconds = measure(offer, people, gss, explain=explain)
            rate = len(people) / seconds
            print(f"{name:<18} {size:>12} {mode:<22} {seconds:>8.2f} {rate:>10,.0f} {rate * size:>14,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
