from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.pagination import Position, Window
from app.local_authorities.errors import LocalAuthorityNotFound
from app.local_authorities.models import LocalAuthority
from app.local_authorities.repository import LocalAuthorityRepository


async def list_local_authorities(
    session: AsyncSession, *, limit: int, cursor: Position | None
) -> Window[LocalAuthority]:
    return await LocalAuthorityRepository(session).page(limit=limit, cursor=cursor)


async def get_local_authority(session: AsyncSession, gss_code: str) -> LocalAuthority:
    authority = await LocalAuthorityRepository(session).get_by_gss_code(gss_code)
    if authority is None:
        raise LocalAuthorityNotFound(f"No local authority has the GSS code {gss_code}.")
    return authority
