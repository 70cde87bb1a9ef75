"""What the code expects of the schema: the Alembic head recorded in `migrations/HEAD`."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import PROJECT_ROOT

HEAD_FILE = PROJECT_ROOT / "migrations" / "HEAD"


@lru_cache
def expected_head() -> str:
    return HEAD_FILE.read_text().strip()


async def current_revision(session: AsyncSession) -> str | None:
    result = await session.execute(text("SELECT version_num FROM alembic_version"))
    return result.scalar_one_or_none()
