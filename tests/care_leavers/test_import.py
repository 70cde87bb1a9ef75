"""Bulk import from a case-management CSV export: a report per row, all-or-nothing, idempotent."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.care_leavers.models import CareLeaver
from tests.support.world import World

GOOD_AND_BAD = (
    "case_reference,given_name,family_name,date_of_birth,district_gss_code,left_care_on,weeks_looked_after_since_14\n"
    "IMP-1,Alex,Imported,14/05/2006,E06000018,14/05/2024,200\n"
    "IMP-2,Bea,Imported,2007-02-01,,,\n"
    "IMP-3,,Imported,31/02/2006,E06000018,,\n"
    "IMP-4,Cal,Imported,2005-01-01,NOT-A-GSS,,\n"
)


async def upload(client: httpx.AsyncClient, world: World, text: str, **params: str) -> httpx.Response:
    files = {"file": ("export.csv", text.encode(), "text/csv")}
    return await client.post(
        "/v1/care-leavers/imports", files=files, params=params, headers=world.headers("admin_city")
    )


async def imported(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(CareLeaver).where(CareLeaver.case_reference.like("IMP-%"))
    return int(await session.scalar(stmt) or 0)


async def test_all_or_nothing_reports_every_bad_row_and_imports_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    response = await upload(client, world, GOOD_AND_BAD)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "care_leaver_import.rows_invalid"
    rows = {r["line"]: r for r in body["report"]["rows"]}
    assert [rows[n]["outcome"] for n in (2, 3, 4, 5)] == ["created", "created", "invalid", "invalid"]
    assert {e["field"] for e in rows[4]["errors"]} == {"given_name", "date_of_birth"}
    assert rows[5]["errors"][0]["field"] == "district_gss_code"
    assert [e["field"] for e in body["errors"]] == ["line 4", "line 5"]
    assert await imported(session) == 0


async def test_valid_rows_mode_imports_the_good_rows(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    response = await upload(client, world, GOOD_AND_BAD, mode="valid_rows")
    assert response.status_code == 200
    report = response.json()
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "invalid": 2}
    assert report["imported"] is True
    assert await imported(session) == 2
    listed = (
        await client.get("/v1/care-leavers", params={"q": "IMP-1"}, headers=world.headers("admin_city"))
    ).json()
    (alex,) = listed["items"]
    assert alex["date_of_birth"] == "2006-05-14"  # day-first UK dates read correctly
    assert alex["legal_status"] == "former_relevant"


async def test_importing_the_same_file_twice_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    good = "\n".join(GOOD_AND_BAD.splitlines()[:3]) + "\n"
    first = (await upload(client, world, good)).json()
    assert first["counts"]["created"] == 2
    again = (await upload(client, world, good)).json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "invalid": 0}
    assert await imported(session) == 2
    newer = good.replace("Bea,Imported", "Bea,Imported-Smith")
    third = (await upload(client, world, newer)).json()
    assert third["counts"]["updated"] == 1
    assert third["counts"]["unchanged"] == 1


async def test_a_dry_run_reports_without_importing(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    report = (await upload(client, world, GOOD_AND_BAD, dry_run="true", mode="valid_rows")).json()
    assert report["imported"] is False
    assert report["counts"]["created"] == 2
    assert await imported(session) == 0


async def test_a_file_that_is_not_this_export_is_refused(client: httpx.AsyncClient, world: World) -> None:
    wrong = await upload(client, world, "name,dob\nA,2006-01-01\n")
    assert wrong.status_code == 422
    assert "unknown columns: name, dob" in wrong.json()["detail"]
    duplicate = (
        "case_reference,given_name,family_name,date_of_birth\nD-1,A,B,2006-01-01\nD-1,A,C,2006-01-01\n"
    )
    rows = (await upload(client, world, duplicate)).json()["report"]["rows"]
    assert rows[1]["errors"] == [{"field": "case_reference", "message": "also on line 2"}]
    latin1 = await client.post(
        "/v1/care-leavers/imports",
        files={
            "file": (
                "x.csv",
                "case_reference,given_name,family_name,date_of_birth\nX,Zoë,B,2006-01-01\n".encode("latin-1"),
                "text/csv",
            )
        },
        headers=world.headers("admin_city"),
    )
    assert latin1.status_code == 422
    assert "UTF-8" in latin1.json()["detail"]


async def test_a_file_the_csv_reader_cannot_read_is_refused_not_a_server_error(
    client: httpx.AsyncClient, world: World
) -> None:
    # Found by schemathesis: a carriage return inside a field name raised csv.Error (a 500).
    header = "case_reference,given_name,family_name,date_of_birth"
    classic_mac = await upload(client, world, f"{header}\rMAC-1,A,B,2006-01-01\r")
    assert classic_mac.status_code == 200, classic_mac.text  # old Mac line endings are line endings
    stray = await upload(client, world, "\x95\r\x11x_\\y^\n")
    assert (stray.status_code, stray.json()["errors"][0]["field"]) == (422, "file"), stray.text
    # What the csv module itself refuses (here a field over its size limit) is the file's fault too.
    huge = await upload(client, world, f"{header}\nBIG-1,{'A' * 200_000},B,2006-01-01\n")
    assert (huge.status_code, huge.json()["errors"][0]["code"]) == (422, "csv"), huge.text


async def test_an_import_is_one_audit_event_for_everyone_it_touched(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await upload(client, world, GOOD_AND_BAD, mode="valid_rows")
    events = (
        (await session.execute(select(AuditEvent).where(AuditEvent.resource_type == "care_leaver_import")))
        .scalars()
        .all()
    )
    assert len(events) == 1
    assert events[0].subject_count == 2
    assert events[0].details == {"created": 2, "updated": 0, "unchanged": 0, "invalid": 2}
