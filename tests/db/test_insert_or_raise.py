"""`insert_or_raise`: a unique-key clash raises the caller's error and the unit of work carries on.

Services rely on this to answer a race ("asked twice at the same moment") from the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import Team
from app.db.session import insert_or_raise
from tests.support import factories as f


class Clash(Exception):
    pass


async def test_a_clash_raises_the_given_error_and_keeps_the_transaction_usable(session: AsyncSession) -> None:
    first = await f.team(session, f.CITY, "Clash Team")
    pending = Team(local_authority_id=first.local_authority_id, name="Added before, unrelated")
    session.add(pending)  # pending when the clash happens: it must survive it
    with pytest.raises(Clash):
        await insert_or_raise(
            session, Team(local_authority_id=first.local_authority_id, name="Clash Team"), Clash()
        )
    # The transaction goes on: the rows written before the clash are there, the clashing one is not.
    names = (
        await session.scalars(
            select(Team.name).where(Team.local_authority_id == first.local_authority_id).order_by(Team.name)
        )
    ).all()
    assert "Clash Team" in names and "Added before, unrelated" in names
    count = await session.scalar(select(func.count()).select_from(Team).where(Team.name == "Clash Team"))
    assert count == 1
    await insert_or_raise(session, Team(local_authority_id=first.local_authority_id, name="Another"), Clash())
    assert await session.scalar(select(func.count()).select_from(Team).where(Team.name == "Another")) == 1
