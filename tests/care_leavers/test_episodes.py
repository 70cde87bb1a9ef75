"""Care episodes: the history the legal status is derived from, for any date, and the API that keeps it.

Issue 11 case 2 (weeks in care accrue by themselves) and case 10 (impossible histories are refused,
naming the fields).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.care_leavers.care_history import Episode, EpisodeKind, LegalBasis, Summary, care_facts
from app.care_leavers.enums import RecordStatus
from app.care_leavers.episode_status import decide_from_episodes
from app.care_leavers.models import CareEpisode
from app.core.clock import uk_today
from app.core.dates import birthday
from app.db.engine import sync_url
from tests.support.databases import migrate, throwaway_database
from tests.support.world import World

DAY = timedelta(days=1)
# Case 2: 17 on 1 March 2027, in care since 8 September 2026.
BORN = date(2009, 10, 1)
SINCE = date(2026, 9, 8)
IN_CARE = Episode(EpisodeKind.LOOKED_AFTER, SINCE, None, LegalBasis.FULL_CARE_ORDER)


def status(episodes: list[Episode], on: date) -> RecordStatus | None:
    return decide_from_episodes(BORN, episodes, on).status


def test_weeks_in_care_accrue_and_the_13th_week_is_when_the_status_changes() -> None:
    # Recorded on 1 December 2026 with 12 weeks: not yet eligible, and the answer lasts until the day
    # before the 13th week completes, 8 December.
    first = decide_from_episodes(BORN, [IN_CARE], date(2026, 12, 1))
    assert first.status is RecordStatus.NOT_A_CARE_LEAVER
    assert care_facts(BORN, [IN_CARE], date(2026, 12, 1)).weeks_since_14 == 12
    assert first.valid_until == date(2026, 12, 7)
    assert status([IN_CARE], date(2026, 12, 8)) is RecordStatus.ELIGIBLE
    assert status([IN_CARE], date(2027, 3, 1)) is RecordStatus.ELIGIBLE
    assert care_facts(BORN, [IN_CARE], date(2027, 3, 1)).weeks_since_14 == 24
    # Looked after on the 18th birthday as an eligible child: former relevant.
    assert status([IN_CARE], birthday(BORN, 18)) is RecordStatus.FORMER_RELEVANT


def test_a_converted_summary_accrues_from_the_day_its_counters_stood() -> None:
    summary = Episode(EpisodeKind.LOOKED_AFTER, SINCE, None, summary=Summary(date(2026, 12, 1), 12, 12))
    assert status([summary], date(2026, 12, 7)) is RecordStatus.NOT_A_CARE_LEAVER
    assert status([summary], date(2027, 3, 1)) is RecordStatus.ELIGIBLE
    assert status([summary], birthday(BORN, 18)) is RecordStatus.FORMER_RELEVANT


def test_planned_short_breaks_do_not_count_towards_the_13_weeks() -> None:
    breaks = Episode(EpisodeKind.LOOKED_AFTER, SINCE, None, LegalBasis.SHORT_BREAKS_EPISODES, True)
    assert care_facts(BORN, [breaks], date(2027, 3, 1)).weeks_since_14 == 0
    assert status([breaks], date(2027, 3, 1)) is RecordStatus.NOT_A_CARE_LEAVER


def test_leaving_after_the_13th_week_makes_them_relevant_then_former_relevant() -> None:
    left = Episode(EpisodeKind.LOOKED_AFTER, SINCE, date(2027, 2, 1), LegalBasis.SECTION_20_SINGLE_PERIOD)
    on_the_day = decide_from_episodes(BORN, [left], date(2027, 1, 31))
    assert on_the_day.status is RecordStatus.ELIGIBLE
    assert on_the_day.valid_until == date(2027, 1, 31)  # they leave the next day
    assert status([left], date(2027, 2, 1)) is RecordStatus.RELEVANT
    assert status([left], birthday(BORN, 18)) is RecordStatus.FORMER_RELEVANT


def test_special_guardianship_straight_from_care_and_custody_on_the_16th_birthday() -> None:
    born = date(2008, 1, 10)
    care = Episode(EpisodeKind.LOOKED_AFTER, date(2023, 6, 1), date(2023, 12, 1), LegalBasis.FULL_CARE_ORDER)
    order = Episode(EpisodeKind.SPECIAL_GUARDIANSHIP_ORDER, date(2023, 12, 1), None)
    with_order = decide_from_episodes(born, [care, order], date(2025, 5, 1))
    assert with_order.status is RecordStatus.QUALIFYING
    assert "s24(1A)" in with_order.reasons[0].text
    assert decide_from_episodes(born, [care], date(2025, 5, 1)).status is RecordStatus.NOT_A_CARE_LEAVER
    detained = Episode(EpisodeKind.CUSTODY_OR_HOSPITAL_ON_16TH_BIRTHDAY, date(2023, 12, 1), date(2024, 6, 1))
    held = decide_from_episodes(born, [care, detained], date(2025, 5, 1))
    assert held.status is RecordStatus.RELEVANT
    assert held.reasons[0].code == "history.detained_on_16th_birthday"


def test_before_any_period_in_care_there_is_no_status_until_it_begins() -> None:
    decision = decide_from_episodes(BORN, [IN_CARE], date(2026, 1, 1))
    assert decision.status is RecordStatus.NOT_A_CARE_LEAVER
    assert decision.reasons[0].code == "history.not_yet_looked_after"
    assert decision.valid_until == SINCE - DAY


# Through the API ---------------------------------------------------------------------------------


def _person(reference: str, born: date, **extra: Any) -> dict[str, Any]:
    return {
        "case_reference": reference,
        "given_name": "Eve",
        "family_name": "Episode",
        "date_of_birth": born.isoformat(),
        **extra,
    }


def _episode(start: date, end: date | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "start_on": start.isoformat(),
        "end_on": end.isoformat() if end else None,
        "legal_basis": "C2",
        "placement_type": "U6",
        **extra,
    }


async def test_episodes_through_the_api_derive_the_status_with_its_change_date(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    admin = world.headers("admin_city")
    today = uk_today()
    born = birthday(today, -17) - 30 * DAY
    start = today - 84 * DAY  # 12 weeks in care today
    created = await client.post(
        "/v1/care-leavers", json=_person("EP-1", born, care_episodes=[_episode(start)]), headers=admin
    )
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["legal_status"] == "not_a_care_leaver"
    assert person["still_looked_after"] is True and person["weeks_looked_after_since_14"] == 12
    base = f"/v1/care-leavers/{person['id']}"
    now = (await client.get(f"{base}/legal-status", headers=admin)).json()
    assert now["valid_until"] == (start + 90 * DAY).isoformat()
    thirteenth = (
        await client.get(f"{base}/legal-status", params={"on": (start + 91 * DAY).isoformat()}, headers=admin)
    ).json()
    assert thirteenth["status"] == "eligible"
    at_18 = (
        await client.get(f"{base}/legal-status", params={"on": birthday(born, 18).isoformat()}, headers=admin)
    ).json()
    assert at_18["status"] == "former_relevant"

    listed = await client.get(f"{base}/care-episodes", headers=admin)
    assert listed.status_code == 200
    (episode,) = listed.json()
    assert episode["legal_basis"] == "C2" and episode["planned_short_break"] is False
    one = f"{base}/care-episodes/{episode['id']}"
    etag = (await client.get(one, headers=admin)).headers["ETag"]

    # A change needs the ETag, as every change to something people edit does.
    assert (await client.patch(one, json={"end_on": today.isoformat()}, headers=admin)).status_code == 428
    stale = {**admin, "If-Match": '"0"'}
    assert (await client.patch(one, json={"end_on": today.isoformat()}, headers=stale)).status_code == 412
    # An earlier start found in the paper file: 14 weeks, eligible now, and the record says so at once.
    earlier = (start - 14 * DAY).isoformat()
    changed = await client.patch(one, json={"start_on": earlier}, headers={**admin, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    record = (await client.get(base, headers=admin)).json()
    assert record["legal_status"] == "eligible"
    assert record["weeks_looked_after_since_14"] == 14

    removed = await client.delete(one, headers={**admin, "If-Match": changed.headers["ETag"]})
    assert removed.status_code == 204
    assert (await client.get(f"{base}/care-episodes", headers=admin)).json() == []
    kept = await session.scalar(select(CareEpisode).where(CareEpisode.id == uuid.UUID(episode["id"])))
    assert kept is not None and kept.removed_at is not None  # kept in the history, marked removed
    actions = (
        await session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.resource_type == "care_episode", AuditEvent.resource_id == str(kept.id)
            )
        )
    ).all()
    assert sorted(actions) == ["create", "delete", "read", "update"]


async def test_a_read_only_colleague_cannot_change_episodes(client: httpx.AsyncClient, world: World) -> None:
    person = world.people["a1"] if "a1" in world.people else next(iter(world.people.values()))
    response = await client.post(
        f"/v1/care-leavers/{person.id}/care-episodes",
        json=_episode(uk_today() - 10 * DAY),
        headers=world.headers("partner_ash"),
    )
    assert response.status_code in {403, 404}


def _fields(response: httpx.Response) -> set[str]:
    assert response.status_code == 422, response.text
    return {e["pointer"] for e in response.json()["errors"]}


async def test_impossible_histories_are_refused_naming_the_fields(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world.headers("admin_city")
    today = uk_today()
    fourteen = birthday(today, -14) - 30 * DAY
    # A 14-year-old with 100 weeks in care since 14.
    counters = _person("EP-X1", fourteen, still_looked_after=True, weeks_looked_after_since_14=100)
    assert _fields(await client.post("/v1/care-leavers", json=counters, headers=admin)) == {
        "#/weeks_looked_after_since_14"
    }
    # Still in care, with a leaving date in the past.
    left = _person("EP-X2", fourteen, still_looked_after=True, left_care_on=(today - DAY).isoformat())
    assert "#/left_care_on" in _fields(await client.post("/v1/care-leavers", json=left, headers=admin))
    # An episode ending before it starts, one starting before birth, and two that overlap.
    bad = _person(
        "EP-X3",
        fourteen,
        care_episodes=[
            _episode(today - 100 * DAY, today - 50 * DAY),
            _episode(today - 60 * DAY, today - 70 * DAY),
            _episode(fourteen - DAY, fourteen + 10 * DAY),
        ],
    )
    assert _fields(await client.post("/v1/care-leavers", json=bad, headers=admin)) == {
        "#/care_episodes/1/end_on",
        "#/care_episodes/1/start_on",
        "#/care_episodes/2/start_on",
    }
    good = await client.post(
        "/v1/care-leavers",
        json=_person("EP-X4", fourteen, care_episodes=[_episode(today - 100 * DAY, today - 50 * DAY)]),
        headers=admin,
    )
    base = f"/v1/care-leavers/{good.json()['id']}/care-episodes"
    overlap = await client.post(base, json=_episode(today - 60 * DAY), headers=admin)
    assert _fields(overlap) == {"#/start_on"}
    assert overlap.json()["errors"][0]["code"] == "overlap"
    # Back to back is fine: one period ends the day the next begins.
    assert (await client.post(base, json=_episode(today - 50 * DAY), headers=admin)).status_code == 201
    short_break = _episode(today - 10 * DAY, legal_basis="V2", planned_short_break=True)
    assert _fields(await client.post(base, json=short_break, headers=admin)) >= {"#/planned_short_break"}
    # A summary's counters cannot be changed through the record once the history is kept as episodes.
    patched = await client.patch(
        f"/v1/care-leavers/{good.json()['id']}", json={"weeks_looked_after_since_14": 3}, headers=admin
    )
    assert _fields(patched) == {"#/weeks_looked_after_since_14"}


async def test_the_old_fields_become_a_summary_episode(client: httpx.AsyncClient, world: World) -> None:
    admin = world.headers("admin_city")
    born = birthday(uk_today(), -19)
    body = _person("EP-S1", born, left_care_on=birthday(born, 18).isoformat(), weeks_looked_after_since_14=40)
    created = (await client.post("/v1/care-leavers", json=body, headers=admin)).json()
    assert created["legal_status"] == "former_relevant"
    (summary,) = (await client.get(f"/v1/care-leavers/{created['id']}/care-episodes", headers=admin)).json()
    assert summary["converted_from_summary"] is True
    assert summary["details"]["original"]["weeks_looked_after_since_14"] == 40
    assert summary["end_on"] == birthday(born, 18).isoformat()


PERSON = uuid.UUID("0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e01")


def test_migration_0011_turns_the_counters_into_a_summary_episode(tmp_path: Path) -> None:
    with throwaway_database(tmp_path, "episodes") as url:
        migrate(url, "0010")
        engine = create_engine(sync_url(url))
        with engine.begin() as conn:
            authority = conn.execute(text("SELECT id FROM local_authority LIMIT 1")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO care_leaver (id, local_authority_id, case_reference, given_name, family_name,"
                    " date_of_birth, still_looked_after, left_care_on, weeks_looked_after_since_14,"
                    " created_at, updated_at) VALUES (:id, :la, 'MIG-1', 'Mia', 'Grate', :born, :still,"
                    " :left, 60, :at, :at)"
                ),
                {
                    # SQLite keeps a UUID as 32 hex digits, as SQLAlchemy's Uuid type writes it.
                    "id": PERSON.hex if url.startswith("sqlite") else str(PERSON),
                    "la": authority,
                    "born": date(2005, 4, 1),
                    "still": False,
                    "left": date(2023, 4, 1),
                    "at": "2026-11-30 10:00:00" if url.startswith("sqlite") else "2026-11-30T10:00:00+00:00",
                },
            )
        migrate(url)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT start_on, end_on, converted_from_summary, details FROM care_episode")
            )
            (row,) = rows.all()
            count = conn.execute(select(func.count()).select_from(text("care_episode"))).scalar_one()
        engine.dispose()
    assert count == 1
    details = row.details if isinstance(row.details, dict) else __import__("json").loads(row.details)
    assert bool(row.converted_from_summary)
    assert str(row.end_on) == "2023-04-01"
    assert details["as_of"] == "2026-11-30"
    assert details["original"]["weeks_looked_after_since_14"] == 60


async def test_a_corrected_date_of_birth_must_fit_the_episodes_recorded(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world.headers("admin_city")
    today = uk_today()
    born = birthday(today, -15)
    start = today - 100 * DAY
    created = await client.post(
        "/v1/care-leavers", json=_person("EP-DOB", born, care_episodes=[_episode(start)]), headers=admin
    )
    assert created.status_code == 201, created.text
    record = f"/v1/care-leavers/{created.json()['id']}"
    # Born after the period looked after began: refused, naming the field being changed, nothing kept.
    later = start + 10 * DAY
    refused = await client.patch(record, json={"date_of_birth": later.isoformat()}, headers=admin)
    assert _fields(refused) == {"#/date_of_birth"}
    assert "before their date of birth" in refused.json()["errors"][0]["message"]
    # 18 before the period (still open) began: a child is looked after, not an adult.
    older = birthday(start, -18) - DAY
    refused = await client.patch(record, json={"date_of_birth": older.isoformat()}, headers=admin)
    assert _fields(refused) == {"#/date_of_birth"}
    assert (await client.get(record, headers=admin)).json()["date_of_birth"] == born.isoformat()
    # A correction that fits is kept.
    fits = born - 30 * DAY
    assert (
        await client.patch(record, json={"date_of_birth": fits.isoformat()}, headers=admin)
    ).status_code == 200
