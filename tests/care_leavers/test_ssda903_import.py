"""The SSDA903 Episodes table as an import (`POST /v1/care-leavers/care-episode-imports`): each row becomes a
care episode of the record whose case reference is CHILD, the statuses and stored decisions follow, bad
rows are reported by line and column, and re-sending the extract changes only what changed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.care_leavers.models import CareEpisode
from app.care_leavers.router import MAX_IMPORT_BYTES
from app.core.clock import uk_today
from app.core.dates import birthday
from tests.support.world import World

DAY = timedelta(days=1)
URL = "/v1/care-leavers/care-episode-imports"
HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def row(
    child: str, decom: date, rne: str, ls: str, place: str, dec: date | None = None, rec: str = ""
) -> str:
    def day(d: date | None) -> str:
        return d.strftime("%d/%m/%Y") if d else ""

    return f"{child},{day(decom)},{rne},{ls},N1,{place},PR1,{day(dec)},{rec},,NG5,NG7,SC123456\n"


async def upload(client: httpx.AsyncClient, world: World, text: str, **params: str) -> httpx.Response:
    files = {"file": ("episodes.csv", text.encode(), "text/csv")}
    return await client.post(URL, files=files, params=params, headers=world.headers("admin_city"))


async def person(client: httpx.AsyncClient, world: World, reference: str, born: date, **extra: Any) -> str:
    body = {
        "case_reference": reference,
        "given_name": "Nine",
        "family_name": "Oh-Three",
        "date_of_birth": born.isoformat(),
        **extra,
    }
    created = await client.post("/v1/care-leavers", json=body, headers=world.headers("admin_city"))
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def record(client: httpx.AsyncClient, world: World, person_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/care-leavers/{person_id}", headers=world.headers("admin_city"))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def episodes_of(client: httpx.AsyncClient, world: World, person_id: str) -> list[dict[str, Any]]:
    response = await client.get(
        f"/v1/care-leavers/{person_id}/care-episodes", headers=world.headers("admin_city")
    )
    assert response.status_code == 200, response.text
    return list(response.json())


async def entitlement(client: httpx.AsyncClient, world: World, person_id: str, code: str) -> str:
    response = await client.get(
        f"/v1/care-leavers/{person_id}/entitlements", headers=world.headers("admin_city")
    )
    assert response.status_code == 200, response.text
    return str(next(r["outcome"] for r in response.json()["results"] if r["entitlement"] == code))


async def stored(session: AsyncSession, *ids: str) -> int:
    """Every episode row of these people, removed ones too: what "one copy" is counted in."""
    stmt = select(func.count()).select_from(CareEpisode)
    stmt = stmt.where(CareEpisode.care_leaver_id.in_([uuid.UUID(i) for i in ids]))
    return int(await session.scalar(stmt) or 0)


class Cohort:
    """Three young people of the City and the 903 extract their case-management system gives for them."""

    def __init__(self) -> None:
        today = uk_today()
        # Ada, 19: in care from 15 (s20, then a care order), left at 17 to live with relatives.
        self.ada_born = birthday(today, -19) - 40 * DAY
        fifteen, seventeen = birthday(self.ada_born, 15), birthday(self.ada_born, 17)
        self.ada_change = fifteen + 200 * DAY
        self.ada_left = seventeen + 100 * DAY
        # Ben, 17: in a children's home since his 16th birthday, still there.
        self.ben_born = birthday(today, -17) - 60 * DAY
        # Cal, 17: in care for 26 weeks at 15, until a special guardianship order to his foster carers.
        self.cal_born = birthday(today, -17) - 60 * DAY
        self.cal_start = birthday(self.cal_born, 15) + 120 * DAY
        self.cal_order = self.cal_start + 182 * DAY
        self.lines = [
            row("903-ADA", fifteen, "S", "V2", "U6", self.ada_change, "X1"),
            row("903-ADA", self.ada_change, "L", "C2", "U4", self.ada_left, "E13"),
            row("903-BEN", birthday(self.ben_born, 16), "S", "C2", "K2"),
            row("903-CAL", self.cal_start, "S", "C2", "U4", self.cal_order, "E45"),
        ]

    def file(self) -> str:
        return HEADER + "".join(self.lines)

    async def records(self, client: httpx.AsyncClient, world: World) -> tuple[str, str, str]:
        return (
            await person(client, world, "903-ADA", self.ada_born),
            await person(client, world, "903-BEN", self.ben_born),
            await person(client, world, "903-CAL", self.cal_born),
        )


async def test_an_extract_becomes_the_episodes_and_the_statuses_follow(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    cohort = Cohort()
    ada, ben, cal = await cohort.records(client, world)
    assert (await record(client, world, ada))["legal_status"] is None  # no care history recorded yet
    assert await entitlement(client, world, ada, "personal-adviser") != "eligible"

    response = await upload(client, world, cohort.file())
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] is True
    assert report["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "invalid": 0}
    assert [r["line"] for r in report["rows"]] == [2, 3, 4, 5]
    people = {p["case_reference"]: p for p in report["people"]}
    assert people["903-ADA"] == {
        "case_reference": "903-ADA",
        "care_leaver_id": ada,
        "outcome": "changed",
        "episodes_removed": 0,
        "legal_status_before": None,
        "legal_status": "former_relevant",
    }

    # Ada: 13 weeks looked after since 14, some after 16, left before 18: former relevant at 18, and
    # her stored decisions say so (Children Act 1989 s23C: a personal adviser).
    assert (await record(client, world, ada))["legal_status"] == "former_relevant"
    assert await entitlement(client, world, ada, "personal-adviser") == "eligible"
    first, second = await episodes_of(client, world, ada)
    assert (first["start_on"], first["end_on"], first["legal_basis"]) == (
        birthday(cohort.ada_born, 15).isoformat(),
        cohort.ada_change.isoformat(),
        "V2",
    )
    assert (second["start_on"], second["end_on"], second["placement_type"]) == (
        cohort.ada_change.isoformat(),
        cohort.ada_left.isoformat(),
        "U4",
    )
    assert second["details"] == {"source": "ssda903", "rne": "L", "rec": "E13"}
    # Ben is still looked after, with more than 13 weeks: eligible.
    ben_record = await record(client, world, ben)
    assert ben_record["legal_status"] == "eligible" and ben_record["still_looked_after"] is True
    # Cal's episode ended in a special guardianship order, which is recorded too: qualifying (s24(1A)).
    _care, order = await episodes_of(client, world, cal)
    assert order["kind"] == "special_guardianship_order" and order["start_on"] == cohort.cal_order.isoformat()
    assert (await record(client, world, cal))["legal_status"] == "qualifying"

    (event,) = (
        await session.scalars(select(AuditEvent).where(AuditEvent.resource_type == "care_episode_import"))
    ).all()
    assert (event.action, event.subject_count) == ("update", 3)
    assert event.details["created"] == 4 and event.details["people_changed"] == 3


async def test_resending_the_extract_changes_nothing_and_a_newer_one_only_what_changed(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    cohort = Cohort()
    ada, ben, cal = await cohort.records(client, world)
    assert (await upload(client, world, cohort.file())).status_code == 200
    copies = await stored(session, ada, ben, cal)
    assert copies == 5  # four periods looked after and Cal's order
    etags = [e["version"] for e in await episodes_of(client, world, ada)]

    again = (await upload(client, world, cohort.file())).json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "invalid": 0}
    assert {p["outcome"] for p in again["people"]} == {"unchanged"}
    assert await stored(session, ada, ben, cal) == copies
    assert [e["version"] for e in await episodes_of(client, world, ada)] == etags

    # Next month: Ben has left care, and Ada's care order was found to be a mistake (her first episode
    # ended the period of care, and the second was never hers).
    today = uk_today()
    newer = cohort.lines.copy()
    newer[0] = row("903-ADA", birthday(cohort.ada_born, 15), "S", "V2", "U6", cohort.ada_change, "E8")
    del newer[1]
    newer[1] = row("903-BEN", birthday(cohort.ben_born, 16), "S", "C2", "K2", today - 7 * DAY, "E4A")
    report = (await upload(client, world, HEADER + "".join(newer))).json()
    assert report["counts"] == {"created": 0, "updated": 2, "unchanged": 1, "invalid": 0}
    assert report["episodes_removed"] == 1
    people = {p["case_reference"]: p for p in report["people"]}
    assert people["903-ADA"]["legal_status"] == "not_a_care_leaver"  # looked after only before 16
    assert people["903-BEN"]["legal_status"] == "relevant"  # left care at 17 after 13 weeks
    assert people["903-CAL"]["outcome"] == "unchanged"
    (only,) = await episodes_of(client, world, ada)
    assert only["details"]["rec"] == "E8" and only["version"] == 2
    assert await stored(session, ada, ben, cal) == copies  # corrected in place; the removed one is kept


async def test_bad_rows_are_reported_by_line_and_column_and_nothing_of_that_person_is_written(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    today = uk_today()
    born = birthday(today, -17) - 60 * DAY
    fifteen, sixteen = birthday(born, 15), birthday(born, 16)
    ids = {
        ref: await person(client, world, ref, born) for ref in ("903-DAN", "903-EVE", "903-FAY", "903-GUS")
    }
    text = HEADER + "".join(
        [
            row("903-DAN", fifteen, "S", "C2", "U6", sixteen, "X1"),  # 2: good, but line 3 is not
            row("903-DAN", sixteen, "P", "C2", "K2").replace(sixteen.strftime("%d/%m/%Y"), "31/02/2024", 1),
            row("903-EVE", fifteen, "S", "C9", "U6"),  # 4: no such legal status
            row("903-FAY", fifteen, "S", "C2", "U6", sixteen, "E8"),  # 5
            row("903-FAY", fifteen + 30 * DAY, "S", "C2", "K2"),  # 6: begins inside the episode on line 5
            row("903-NOBODY", fifteen, "S", "C2", "U6"),  # 7: no such record
            row("903-GUS", sixteen, "S", "C2", "U6"),  # 8: good
        ]
    )
    refused = await upload(client, world, text)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "care_episode_import.rows_invalid"
    assert [e["field"] for e in body["errors"]] == [f"line {n}" for n in (2, 3, 4, 5, 6, 7)]
    assert await stored(session, *ids.values()) == 0  # all or nothing: not even Gus

    report = (await upload(client, world, text, mode="valid_rows")).json()
    rows = {r["line"]: r for r in report["rows"]}
    assert rows[3]["errors"] == [
        {"field": "DECOM", "message": "Value error, must be a date as YYYY-MM-DD or DD/MM/YYYY"}
    ]
    assert rows[2]["errors"] == [
        {"field": "CHILD", "message": "not imported: line 3 of this child cannot be"}
    ]
    assert [e["field"] for e in rows[4]["errors"]] == ["LS"]
    assert rows[6]["errors"] == [
        {"field": "DECOM", "message": f"overlaps the period looked after from {fifteen.isoformat()}"}
    ]
    assert rows[5]["outcome"] == "invalid"
    assert rows[7]["errors"][0]["field"] == "CHILD"
    assert rows[8]["outcome"] == "created"
    assert report["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "invalid": 6}
    outcomes = {p["case_reference"]: p["outcome"] for p in report["people"]}
    assert outcomes == {
        "903-DAN": "invalid",
        "903-EVE": "invalid",
        "903-FAY": "invalid",
        "903-NOBODY": "invalid",
        "903-GUS": "changed",
    }
    for ref in ("903-DAN", "903-EVE", "903-FAY"):
        assert await stored(session, ids[ref]) == 0
    assert await stored(session, ids["903-GUS"]) == 1


async def test_the_return_s_own_shape_is_checked(client: httpx.AsyncClient, world: World) -> None:
    born = birthday(uk_today(), -17) - 60 * DAY
    fifteen, sixteen = birthday(born, 15), birthday(born, 16)
    await person(client, world, "903-HAL", born)
    await person(client, world, "903-IVY", born)
    await person(client, world, "903-JO", born)
    text = HEADER + "".join(
        [
            row("903-HAL", fifteen, "S", "C2", "U6", sixteen, "X1"),  # 2: X1, but nothing begins that day
            row("903-IVY", fifteen, "S", "C2", "U6", sixteen, "E13"),  # 3: care ended...
            row("903-IVY", sixteen + 10 * DAY, "P", "C2", "K2"),  # 4: ...so this starts it again (S)
            row("903-JO", fifteen, "S", "C2", "U6", sixteen),  # 5: a DEC with no REC
            row("903-JO", sixteen, "S", "V3", "U6"),  # 6: short breaks: fine, flagged by LS
        ]
    )
    rows = {r["line"]: r for r in (await upload(client, world, text, dry_run="true")).json()["rows"]}
    assert rows[2]["errors"][0]["field"] == "REC" and "X1" in rows[2]["errors"][0]["message"]
    assert rows[4]["errors"][0]["field"] == "RNE" and "line 3" in rows[4]["errors"][0]["message"]
    assert rows[5]["errors"] == [{"field": "REC", "message": "required with DEC: why the episode ceased"}]


async def test_the_file_replaces_episodes_from_its_first_decom_and_keeps_the_years_before(
    client: httpx.AsyncClient, world: World
) -> None:
    born = birthday(uk_today(), -17) - 60 * DAY
    fourteen, fifteen, sixteen = (birthday(born, n) for n in (14, 15, 16))
    earlier = {
        "start_on": fourteen.isoformat(),
        "end_on": (fourteen + 60 * DAY).isoformat(),
        "legal_basis": "V2",
    }
    later = {"start_on": (sixteen + 30 * DAY).isoformat(), "legal_basis": "C2"}
    kid = await person(client, world, "903-KIT", born, care_episodes=[earlier, later])
    text = HEADER + row("903-KIT", fifteen, "S", "C2", "U6", sixteen, "E13")
    report = (await upload(client, world, text)).json()
    assert report["episodes_removed"] == 1  # the episode from 16 and a month, which the file no longer has
    kept, imported = await episodes_of(client, world, kid)
    assert kept["start_on"] == earlier["start_on"] and kept["details"] == {}
    assert imported["start_on"] == fifteen.isoformat() and imported["details"]["source"] == "ssda903"

    # A record that held only the old counters: a file that does not reach back to when they count
    # from would lose weeks, so it is refused naming DECOM; one from the 14th birthday replaces them.
    summary = await person(
        client, world, "903-LOU", born, entered_care_on=fourteen.isoformat(), still_looked_after=True
    )
    short = (
        await upload(client, world, HEADER + row("903-LOU", fifteen, "S", "C2", "U6"), mode="valid_rows")
    ).json()
    assert short["rows"][0]["errors"][0]["field"] == "DECOM"
    assert fourteen.strftime("%d/%m/%Y") in short["rows"][0]["errors"][0]["message"]
    whole = (await upload(client, world, HEADER + row("903-LOU", fourteen, "S", "C2", "U6"))).json()
    assert whole["episodes_removed"] == 1
    (real,) = await episodes_of(client, world, summary)
    assert real["converted_from_summary"] is False


async def test_the_file_itself_is_checked_before_any_row(client: httpx.AsyncClient, world: World) -> None:
    wrong = await upload(client, world, "CHILD,DOB\nX,01/01/2008\n")
    assert wrong.status_code == 422
    assert "unknown columns: DOB" in wrong.json()["detail"] and "missing columns" in wrong.json()["detail"]
    # Header names as some exports write them (lower case) are the same columns.
    lower = await upload(client, world, HEADER.lower())
    assert lower.status_code == 200, lower.text
    latin1 = await client.post(
        URL,
        files={
            "file": ("e.csv", (HEADER + "Zoë,01/01/2020,S,C2,,U6,,,,,,,\n").encode("latin-1"), "text/csv")
        },
        headers=world.headers("admin_city"),
    )
    assert latin1.status_code == 422 and "UTF-8" in latin1.json()["detail"]
    # Over 10 MB (under the upload limit the server refuses unread): the import's own 413.
    line = row("903-BIG", date(2020, 1, 1), "S", "C2", "U6")
    big = HEADER + line * (MAX_IMPORT_BYTES // len(line) + 100)
    too_large = await upload(client, world, big)
    assert too_large.status_code == 413, too_large.text[:200]
    assert too_large.json()["code"] == "care_leaver_import.too_large"
    # Only a council administrator imports.
    files = {"file": ("e.csv", HEADER.encode(), "text/csv")}
    assert (await client.post(URL, files=files, headers=world.headers("manager_a"))).status_code == 403
