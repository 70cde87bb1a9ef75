"""The board measure against a fixture computed by hand: 28 young people of Nottingham City (and one of the
county) on 31 March 2026, the end of a quarter like seed 003's Q4.

On 31 March 2026 the window runs from 30 September 2025 (six calendar months earlier) to 31 March 2026,
in UK time: British Summer Time both ends, so midnight in the UK is 23:00 UTC the day before.

 #  key                status on the day (why)                team  plans authorised            counted
 1  fr_recent          former relevant (19, left at 18)       A     2026-01-15                  yes
 2  fr_boundary_in     former relevant                        A     2025-09-30 00:10 BST        yes (first day)
 3  fr_boundary_out    former relevant                        A     2025-09-29 23:30 BST        no: out of date
 4  fr_on_day          former relevant (21, not studying)     A     2026-03-31 23:30 BST        yes (last day)
 5  fr_after_day       former relevant                        B     2026-04-01 00:30 BST        no: never by then
 6  fr_superseded      former relevant                        B     2025-12-01 (v1), 2026-05-01  yes (v1)
 7  fr_old_plan        former relevant; team A from 1 May 26  B     2025-01-10                  no: out of date
 8  fr_no_plan         former relevant                        B     none                        no: never
 9  fr_draft_only      former relevant                        A     a draft only                no: never
10  relevant_in        relevant (17, left care at 16)         A     2025-11-11                  yes
11  relevant_out       relevant                               A     2025-06-01                  no: out of date
12  eligible_in        eligible (16, in care, 40 weeks)       A     2026-02-01                  yes
13  eligible_none      eligible                               B     none                        no: never
14  fr_edu_in          former relevant in education (23)      B     2026-03-01                  yes
15  fr_edu_out         former relevant in education (23)      A     2025-08-01                  no: out of date
16  closed_after       former relevant, closed 1 June 2026    A     2025-12-24                  yes
17  leaves_after_day   eligible (17, leaves care 15 April)    B     2025-10-20                  yes
18  unallocated        former relevant, no adviser            -     2026-01-01                  yes
19  override_ended     former relevant (qualifying override   A     2026-02-20                  yes
                       ended before the day)
20  two_in_window      former relevant                        A     2025-10-01, 2026-03-15      yes (once)
21  relevant_never     relevant                               B     none                        no: never
Left out: 22 qualifying (8 weeks, left at 17); 23 too_old (25 the day before); 24 too_young (15);
25 closed_before (closed 1 February 2026); 26 override_qualifying (in force on the day); 27 unknown (no
weeks recorded); 28 county (another council).

Council: 21 should have a plan; 12 counted (1, 2, 4, 6, 10, 12, 14, 16, 17, 18, 19, 20): 57.1%;
4 out of date (3, 7, 11, 15); 5 never (5, 8, 9, 13, 21).
By status: eligible 3 / 2 (66.7); relevant 3 / 1 (33.3); former relevant 13 / 8 (61.5); in education 2 / 1 (50.0).
Team A (allocated on the day): 1, 2, 3, 4, 9, 10, 11, 12, 15, 16, 19, 20 = 12, counted 8 (66.7%).
Team B: 5, 6, 7, 8, 13, 14, 17, 21 = 8, counted 3 (37.5%).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.enums import CircumstanceKind, RecordStatus
from app.care_leavers.models import AdviserAllocation, CareLeaver, Circumstance, LegalStatusOverride
from app.decisions.service import refresh_people
from app.pathway_plans.enums import PlanStatus
from app.pathway_plans.models import PathwayPlan
from tests.support import factories as f
from tests.support.world import World

ON = date(2026, 3, 31)
BST = timezone(timedelta(hours=1))


def at(day: str, hour: int = 12, minute: int = 0, tz: timezone = UTC) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=tz).replace(
        hour=hour, minute=minute
    )


@dataclass
class Young:
    key: str
    born: str
    team: str | None = "A"  # A: pa_a1, B: pa_b1
    left: str | None = None  # left care on (None: still looked after)
    weeks: int | None = 100
    plans: tuple[datetime | str, ...] = ()  # authorisation times, oldest first; "draft" for a draft
    closed: str | None = None
    studying: bool = False
    override: tuple[str, str | None] | None = None  # qualifying override: recorded, ended
    council: str = f.CITY
    moved_to_a: str | None = None  # from B to A on this date


FIXTURE = [
    Young("fr_recent", "2006-05-20", left="2024-05-20", plans=(at("2026-01-15"),)),
    Young("fr_boundary_in", "2005-08-01", left="2023-08-01", plans=(at("2025-09-30", 0, 10, BST),)),
    Young("fr_boundary_out", "2005-09-01", left="2023-09-01", plans=(at("2025-09-29", 23, 30, BST),)),
    Young("fr_on_day", "2004-12-01", left="2022-12-01", plans=(at("2026-03-31", 23, 30, BST),)),
    Young("fr_after_day", "2004-11-01", "B", left="2022-11-01", plans=(at("2026-04-01", 0, 30, BST),)),
    Young("fr_superseded", "2003-07-07", "B", left="2021-07-07", plans=(at("2025-12-01"), at("2026-05-01"))),
    Young(
        "fr_old_plan",
        "2003-03-03",
        "B",
        left="2021-03-03",
        plans=(at("2025-01-10"),),
        moved_to_a="2026-05-01",
    ),
    Young("fr_no_plan", "2007-01-15", "B", left="2025-01-15"),
    Young("fr_draft_only", "2006-10-10", left="2024-10-10", plans=("draft",)),
    Young("relevant_in", "2009-01-10", left="2025-09-01", weeks=60, plans=(at("2025-11-11"),)),
    Young("relevant_out", "2008-06-15", left="2025-01-01", weeks=30, plans=(at("2025-06-01"),)),
    Young("eligible_in", "2009-06-01", weeks=40, plans=(at("2026-02-01"),)),
    Young("eligible_none", "2008-12-25", "B", weeks=80),
    Young(
        "fr_edu_in", "2003-01-20", "B", left="2021-01-20", weeks=150, studying=True, plans=(at("2026-03-01"),)
    ),
    Young("fr_edu_out", "2002-10-10", left="2020-10-10", studying=True, plans=(at("2025-08-01"),)),
    Young("closed_after", "2006-02-02", left="2024-02-02", closed="2026-06-01", plans=(at("2025-12-24"),)),
    Young("leaves_after_day", "2008-04-15", "B", left="2026-04-15", weeks=70, plans=(at("2025-10-20"),)),
    Young("unallocated", "2006-08-08", None, left="2024-08-08", plans=(at("2026-01-01"),)),
    Young(
        "override_ended",
        "2005-04-04",
        left="2023-04-04",
        override=("2025-06-01", "2025-12-01"),
        plans=(at("2026-02-20"),),
    ),
    Young("two_in_window", "2005-11-11", left="2023-11-11", plans=(at("2025-10-01"), at("2026-03-15"))),
    Young("relevant_never", "2009-02-02", "B", left="2025-12-01", weeks=20),
    Young("qualifying", "2006-03-01", left="2023-09-01", weeks=8, plans=(at("2026-01-01"),)),
    Young("too_old", "2001-03-30", left="2019-03-30", plans=(at("2026-01-01"),)),
    Young("too_young", "2010-05-01", weeks=20),
    Young("closed_before", "2005-05-05", left="2023-05-05", closed="2026-02-01", plans=(at("2026-01-01"),)),
    Young(
        "override_qualifying",
        "2005-06-06",
        left="2023-06-06",
        override=("2026-01-01", None),
        plans=(at("2026-01-01"),),
    ),
    Young("unknown", "2005-07-07", left="2023-07-07", weeks=None, plans=(at("2026-01-01"),)),
    Young("county", "2005-03-03", None, left="2023-03-03", council=f.COUNTY, plans=(at("2026-01-01"),)),
]


async def _add(session: AsyncSession, world: World, young: Young) -> None:
    la = await f.council(session, young.council)
    person = CareLeaver(
        local_authority_id=la.id,
        case_reference=f"FIX-{young.key}",
        given_name="Fixture",
        family_name=young.key,
        date_of_birth=date.fromisoformat(young.born),
        still_looked_after=young.left is None,
        left_care_on=date.fromisoformat(young.left) if young.left else None,
        weeks_looked_after_since_14=young.weeks,
        closed_on=date.fromisoformat(young.closed) if young.closed else None,
    )
    session.add(person)
    await session.flush()
    advisers = {"A": world.users["pa_a1"], "B": world.users["pa_b1"]}
    if young.team is not None:
        ends = date.fromisoformat(young.moved_to_a) if young.moved_to_a else None
        session.add(_allocation(la.id, person.id, advisers[young.team].id, date(2025, 1, 1), ends))
        if ends is not None:
            session.add(_allocation(la.id, person.id, advisers["A"].id, ends, None))
    if young.studying:
        details = {
            "institution": "Nottingham Trent University",
            "course": "BA",
            "started_on": "2024-09-20",
            "studying": True,
        }
        session.add(
            Circumstance(
                local_authority_id=la.id,
                care_leaver_id=person.id,
                kind=CircumstanceKind.HIGHER_EDUCATION,
                valid_from=date(2024, 9, 20),
                details=details,
            )
        )
    if young.override is not None:
        recorded, ended = young.override
        session.add(
            LegalStatusOverride(
                local_authority_id=la.id,
                care_leaver_id=person.id,
                status=RecordStatus.QUALIFYING,
                reason="Special guardianship order after 16.",
                recorded_at=at(recorded),
                ended_at=at(ended) if ended else None,
            )
        )
    for version, authorised in enumerate(young.plans, start=1):
        last = version == len(young.plans)
        status = (
            PlanStatus.DRAFT
            if authorised == "draft"
            else PlanStatus.AUTHORISED
            if last
            else PlanStatus.SUPERSEDED
        )
        session.add(
            PathwayPlan(
                local_authority_id=la.id,
                care_leaver_id=person.id,
                version=version,
                status=status,
                authorised_at=None if isinstance(authorised, str) else authorised,
            )
        )
    await session.flush()
    await refresh_people(session, [person.id])  # the measure reads the stored statuses


def _allocation(
    la: uuid.UUID, person: uuid.UUID, adviser: uuid.UUID, start: date, end: date | None
) -> AdviserAllocation:
    return AdviserAllocation(
        local_authority_id=la, care_leaver_id=person, adviser_id=adviser, started_on=start, ended_on=end
    )


@pytest.fixture
async def fixture(session: AsyncSession, world: World) -> World:
    for young in FIXTURE:
        await _add(session, world, young)
    return world


async def test_the_council_measure_matches_the_hand_computed_fixture(
    client: httpx.AsyncClient, fixture: World
) -> None:
    response = await client.get(
        "/v1/reports/pathway-plans", params={"on": ON.isoformat()}, headers=fixture.headers("admin_city")
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["local_authority"] == "E06000018"
    assert (report["on"], report["window_from"]) == ("2026-03-31", "2025-09-30")
    assert (report["should_have_plan"], report["authorised_in_window"], report["percentage"]) == (
        21,
        12,
        57.1,
    )
    assert (report["never_authorised"], report["out_of_date"]) == (5, 4)
    assert (report["target_percentage"], report["meets_target"]) == (95, False)
    assert [
        (s["status"], s["should_have_plan"], s["authorised_in_window"], s["percentage"])
        for s in report["by_status"]
    ] == [
        ("eligible", 3, 2, 66.7),
        ("relevant", 3, 1, 33.3),
        ("former_relevant", 13, 8, 61.5),
        ("former_relevant_in_education", 2, 1, 50.0),
    ]


async def test_a_team_measure_counts_who_was_allocated_to_the_team_on_the_day(
    client: httpx.AsyncClient, fixture: World
) -> None:
    params = {"on": ON.isoformat()}
    team_a = (
        await client.get("/v1/reports/pathway-plans", params=params, headers=fixture.headers("manager_a"))
    ).json()
    assert team_a["team_id"] == str(fixture.users["manager_a"].team_id)
    assert (team_a["should_have_plan"], team_a["authorised_in_window"], team_a["percentage"]) == (12, 8, 66.7)
    team_b_id = str(fixture.users["pa_b1"].team_id)
    team_b = (
        await client.get(
            "/v1/reports/pathway-plans",
            params={**params, "team_id": team_b_id},
            headers=fixture.headers("admin_city"),
        )
    ).json()
    assert (team_b["should_have_plan"], team_b["authorised_in_window"], team_b["percentage"]) == (8, 3, 37.5)
    # A manager reports on their own team only; an admin only on teams of their council.
    other = await client.get(
        "/v1/reports/pathway-plans",
        params={**params, "team_id": team_b_id},
        headers=fixture.headers("manager_a"),
    )
    assert (other.status_code, other.json()["code"]) == (403, "pathway_plan_report.out_of_scope")
    county_team = str(fixture.users["pa_n1"].team_id)
    wrong_council = await client.get(
        "/v1/reports/pathway-plans",
        params={**params, "team_id": county_team},
        headers=fixture.headers("admin_city"),
    )
    assert wrong_council.status_code == 422


async def test_the_measure_is_for_a_date_up_to_today(client: httpx.AsyncClient, fixture: World) -> None:
    future = (date.today() + timedelta(days=2)).isoformat()
    for on in (future, "1999-12-31"):
        response = await client.get(
            "/v1/reports/pathway-plans", params={"on": on}, headers=fixture.headers("admin_city")
        )
        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "on")
