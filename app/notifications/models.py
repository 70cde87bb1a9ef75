from __future__ import annotations

import uuid
from datetime import datetime, time

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base, IdMixin
from app.notifications.enums import NotificationKind, SubjectType

# The council's quiet hours unless it sets its own: no push from 9pm to 8am, UK time.
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class Notification(IdMixin, Base):
    """One message to one young person. `dedupe_key` names the event it reports (a claim's approval,
    an offer version, a review date), unique per person: the same event never notifies twice, however
    often the code path or the daily command runs."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("care_leaver_id", "dedupe_key"),
        # The young person's list, newest first.
        Index("ix_notification_list", "care_leaver_id", "created_at", "id"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id"))
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    subject_type: Mapped[SubjectType] = mapped_column(_enum(SubjectType))
    subject_id: Mapped[uuid.UUID]
    dedupe_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    read_at: Mapped[datetime | None]


class NotificationSettings(Base):
    """A council's choices: its quiet hours (UK time; equal times mean none), and whether its young people
    aged 21 to 24 get the 21Plus birthday-month message."""

    __tablename__ = "notification_settings"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), primary_key=True)
    quiet_from: Mapped[time] = mapped_column(default=QUIET_FROM)
    quiet_until: Mapped[time] = mapped_column(default=QUIET_UNTIL)
    birthday_month_message: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_by: Mapped[uuid.UUID | None]
