from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import Flag, InputModel
from app.notifications.enums import NotificationKind, SubjectType

_NOTIFICATION: dict[str, Any] = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e20",
    "kind": "claim_approved",
    "title": "Your claim was approved",
    "body": "Your claim for “A bed and a fridge for my flat” was approved: £450. You can see when it is paid "
    "in your claims.",
    "subject": {"type": "claim", "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e21"},
    "created_at": "2026-12-04T10:15:00Z",
    "read_at": None,
}


# A time of day on the UK wall clock, hours and minutes.
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["21:00"])]


class Subject(BaseModel):
    """What the notification opens in the app."""

    type: SubjectType
    id: uuid.UUID


class NotificationRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_NOTIFICATION]})

    id: uuid.UUID
    kind: NotificationKind
    title: str
    body: str = Field(description="What happened and what to do next, in plain English")
    subject: Subject
    created_at: datetime
    read_at: datetime | None = Field(description="When the young person first opened it; null: unread")


class NotificationSettingsRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "quiet_from": "21:00",
                    "quiet_until": "08:00",
                    "birthday_month_message": True,
                    "etag": '"notification-settings.1"',
                }
            ]
        }
    )

    quiet_from: ClockTime = Field(description="Pushes wait from this time (UK time, HH:MM) ...")
    quiet_until: ClockTime = Field(
        description="... until this time; the same time twice means no quiet hours"
    )
    birthday_month_message: bool = Field(
        description="Care leavers aged 21 to 24 get the 21Plus birthday-month message"
    )
    etag: str


class NotificationSettingsUpdate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"quiet_from": "21:00", "quiet_until": "08:00", "birthday_month_message": True}]
        }
    )

    quiet_from: ClockTime
    quiet_until: ClockTime
    birthday_month_message: Flag
