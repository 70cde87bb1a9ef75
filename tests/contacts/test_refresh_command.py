"""`python -m app decisions recompute` and `refresh-contact-dates` give records that predate the stored
decisions and the contact log their due dates."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select

from app.auth.enums import Role, SubjectKind
from app.auth.models import UserAccount
from app.care_leavers.models import AdviserAllocation, CareLeaver
from app.core.dates import birthday
from app.db.engine import sync_url
from app.local_authorities.models import LocalAuthority
from tests.contacts.helpers import born, day, noon
from tests.support.databases import migrate, throwaway_database

ROOT = Path(__file__).resolve().parents[2]


def test_records_written_before_the_contact_log_get_their_due_dates(tmp_path: Path) -> None:
    with throwaway_database(tmp_path, "refresh") as url:
        migrate(url)
        engine = create_engine(sync_url(url))
        person, adviser, dob = uuid.uuid4(), uuid.uuid4(), born(19)
        with engine.begin() as conn:
            city = conn.execute(
                select(LocalAuthority.id).where(LocalAuthority.gss_code == "E06000018")
            ).scalar_one()
            conn.execute(
                insert(CareLeaver).values(
                    id=person,
                    local_authority_id=city,
                    case_reference="OLD-1",
                    given_name="Old",
                    family_name="Record",
                    date_of_birth=dob,
                    still_looked_after=False,
                    # Former relevant (looked after from 14 to 18): the council must keep in touch.
                    entered_care_on=birthday(dob, 14),
                    left_care_on=birthday(dob, 18),
                    weeks_looked_after_since_14=208,
                    created_at=noon(300),
                    updated_at=noon(300),
                )
            )
            conn.execute(
                insert(UserAccount).values(
                    id=adviser,
                    email="old.adviser@test.example",
                    display_name="Old Adviser",
                    kind=SubjectKind.STAFF,
                    roles=[Role.PERSONAL_ADVISER.value],
                    local_authority_id=city,
                )
            )
            conn.execute(
                insert(AdviserAllocation).values(
                    id=uuid.uuid4(),
                    local_authority_id=city,
                    care_leaver_id=person,
                    adviser_id=adviser,
                    started_on=day(100),
                )
            )
        for command in (["decisions", "recompute"], ["refresh-contact-dates"]):
            result = subprocess.run(
                [sys.executable, "-m", "app", *command],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "LOCAL_OFFER_DATABASE_URL": url, "COLUMNS": "200"},
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr
        assert "1 care leavers" in result.stderr
        with engine.connect() as conn:
            due = conn.execute(
                select(CareLeaver.next_contact_due_on).where(CareLeaver.id == person)
            ).scalar_one()
        engine.dispose()
    # Never contacted, on record for 300 days, adviser allocated 100 days ago: due 56 days after that.
    assert due == day(100) + timedelta(days=56)
