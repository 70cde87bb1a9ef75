from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.enums import ConsentRecipient
from app.care_leavers.care_history import Detention, EpisodeKind, LegalBasis, PlacementType
from app.care_leavers.enums import (
    CircumstanceKind,
    ClosureReason,
    ContactMethod,
    RecordStatus,
    SupportRequestStatus,
)
from app.core.clock import utc_now
from app.db.base import Base, IdMixin, TimestampMixin


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


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
    # district may see their council-tax exemption. Kept equal to the latest residence entry.
    district_gss_code: Mapped[str | None] = mapped_column(String(9), index=True)
    pronouns: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    preferred_contact_method: Mapped[ContactMethod | None] = mapped_column(_enum(ContactMethod))

    # Care history: the facts the legal status is derived from (STATUTE.md section 1).
    entered_care_on: Mapped[date | None]
    left_care_on: Mapped[date | None]
    still_looked_after: Mapped[bool] = mapped_column(default=False)
    weeks_looked_after_since_14: Mapped[int | None]
    weeks_looked_after_after_16: Mapped[int | None]

    # The derived status, kept so lists can filter on it; `status_until` is the day it must be
    # derived again (a birthday, a leaving date), and any change to the history derives it at once.
    legal_status: Mapped[RecordStatus | None] = mapped_column(_enum(RecordStatus), index=True)
    legal_status_until: Mapped[date | None] = mapped_column(index=True)

    closed_on: Mapped[date | None]
    closure_reason: Mapped[ClosureReason | None] = mapped_column(_enum(ClosureReason))

    # Kept by the contact log: the last time they were seen or spoken to, and when contact is next due.
    last_contact_at: Mapped[datetime | None]
    next_contact_due_on: Mapped[date | None] = mapped_column(index=True)

    @property
    def display_name(self) -> str:
        """The name they go by: preferred name (or given name) and family name."""
        return f"{self.preferred_name or self.given_name} {self.family_name}"

    @property
    def care_leaver_id(self) -> uuid.UUID:
        """Their own id, under the name every row about them uses, so an audit event can name them."""
        return self.id


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
    """A young person's agreement to share their status with one named partner organisation (Ashfield
    District Council, a university), until withdrawn. `partner_organisation_id` None: consent to a kind
    of recipient that names no organisation (recorded before consents named one, for someone living
    where no billing authority shares with us): it puts them on no organisation's list."""

    __tablename__ = "consent"
    __table_args__ = (
        # One active consent per named organisation, and one unnamed one per kind of recipient.
        Index(
            "uq_consent_active_organisation",
            "care_leaver_id",
            "partner_organisation_id",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL AND partner_organisation_id IS NOT NULL"),
            sqlite_where=text("withdrawn_at IS NULL AND partner_organisation_id IS NOT NULL"),
        ),
        Index(
            "uq_consent_active_unnamed",
            "care_leaver_id",
            "recipient",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL AND partner_organisation_id IS NULL"),
            sqlite_where=text("withdrawn_at IS NULL AND partner_organisation_id IS NULL"),
        ),
        Index("ix_consent_organisation", "partner_organisation_id", "care_leaver_id"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), index=True)
    recipient: Mapped[ConsentRecipient] = mapped_column(
        Enum(ConsentRecipient, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner_organisation.id"))
    given_at: Mapped[datetime] = mapped_column(default=utc_now)
    withdrawn_at: Mapped[datetime | None]
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class LegalStatusOverride(IdMixin, Base):
    """A status staff set by hand, with the reason, when the history cannot show it (a special
    guardianship order after 16, detention on the 16th birthday, a return home for six months).
    Ending an override (`ended_at`) returns the record to its derived status."""

    __tablename__ = "legal_status_override"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), index=True)
    status: Mapped[RecordStatus] = mapped_column(_enum(RecordStatus))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    ended_at: Mapped[datetime | None]


class Circumstance(IdMixin, Base):
    """One dated fact about a young person's life: where they live, what they do, their studies,
    work, Staying Put, immigration status or parenthood. Never overwritten: a change is a new entry
    from its date, and a correction is a new entry for the same date, recorded later."""

    __tablename__ = "circumstance"
    __table_args__ = (Index("ix_circumstance_lookup", "care_leaver_id", "kind", "valid_from", "recorded_at"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    kind: Mapped[CircumstanceKind] = mapped_column(_enum(CircumstanceKind))
    valid_from: Mapped[date]
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class SupportRequest(IdMixin, Base):
    """A care leaver aged 21 to 24 asking for a personal adviser again (CA89 s23CZB): the 21-plus queue."""

    __tablename__ = "support_request"
    __table_args__ = (
        # One open request per young person: a double tap on the app cannot queue them twice.
        Index(
            "uq_support_request_open",
            "care_leaver_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), index=True)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[SupportRequestStatus] = mapped_column(_enum(SupportRequestStatus))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class CareEpisode(IdMixin, Base):
    """One entry of the care history (`app.care_leavers.care_history`): a period looked after, a special
    guardianship order, or custody or hospital on the 16th birthday. The legal status is derived from
    these. A removed entry is kept (`removed_at`): the history shows what was believed when."""

    __tablename__ = "care_episode"
    __table_args__ = (Index("ix_care_episode_person", "care_leaver_id", "start_on"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    kind: Mapped[EpisodeKind] = mapped_column(_enum(EpisodeKind))
    start_on: Mapped[date | None]
    end_on: Mapped[date | None]
    legal_basis: Mapped[LegalBasis | None] = mapped_column(_enum(LegalBasis))
    placement_type: Mapped[PlacementType | None] = mapped_column(_enum(PlacementType))
    planned_short_break: Mapped[bool] = mapped_column(default=False)
    detention: Mapped[Detention | None] = mapped_column(_enum(Detention))
    # Made by migration 0011 (or a client sending the old fields) from the counters the record used to
    # keep; `details` holds those original values and the date they stood on.
    converted_from_summary: Mapped[bool] = mapped_column(default=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
