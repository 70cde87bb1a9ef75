"""All SQL for offers and entitlements. Offers are published reference data; drafts belong to one council."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.entitlements.enums import OfferStatus
from app.entitlements.models import OfferVersion
from app.local_authorities.models import District, LocalAuthority


@dataclass(frozen=True, slots=True)
class VersionPointer:
    """Which published version answers a request: enough to find it in the in-process cache."""

    version_id: uuid.UUID
    number: int
    published_at: datetime
    local_authority_id: uuid.UUID
    gss_code: str
    name: str


def _published_pointers() -> Select[uuid.UUID, int, datetime | None, uuid.UUID, str, str]:
    """Published versions with their council, as the columns of a VersionPointer."""
    return (
        select(
            OfferVersion.id,
            OfferVersion.number,
            OfferVersion.published_at,
            LocalAuthority.id,
            LocalAuthority.gss_code,
            LocalAuthority.name,
        )
        .join(LocalAuthority, LocalAuthority.id == OfferVersion.local_authority_id)
        .where(OfferVersion.status == OfferStatus.PUBLISHED)
    )


def _pointer(row: Row[uuid.UUID, int, datetime | None, uuid.UUID, str, str]) -> VersionPointer:
    version_id, number, published_at, la_id, gss, name = row
    assert published_at is not None  # a published version always has its time
    return VersionPointer(version_id, number, published_at, la_id, gss, name)


class OfferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def published_as_of(
        self, *, before: datetime, gss_code: str | None = None, local_authority_id: uuid.UUID | None = None
    ) -> VersionPointer | None:
        """The latest version published before `before` (one indexed query; the hot path of every read)."""
        stmt = (
            _published_pointers()
            .where(OfferVersion.published_at < before)
            .order_by(OfferVersion.number.desc())
            .limit(1)
        )
        if gss_code is not None:
            stmt = stmt.where(LocalAuthority.gss_code == gss_code)
        if local_authority_id is not None:
            stmt = stmt.where(OfferVersion.local_authority_id == local_authority_id)
        row = (await self.session.execute(stmt)).one_or_none()
        return None if row is None else _pointer(row)

    async def published_versions(self, local_authority_id: uuid.UUID) -> list[VersionPointer]:
        """Every published version of a council's offer, oldest first (the stored decisions' timelines)."""
        stmt = (
            _published_pointers()
            .where(OfferVersion.local_authority_id == local_authority_id)
            .order_by(OfferVersion.number)
        )
        return [_pointer(row) for row in (await self.session.execute(stmt)).all()]

    async def local_authority(
        self, *, gss_code: str | None = None, local_authority_id: uuid.UUID | None = None
    ) -> LocalAuthority | None:
        stmt = select(LocalAuthority)
        if gss_code is not None:
            stmt = stmt.where(LocalAuthority.gss_code == gss_code)
        if local_authority_id is not None:
            stmt = stmt.where(LocalAuthority.id == local_authority_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def version_with_entitlements(self, version_id: uuid.UUID) -> OfferVersion:
        stmt = (
            select(OfferVersion)
            .where(OfferVersion.id == version_id)
            .options(selectinload(OfferVersion.entitlements))
        )
        return (await self.session.execute(stmt)).scalar_one()

    async def place_names(self) -> tuple[dict[str, str], dict[str, str]]:
        """(council GSS -> council name, area GSS -> place name) for the engine's sentences."""
        stmt = select(LocalAuthority.gss_code, LocalAuthority.name, LocalAuthority.short_name)
        councils = (await self.session.execute(stmt)).all()
        districts = (await self.session.execute(select(District.gss_code, District.name))).all()
        authorities = {gss: name for gss, name, _ in councils}
        areas = {gss: short for gss, _, short in councils}
        areas.update((gss, name) for gss, name in districts)
        return authorities, areas

    async def draft(self, local_authority_id: uuid.UUID, *, lock: bool = False) -> OfferVersion | None:
        """The council's draft. `lock` for a change: concurrent changes to the draft then take turns.

        On PostgreSQL the row lock makes a second publisher wait, then find no draft (the status it
        filters on has changed); SQLite's BEGIN IMMEDIATE already serialises writers.
        """
        stmt = (
            select(OfferVersion)
            .where(
                OfferVersion.local_authority_id == local_authority_id,
                OfferVersion.status == OfferStatus.DRAFT,
            )
            .options(selectinload(OfferVersion.entitlements))
        )
        if lock:
            stmt = stmt.with_for_update(of=OfferVersion)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def version(self, local_authority_id: uuid.UUID, number: int) -> OfferVersion | None:
        stmt = select(OfferVersion).where(
            OfferVersion.local_authority_id == local_authority_id, OfferVersion.number == number
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def latest_published(self, local_authority_id: uuid.UUID) -> OfferVersion | None:
        stmt = (
            select(OfferVersion)
            .where(
                OfferVersion.local_authority_id == local_authority_id,
                OfferVersion.status == OfferStatus.PUBLISHED,
            )
            .order_by(OfferVersion.number.desc())
            .limit(1)
            .options(selectinload(OfferVersion.entitlements))
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def next_number(self, local_authority_id: uuid.UUID) -> int:
        stmt = select(func.coalesce(func.max(OfferVersion.number), 0)).where(
            OfferVersion.local_authority_id == local_authority_id
        )
        return int((await self.session.execute(stmt)).scalar_one()) + 1

    def add_version(self, version: OfferVersion) -> None:
        self.session.add(version)

    async def delete_version(self, version: OfferVersion) -> None:
        await self.session.delete(version)

    async def flush(self) -> None:
        await self.session.flush()
