"""The demo data shows a young person whose legal status changed because an episode was added."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.care_leavers.enums import RecordStatus
from app.care_leavers.models import CareEpisode, CareLeaver
from app.core.settings import Settings
from app.db.session import Database
from app.demo.episodes import KEY
from app.demo.ids import demo_id
from app.demo.loader import load_demo_data


async def test_the_demo_shows_a_status_changed_by_an_added_episode(
    db: Database, settings: Settings, session: AsyncSession
) -> None:
    await load_demo_data(db, settings.model_copy(update={"demo": True}))
    person = await session.get(CareLeaver, demo_id("care-leaver", KEY))
    assert person is not None
    assert person.legal_status is RecordStatus.ELIGIBLE
    assert person.weeks_looked_after_since_14 == 18
    episode_ids = [
        str(e.id)
        for e in await session.scalars(select(CareEpisode).where(CareEpisode.care_leaver_id == person.id))
    ]
    events = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.resource_type == "care_episode", AuditEvent.resource_id.in_(episode_ids))
            .order_by(AuditEvent.occurred_at)
        )
    ).all()
    moved = [e.details["legal_status"] for e in events if e.details and "legal_status" in e.details]
    # The first episode derived a status (none yet: 10 weeks); the earlier one found later made her eligible.
    assert {"from": "not_a_care_leaver", "to": "eligible"} in moved
