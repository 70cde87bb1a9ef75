"""Migration 0018: a consent to share with "a district council" names the billing authority the young
person lived in when they gave it."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from app.db.engine import sync_url
from tests.support.databases import migrate, throwaway_database

ASHFIELD, RUSHCLIFFE, MANSFIELD = "E07000170", "E07000176", "E07000174"


def test_0018_names_the_billing_authority_of_the_home_they_had_then(tmp_path: Path) -> None:
    with throwaway_database(tmp_path, "consents") as url:
        sqlite = url.startswith("sqlite")

        def ident(value: uuid.UUID) -> str:
            return value.hex if sqlite else str(value)

        def at(text_value: str) -> str:
            return text_value if sqlite else text_value.replace(" ", "T") + "+00:00"

        migrate(url, "0017")
        engine = create_engine(sync_url(url))
        ids = {name: uuid.uuid4() for name in ("ash", "rush", "mover", "elsewhere", "c1", "c2", "c3")}
        with engine.begin() as conn:
            county = conn.execute(
                text("SELECT id FROM local_authority WHERE gss_code = 'E10000024'")
            ).scalar_one()

            def insert(sql: str, **values: Any) -> None:
                conn.execute(text(sql), values)

            for key, gss in (("ash", ASHFIELD), ("rush", RUSHCLIFFE)):
                insert(
                    "INSERT INTO partner_organisation (id, local_authority_id, name, kind, district_gss_code,"
                    " created_at, updated_at) VALUES (:id, :la, :name, 'district_council', :gss, :at, :at)",
                    id=ident(ids[key]),
                    la=county,
                    name=f"{key} DC",
                    gss=gss,
                    at=at("2025-01-01 00:00:00"),
                )
            for key, now in (("mover", RUSHCLIFFE), ("elsewhere", MANSFIELD)):
                insert(
                    "INSERT INTO care_leaver (id, local_authority_id, case_reference, given_name, family_name,"
                    " date_of_birth, district_gss_code, still_looked_after, created_at, updated_at)"
                    " VALUES (:id, :la, :ref, 'Mia', 'Grate', :born, :gss, :no, :at, :at)",
                    id=ident(ids[key]),
                    la=county,
                    ref=key,
                    born=date(2004, 4, 1),
                    gss=now,
                    no=False,
                    at=at("2025-01-01 00:00:00"),
                )
            # The mover lived in Ashfield from 2024, then in Rushcliffe from June 2026.
            for valid_from, gss in ((date(2024, 1, 1), ASHFIELD), (date(2026, 6, 1), RUSHCLIFFE)):
                insert(
                    "INSERT INTO circumstance (id, local_authority_id, care_leaver_id, kind, valid_from, details,"
                    " recorded_at) VALUES (:id, :la, :who, 'residence', :vf, :details, :at)",
                    id=ident(uuid.uuid4()),
                    la=county,
                    who=ident(ids["mover"]),
                    vf=valid_from,
                    details=json.dumps({"district_gss_code": gss, "accommodation": "U", "suitable": True}),
                    at=at("2026-06-01 00:00:00"),
                )
            for key, who, given in (
                ("c1", "mover", "2025-03-01 10:00:00"),  # while in Ashfield
                ("c2", "mover", "2026-07-01 10:00:00"),  # after the move (the first was withdrawn)
                ("c3", "elsewhere", "2025-03-01 10:00:00"),  # Mansfield: no billing authority shares
            ):
                insert(
                    "INSERT INTO consent (id, local_authority_id, care_leaver_id, recipient, given_at, withdrawn_at)"
                    " VALUES (:id, :la, :who, 'district_council', :given, :withdrawn)",
                    id=ident(ids[key]),
                    la=county,
                    who=ident(ids[who]),
                    given=at(given),
                    withdrawn=at("2026-06-30 10:00:00") if key == "c1" else None,
                )
        migrate(url)
        with engine.connect() as conn:
            named = dict(conn.execute(text("SELECT id, partner_organisation_id FROM consent")).all())
        engine.dispose()

    def norm(value: object) -> str | None:
        return None if value is None else uuid.UUID(str(value)).hex

    got = {norm(k): norm(v) for k, v in named.items()}
    assert got[ids["c1"].hex] == ids["ash"].hex
    assert got[ids["c2"].hex] == ids["rush"].hex
    assert got[ids["c3"].hex] is None
