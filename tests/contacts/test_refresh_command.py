"""`python -m app refresh-contact-dates` gives records that predate the contact log their due dates."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select

from app.care_leavers.models import CareLeaver
from app.db.engine import sync_url
from app.local_authorities.models import LocalAuthority
from tests.contacts.helpers import born, day, noon
from tests.support.databases import migrate, throwaway_database

ROOT = Path(__file__).resolve().parents[2]


def test_records_written_before_the_contact_log_get_their_due_dates(tmp_path: Path) -> None:
    with throwaway_database(tmp_path, "refresh") as url:
        migrate(url)
        engine = create_engine(sync_url(url))
        person = uuid.uuid4()
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
                    date_of_birth=born(19),
                    still_looked_after=False,
                    created_at=noon(100),
                    updated_at=noon(100),
                )
            )
        result = subprocess.run(
            [sys.executable, "-m", "app", "refresh-contact-dates"],
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
    # Never contacted, on record for 100 days: due 56 days after it was created.
    assert due == day(100) + timedelta(days=56)
