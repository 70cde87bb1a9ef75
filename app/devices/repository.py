"""All SQL about devices. Every query names the young person, whom the service has already loaded
through the access policy: a device id from another person's list finds nothing."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import AuthSession
from app.devices.models import Device

# Each sign-in the app registers is a device, so a list grows by one per sign-in: it shows the newest.
LIST_MAX = 100


class DeviceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_session(self, session_id: uuid.UUID) -> Device | None:
        stmt = select(Device).where(Device.session_id == session_id).execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalars().one_or_none()

    async def one(self, care_leaver_id: uuid.UUID, device_id: uuid.UUID) -> tuple[Device, AuthSession] | None:
        stmt = (
            select(Device, AuthSession)
            .join(AuthSession, AuthSession.id == Device.session_id)
            .where(Device.care_leaver_id == care_leaver_id, Device.id == device_id)
        )
        row = (await self.session.execute(stmt)).one_or_none()
        return (row[0], row[1]) if row else None

    async def of_person(self, care_leaver_id: uuid.UUID) -> list[tuple[Device, AuthSession]]:
        stmt = (
            select(Device, AuthSession)
            .join(AuthSession, AuthSession.id == Device.session_id)
            .where(Device.care_leaver_id == care_leaver_id)
            .order_by(Device.registered_at.desc(), Device.id.desc())
            .limit(LIST_MAX)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def release_push_token(self, care_leaver_id: uuid.UUID, push_token: str, keep: uuid.UUID) -> None:
        """A push token names one installation of the app: when a new sign-in on that phone registers
        it, the person's older devices no longer hold it (or a notification would arrive twice)."""
        await self.session.execute(
            update(Device)
            .where(
                Device.care_leaver_id == care_leaver_id,
                Device.push_token == push_token,
                Device.id != keep,
            )
            .values(push_token=None)
            .execution_options(synchronize_session=False)
        )
