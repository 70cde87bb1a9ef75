"""SQL for care episodes: always for people the caller has already been allowed to see."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.care_leavers.care_history import Detention, Episode, EpisodeKind, Summary
from app.care_leavers.models import CareEpisode


class EpisodeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, care_leaver_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[CareEpisode]]:
        """Each person's episodes in force (not removed), oldest first, in a query per 500 people."""
        found: dict[uuid.UUID, list[CareEpisode]] = {i: [] for i in care_leaver_ids}
        if not found:
            return found
        ids = list(found)
        for start in range(
            0, len(ids), 500
        ):  # an import's thousands of people: under any bind-parameter limit
            rows = await self.session.scalars(
                select(CareEpisode)
                .where(
                    CareEpisode.care_leaver_id.in_(ids[start : start + 500]), CareEpisode.removed_at.is_(None)
                )
                .order_by(CareEpisode.care_leaver_id, CareEpisode.start_on.nulls_first(), CareEpisode.id)
            )
            for row in rows:
                found[row.care_leaver_id].append(row)
        return found

    async def one(self, care_leaver_id: uuid.UUID, episode_id: uuid.UUID) -> CareEpisode | None:
        row = await self.session.get(CareEpisode, episode_id)
        if row is None or row.care_leaver_id != care_leaver_id or row.removed_at is not None:
            return None
        return row


def to_episode(row: CareEpisode) -> Episode:
    """The stored row as the pure history reads it."""
    summary = None
    end_unknown = False
    if row.converted_from_summary:
        original = row.details.get("original", {})
        summary = Summary(
            as_of=date.fromisoformat(row.details["as_of"]),
            weeks_since_14=original.get("weeks_looked_after_since_14"),
            weeks_after_16=original.get("weeks_looked_after_after_16"),
        )
        end_unknown = row.end_on is None and not original.get("still_looked_after")
    return Episode(
        kind=EpisodeKind(row.kind),
        start_on=row.start_on,
        end_on=row.end_on,
        legal_basis=row.legal_basis,
        planned_short_break=row.planned_short_break,
        detention=Detention(row.detention) if row.detention else None,
        summary=summary,
        end_unknown=end_unknown,
    )
