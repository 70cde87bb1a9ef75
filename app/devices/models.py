from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base, IdMixin
from app.devices.enums import DevicePlatform

# An APNs token is 64 hex digits, an FCM one about 160 characters, a web push subscription under 1 KB.
PUSH_TOKEN_MAX = 4096


class Device(IdMixin, Base):
    """A phone a young person signed in on and named. It is its sign-in session, seen from their side:
    revoking it ("lost phone") ends that session and its refresh tokens. When it was last used is the
    session's (`auth_session.last_seen_at`), kept by authentication."""

    __tablename__ = "device"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    # One device per sign-in: registering again from it updates this row.
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_session.id"), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    platform: Mapped[DevicePlatform] = mapped_column(
        Enum(DevicePlatform, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    # Opaque to us; only the push gateway reads it. Never logged, never shown (only whether it is set).
    push_token: Mapped[str | None] = mapped_column(String(PUSH_TOKEN_MAX))
    registered_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[uuid.UUID | None] = mapped_column()  # no FK: the record outlives staff accounts
