from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.enums import AuditAction, AuditOutcome
from app.core.clock import utc_now
from app.db.base import Base, IdMixin


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class AuditEvent(IdMixin, Base):
    """One thing that happened, written in the same transaction as the change it records.

    Append-only: the API has no way to change or delete an event, and database triggers refuse
    UPDATE and DELETE (migration 0002).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_la_occurred", "local_authority_id", "occurred_at"),
        Index("ix_audit_event_actor_occurred", "actor_id", "occurred_at"),
    )

    occurred_at: Mapped[datetime] = mapped_column(default=utc_now)
    request_id: Mapped[str | None] = mapped_column(String(128))
    actor_id: Mapped[uuid.UUID | None] = mapped_column()  # no FK: events outlive accounts
    actor_kind: Mapped[str] = mapped_column(String(32))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    actor_organisation: Mapped[str | None] = mapped_column(String(160))  # team, partner or council name
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction))
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    # The council whose data this is (None for events about no council's data, e.g. a failed sign-in).
    local_authority_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("local_authority.id"))
    outcome: Mapped[AuditOutcome] = mapped_column(_enum(AuditOutcome))
    subject_count: Mapped[int] = mapped_column(default=0)
    # Names of fields changed, counts, reasons: never the personal data itself.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditEventSubject(Base):
    """The people an event is about: a list request is one event linked to each person it showed."""

    __tablename__ = "audit_event_subject"
    __table_args__ = (Index("ix_audit_event_subject_care_leaver", "care_leaver_id", "event_id"),)

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audit_event.id"), primary_key=True)
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
