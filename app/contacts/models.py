"""The contact log, follow-up actions, call-back requests and contact policies.

The log is a legal record (Care Leavers (England) Regulations 2010 reg 8: the personal adviser keeps a
written record of contacts). Its rows are never changed or deleted (database triggers refuse it,
migration 0006): an amendment is a new row, the next version of the same entry.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.care_leavers.enums import ContactMethod
from app.contacts.enums import ActionOwnerKind, ContactInitiator, ContactOutcome, ContactRequestStatus
from app.core.clock import utc_now
from app.db.base import Base, IdMixin


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class ContactRequest(IdMixin, Base):
    """A young person asking their adviser to get in touch ("call me back"), open until answered."""

    __tablename__ = "contact_request"
    __table_args__ = (
        # One open request per young person: asking twice is the same request, even from two devices.
        Index(
            "uq_contact_request_open",
            "care_leaver_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"), index=True)
    window_starts_at: Mapped[datetime]
    window_ends_at: Mapped[datetime]
    preferred_method: Mapped[ContactMethod | None] = mapped_column(_enum(ContactMethod))
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ContactRequestStatus] = mapped_column(_enum(ContactRequestStatus))
    requested_at: Mapped[datetime] = mapped_column(default=utc_now)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None]


class Contact(IdMixin, Base):
    """One version of one entry in the contact log. `entry_id` is the entry's id (its first version's
    `id`); an amendment adds version n + 1 with the whole entry as amended, and the reason."""

    __tablename__ = "contact"
    __table_args__ = (
        UniqueConstraint("entry_id", "version"),  # two amendments of the same version: one wins
        Index("ix_contact_person_occurred", "care_leaver_id", "occurred_at"),
        # A call-back request is answered by one entry (amendments repeat the link).
        Index(
            "uq_contact_answers_request",
            "answers_request_id",
            unique=True,
            postgresql_where=text("version = 1"),
            sqlite_where=text("version = 1"),
        ),
    )

    entry_id: Mapped[uuid.UUID]
    version: Mapped[int]
    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    occurred_at: Mapped[datetime]
    method: Mapped[ContactMethod] = mapped_column(_enum(ContactMethod))
    initiated_by: Mapped[ContactInitiator] = mapped_column(_enum(ContactInitiator))
    outcome: Mapped[ContactOutcome] = mapped_column(_enum(ContactOutcome))
    purpose: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)  # staff only: never shown to the young person or partners
    answers_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contact_request.id"))
    # Who wrote this version, in which role (the young person sees the role, not the name), and when.
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_role: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    amendment_reason: Mapped[str | None] = mapped_column(Text)  # every version after the first has one


class ContactAction(IdMixin, Base):
    """A follow-up agreed in a contact: what, who, by when, and when it was done."""

    __tablename__ = "contact_action"
    __table_args__ = (Index("ix_contact_action_person_open", "care_leaver_id", "done_on", "due_on"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    # The entry it was agreed in: its first version's id, which is the entry's id.
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_kind: Mapped[ActionOwnerKind] = mapped_column(_enum(ActionOwnerKind))
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    owner_name: Mapped[str | None] = mapped_column(String(160))  # the partner organisation or person
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class ContactPolicy(IdMixin, Base):
    """One age band of a council's contact standard. Replacing a council's bands closes the old rows
    (`replaced_at`) and adds new ones, so the standard in force at any time stays on record."""

    __tablename__ = "contact_policy"
    __table_args__ = (
        Index(
            "uq_contact_policy_current",
            "local_authority_id",
            "min_age",
            unique=True,
            postgresql_where=text("replaced_at IS NULL"),
            sqlite_where=text("replaced_at IS NULL"),
        ),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    min_age: Mapped[int]  # inclusive: from this birthday
    max_age: Mapped[int]  # exclusive: until the day before this birthday
    max_interval_days: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    last_checked: Mapped[date]
    needs_checking: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))  # None: seeded
    replaced_at: Mapped[datetime | None]
