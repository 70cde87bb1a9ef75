"""Wiring between domains is explicit: one call subscribes everything, in every kind of process.

A record change (a corrected date of birth) must move the contact due date and the pathway plan's
review date whether it is made through the app, the CLI or a script that imported only the
care-leaver domain, so nothing may depend on which modules a process happened to import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from app.auth.enums import Role
from app.care_leavers.models import CareLeaver
from app.core.clock import uk_today
from app.core.dates import add_months, birthday
from app.core.settings import Environment, Settings
from app.db.engine import create_engine_for
from app.db.session import Database
from app.pathway_plans.enums import PlanStatus, ReviewReason
from app.pathway_plans.models import PathwayPlan
from tests.support import factories as f
from tests.support.databases import migrate, throwaway_database
from tests.support.plans import plan_version

ROOT = Path(__file__).resolve().parents[2]

WIRED = [
    "app.decisions.service.refresh_after_records_change",
    "app.contacts.due_dates.refresh_after_records_change",
    "app.pathway_plans.service.refresh_review_due",
    "app.sync.tracking.records_changed",
]


def run_python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter: only what `script` imports is loaded."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "LOCAL_OFFER_LOG_LEVEL": "WARNING"},
        timeout=120,
        check=False,
    )


LIST_SUBSCRIBERS = """
import json, sys
from app.care_leavers import hooks, service  # the record's use cases, and nothing above them
import app.wiring

names = lambda: [f"{s.__module__}.{s.__qualname__}" for s in hooks.subscribers()]
before = names()
loaded_before = sorted(m for m in ("app.contacts.due_dates", "app.pathway_plans.service") if m in sys.modules)
app.wiring.wire()
app.wiring.wire()  # twice: still each subscriber once
print(json.dumps({"before": before, "after": names(), "loaded": loaded_before}))
"""


def test_wire_subscribes_exactly_these_in_a_process_that_imported_only_care_leavers() -> None:
    result = run_python(LIST_SUBSCRIBERS)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    # Importing the subscribers' modules (app.wiring does) registers nothing by itself...
    assert seen["loaded"] == ["app.contacts.due_dates", "app.pathway_plans.service"]
    assert seen["before"] == []
    # ...wire() does, exactly these, once each.
    assert seen["after"] == WIRED


ENTRY_POINTS = {
    # Importing app.main builds the app (uvicorn's `app.main:app`).
    "app": "import app.main",
    # A command that never builds the app: the CLI's callback wires before it runs (and refuses here).
    "cli": "from typer.testing import CliRunner\nfrom app.cli import cli\n"
    "assert CliRunner().invoke(cli, ['demo-data'], env={'LOCAL_OFFER_DEMO': 'false'}).exit_code == 2",
    # The loader wires before anything else, even before it refuses outside demo mode.
    "demo": "import asyncio\nfrom app.core.settings import Settings\nfrom app.demo.loader import *\n"
    "try:\n    asyncio.run(load_demo_data(None, Settings(demo=False)))\nexcept DemoModeRequired:\n    pass",
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_the_app_the_cli_and_the_demo_loader_each_wire_everything(entry: str) -> None:
    script = ENTRY_POINTS[entry] + (
        "\nfrom app.care_leavers import hooks\n"
        "print([f'{s.__module__}.{s.__qualname__}' for s in hooks.subscribers()])"
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(WIRED)


UNWIRED_CHANGE = """
import asyncio
from app.care_leavers import hooks
try:
    asyncio.run(hooks.record_changed(None, __import__("uuid").uuid4()))
except hooks.NotWired as exc:
    print("refused:", exc)
"""


def test_a_record_change_in_a_process_never_wired_fails_loudly_rather_than_skip_due_dates() -> None:
    result = run_python(UNWIRED_CHANGE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused: ") and "app.wiring.wire()" in result.stdout


# A script that corrects a date of birth through the record's own use case, as a one-off maintenance
# job would: it imports the care-leaver domain, wires, and changes nothing else.
CORRECT_DATE_OF_BIRTH = """
import asyncio, sys, uuid
from datetime import date
from app.auth.enums import Role, SubjectKind
from app.auth.principal import Principal
from app.care_leavers import service
from app.care_leavers.schemas import CareLeaverUpdate
from app.core.settings import Settings
from app.db.engine import create_engine_for
from app.db.session import Database
from app.wiring import wire

url, person_id, admin_id, council_id, born = sys.argv[1:]
wire()

async def main() -> None:
    database = Database(create_engine_for(Settings(database_url=url, environment="test")))
    admin = Principal(
        user_id=uuid.UUID(admin_id), kind=SubjectKind.STAFF, roles=frozenset({Role.LA_ADMIN}),
        display_name="Maintenance", local_authority_id=uuid.UUID(council_id),
    )
    try:
        async with database.unit_of_work() as session:
            body = CareLeaverUpdate(date_of_birth=date.fromisoformat(born))
            await service.update_care_leaver(session, admin, uuid.UUID(person_id), body)
    finally:
        await database.dispose()

asyncio.run(main())
"""


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own: the script's process must see what the test committed."""
    with throwaway_database(tmp_path, "wiring") as url:
        migrate(url)
        yield url


async def test_a_use_case_run_in_a_fresh_process_updates_contact_and_review_dates(own_database: str) -> None:
    database = Database(create_engine_for(Settings(database_url=own_database, environment=Environment.TEST)))
    try:
        async with database.unit_of_work() as session:
            team = await f.team(session, f.CITY)
            adviser = await f.user(session, Role.PERSONAL_ADVISER, team=team)
            manager = await f.user(session, Role.TEAM_MANAGER, team=team)
            admin = await f.user(session, Role.LA_ADMIN)
            person = await f.care_leaver(session, adviser=adviser, age_years=17)
            # Looked after since 14 and still in care: an eligible child, whom the council keeps in touch with.
            person.still_looked_after = True
            person.entered_care_on = birthday(person.date_of_birth, 14)
            person.weeks_looked_after_since_14 = 150
            await session.flush()
            plan = await plan_version(
                session, person, adviser, status=PlanStatus.AUTHORISED, authoriser=manager
            )
            # As written straight to the database: no contact date yet, the review six months away.
            assert person.next_contact_due_on is None and plan.review_due_on == add_months(uk_today(), 6)
        born = add_months(uk_today() + timedelta(days=10), -18 * 12)  # 18 in ten days

        args = (own_database, str(person.id), str(admin.id), str(person.local_authority_id), born.isoformat())
        result = run_python(CORRECT_DATE_OF_BIRTH, *args)
        assert result.returncode == 0, result.stderr

        async with database.unit_of_work() as session:
            stored = await session.get(CareLeaver, person.id)
            reviewed = await session.get(PathwayPlan, plan.id)
            assert stored is not None and reviewed is not None
            assert stored.date_of_birth == born
            # Nottingham City: seen or spoken to every 56 days, counted (with no contact yet) from the
            # adviser's allocation (the factory's, 100 days ago), not from when the record was created.
            assert stored.next_contact_due_on == uk_today() - timedelta(days=100) + timedelta(days=56)
            # The 18th birthday brings the review forward from six months to the birthday itself.
            assert reviewed.review_due_reason is ReviewReason.EIGHTEENTH_BIRTHDAY
            assert reviewed.review_due_on == birthday(born, 18)
    finally:
        await database.dispose()
