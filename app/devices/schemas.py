from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.schemas import InputModel
from app.devices.enums import DevicePlatform
from app.devices.models import PUSH_TOKEN_MAX

DeviceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
# Opaque: whatever the phone's push service gave the app, in visible ASCII (no spaces, no controls).
PushToken = Annotated[str, StringConstraints(min_length=1, max_length=PUSH_TOKEN_MAX, pattern=r"^[!-~]+$")]


class DeviceRegister(InputModel):
    """The phone you are signed in on. Send it again whenever its name or push token changes: the same
    sign-in always updates the same device."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Ben's iPhone", "platform": "ios", "push_token": "8c1f2e0a9b7d6c5e4f3a2b1c0d9e8f7a"}
            ]
        }
    )

    name: DeviceName = Field(description="What you call it, to recognise it in your list")
    platform: DevicePlatform
    push_token: PushToken | None = Field(
        default=None,
        description="Where the council's push gateway sends your notifications (up to 4,096 characters). "
        "Left out, the one already registered is kept; null removes it. Never shown back, to anyone.",
    )


class DeviceRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f10",
                    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "name": "Ben's iPhone",
                    "platform": "ios",
                    "push_token_set": True,
                    "registered_at": "2026-12-01T18:04:00+00:00",
                    "last_seen_at": "2026-12-04T08:15:00+00:00",
                    "this_device": True,
                    "signed_in": True,
                    "revoked_at": None,
                }
            ]
        }
    )

    id: uuid.UUID
    care_leaver_id: uuid.UUID
    name: str
    platform: DevicePlatform
    push_token_set: bool = Field(
        description="Whether it can be sent notifications (the token is never shown)"
    )
    registered_at: datetime
    last_seen_at: datetime = Field(description="When it was last used, to within ten minutes")
    this_device: bool = Field(description="Whether it is the sign-in asking")
    signed_in: bool = Field(description="Whether its sign-in still works: not revoked, signed out or expired")
    revoked_at: datetime | None = Field(description="When it was revoked (a lost phone), if it was")
