"""The young person's view as their devices were sent it (`sync_item`), kept up to date by comparing it
with a fresh snapshot, and read by position in their change sequence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.sync.models import SyncItem, SyncState
from app.sync.snapshot import Item


class SyncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def state(self, care_leaver_id: uuid.UUID) -> SyncState | None:
        """Read without a lock: enough to tell that nothing changed."""
        return await self.session.get(SyncState, care_leaver_id)

    async def lock_state(self, care_leaver_id: uuid.UUID) -> SyncState:
        """The young person's state, locked for a rebuild (created on their first sync)."""
        # populate_existing: an unlocked read earlier in this transaction may have loaded the row; what
        # another pull committed while this one waited for the lock (a new high_seq) must replace it.
        found = await self.session.scalar(
            select(SyncState)
            .where(SyncState.care_leaver_id == care_leaver_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if found is not None:
            return found
        state = SyncState(care_leaver_id=care_leaver_id, stale=True, high_seq=0, pruned_seq=0)
        self.session.add(state)
        await self.session.flush()
        return state

    async def items(self, care_leaver_id: uuid.UUID) -> dict[tuple[str, str], SyncItem]:
        rows = await self.session.scalars(select(SyncItem).where(SyncItem.care_leaver_id == care_leaver_id))
        return {(r.item_type, r.item_id): r for r in rows}

    async def since(
        self, care_leaver_id: uuid.UUID, after: int, *, limit: int, live_only: bool
    ) -> Sequence[SyncItem]:
        """The items changed after position `after`, in order (one index: care_leaver_id, seq)."""
        stmt = (
            select(SyncItem)
            .where(SyncItem.care_leaver_id == care_leaver_id, SyncItem.seq > after)
            .order_by(SyncItem.seq)
            .limit(limit)
        )
        if live_only:
            stmt = stmt.where(SyncItem.deleted.is_(False))
        return (await self.session.scalars(stmt)).all()

    async def apply(self, state: SyncState, snapshot: Sequence[Item], today: date, now: datetime) -> int:
        """Bring the stored view to `snapshot`: each new or changed item, and each tombstone, takes the
        next position. Returns how many changed."""
        known = await self.items(state.care_leaver_id)
        seen: set[tuple[str, str]] = set()
        changed = 0
        for item in snapshot:
            key = (item.type.value, item.id)
            seen.add(key)
            row = known.get(key)
            if row is not None and not row.deleted and row.version == item.version:
                continue
            state.high_seq += 1
            changed += 1
            if row is None:
                self.session.add(
                    SyncItem(
                        care_leaver_id=state.care_leaver_id,
                        item_type=key[0],
                        item_id=key[1],
                        seq=state.high_seq,
                        version=item.version,
                        deleted=False,
                        body=item.body,
                        changed_at=now,
                    )
                )
            else:
                row.seq, row.version, row.deleted, row.body, row.changed_at = (
                    state.high_seq,
                    item.version,
                    False,
                    item.body,
                    now,
                )
        for key, row in known.items():
            if key not in seen and not row.deleted:
                state.high_seq += 1
                changed += 1
                row.seq, row.version, row.deleted, row.body, row.changed_at = (
                    state.high_seq,
                    None,
                    True,
                    None,
                    now,
                )
        state.stale, state.built_on, state.built_at = False, today, now
        await self.session.flush()
        return changed


async def mark_stale(session: AsyncSession, care_leaver_ids: Sequence[uuid.UUID] | Select[Any]) -> None:
    """Their views may be out of date: the next sync builds them again (in the caller's transaction).
    `care_leaver_ids`: the ids, or a SELECT of them (a council's people)."""
    if isinstance(care_leaver_ids, Select) or care_leaver_ids:
        await session.execute(
            update(SyncState)
            .where(SyncState.care_leaver_id.in_(care_leaver_ids), SyncState.stale.is_(False))
            .values(stale=True)
        )
