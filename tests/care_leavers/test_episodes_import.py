"""The CSV import's care-history columns become a summary episode, as the API's old fields do."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.models import CareEpisode, CareLeaver
from app.core.clock import uk_today
from app.core.dates import birthday
from tests.care_leavers.test_import import upload
from tests.support.world import World

HEADER = "case_reference,given_name,family_name,date_of_birth,left_care_on,weeks_looked_after_since_14\n"


async def test_imported_counters_become_a_summary_and_episodes_then_refuse_them(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    born = birthday(uk_today(), -20)
    line = f"EPI-1,Ira,Imported,{born.isoformat()},{birthday(born, 18).isoformat()},60\n"
    assert (await upload(client, world, HEADER + line)).status_code == 200
    person = await session.scalar(select(CareLeaver).where(CareLeaver.case_reference == "EPI-1"))
    assert person is not None and person.legal_status == "former_relevant"
    (summary,) = (
        await session.scalars(select(CareEpisode).where(CareEpisode.care_leaver_id == person.id))
    ).all()
    assert summary.converted_from_summary and summary.details["converted_by"] == "import"
    assert summary.details["original"]["weeks_looked_after_since_14"] == 60
    # Importing the same file again changes nothing.
    again = (await upload(client, world, HEADER + line)).json()
    assert again["counts"]["unchanged"] == 1
    # Once the history is kept as real episodes, the export's counters are refused for that person.
    admin = world.headers("admin_city")
    base = f"/v1/care-leavers/{person.id}/care-episodes"
    etag = (await client.get(f"{base}/{summary.id}", headers=admin)).headers["ETag"]
    assert (
        await client.delete(f"{base}/{summary.id}", headers={**admin, "If-Match": etag})
    ).status_code == 204
    real = {
        "start_on": birthday(born, 15).isoformat(),
        "end_on": birthday(born, 18).isoformat(),
        "legal_basis": "C2",
    }
    assert (await client.post(base, json=real, headers=admin)).status_code == 201
    changed = HEADER + f"EPI-1,Ira,Imported,{born.isoformat()},{birthday(born, 18).isoformat()},61\n"
    report = (await upload(client, world, changed, mode="valid_rows")).json()
    (row,) = report["rows"]
    assert row["outcome"] == "invalid"
    assert row["errors"][0]["field"] == "weeks_looked_after_since_14"
