from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.db.pagination import Position, SortKey, Window, keyset_page
from app.local_authorities.models import District, LocalAuthority

BY_GSS_CODE = SortKey("gss_code", (LocalAuthority.gss_code,))


class LocalAuthorityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, *, limit: int, cursor: Position | None) -> Window[LocalAuthority]:
        stmt = select(LocalAuthority).options(selectinload(LocalAuthority.districts))
        return await keyset_page(self.session, stmt, BY_GSS_CODE, limit=limit, cursor=cursor)

    async def get_by_gss_code(self, gss_code: str) -> LocalAuthority | None:
        stmt = (
            select(LocalAuthority)
            .where(LocalAuthority.gss_code == gss_code)
            .options(selectinload(LocalAuthority.districts))
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def district_by_gss_code(self, gss_code: str) -> District | None:
        stmt = select(District).where(District.gss_code == gss_code)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_by_id(self, local_authority_id: uuid.UUID) -> LocalAuthority | None:
        """The council alone (no districts); no query when the unit of work has it already."""
        return await self.session.get(LocalAuthority, local_authority_id)
