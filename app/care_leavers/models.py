from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.enums import ConsentRecipient
from app.core.clock import utc_now
from app.db.base import Base, IdMixin, TimestampMixin


class CareLeaver(IdMixin, TimestampMixin, Base):
    """A young person the council is corporate parent of. Belongs to exactly one council."""

    __tablename__ = "care_leaver"
    __table_args__ = (UniqueConstraint("local_authority_id", "case_reference"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)
    # The council's own id for the person (Mosaic, Liquidlogic...), unique within that council.
    case_reference: Mapped[str] = mapped_column(String(64))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    # Where they live now (GSS code of the district, or of a unitary council); it decides which
    # district may see their council-tax exemption.
    district_gss_code: Mapped[str | None] = mapped_column(String(9), index=True)


class AdviserAllocation(IdMixin, Base):
    """Who was whose personal adviser, from `started_on` until the day before `ended_on`."""

    __tablename__ = "adviser_allocation"
    __table_args__ = (
        # At most one open allocation per young person (partial index, on both databases).
        Index(
            "uq_adviser_allocation_open",
            "care_leaver_id",
            unique=True,
            postgresql_where=text("ended_on IS NULL"),
            sqlite_where=text("ended_on IS NULL"),
        ),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), index=True)
    adviser_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class Consent(IdMixin, Base):
    """A young person's agreement to share their status with one kind of partner, until withdrawn."""

    __tablename__ = "consent"
    __table_args__ = (
        Index(
            "uq_consent_active",
            "care_leaver_id",
            "recipient",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
            sqlite_where=text("withdrawn_at IS NULL"),
        ),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), index=True)
    recipient: Mapped[ConsentRecipient] = mapped_column(
        Enum(ConsentRecipient, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    given_at: Mapped[datetime] = mapped_column(default=utc_now)
    withdrawn_at: Mapped[datetime | None]
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
