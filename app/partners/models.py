"""What a billing authority tells us back about a care leaver on its council-tax list."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base, IdMixin
from app.partners.enums import ConfirmationOutcome


class CouncilTaxConfirmation(IdMixin, Base):
    """The billing authority's latest word on one person: applied (from a date, on an account), not
    liable, not found, or something else with a note. One row per person and billing authority: a PUT
    replaces it (`version` counts the changes, for the ETag)."""

    __tablename__ = "council_tax_confirmation"
    __table_args__ = (UniqueConstraint("care_leaver_id", "partner_organisation_id"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id", ondelete="CASCADE"))
    partner_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partner_organisation.id"))
    outcome: Mapped[ConfirmationOutcome] = mapped_column(
        Enum(
            ConfirmationOutcome, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        )
    )
    applied_from: Mapped[date | None]
    account_reference: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
