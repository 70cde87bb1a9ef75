from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.audit.enums import AuditAction, AuditOutcome


class ActorRead(BaseModel):
    id: uuid.UUID | None
    kind: str
    role: str | None
    organisation: str | None


class AuditEventRead(BaseModel):
    """One recorded read or change. Details name fields and counts, never the personal data itself."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e7f",
                    "occurred_at": "2026-11-23T10:15:00+00:00",
                    "request_id": "5d1f0c8e9a2b4c6d8e0f1a2b3c4d5e6f",
                    "actor": {
                        "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e70",
                        "kind": "staff",
                        "role": "personal_adviser",
                        "organisation": "Leaving Care Team (demo)",
                    },
                    "action": "read",
                    "resource_type": "care_leaver",
                    "resource_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "care_leaver_ids": ["0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80"],
                    "subject_count": 1,
                    "outcome": "success",
                    "details": {},
                }
            ]
        }
    )

    id: uuid.UUID
    occurred_at: datetime
    request_id: str | None
    actor: ActorRead
    action: AuditAction
    resource_type: str
    resource_id: str | None
    care_leaver_ids: list[uuid.UUID] = Field(
        description="The people this event is about (at most 100 listed)"
    )
    subject_count: int
    outcome: AuditOutcome
    details: dict[str, Any]


class AccessLogEntry(BaseModel):
    """Who looked at or changed your record: their role and team or organisation, never their name."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "occurred_at": "2026-11-23T10:15:00+00:00",
                    "action": "read",
                    "what": "care_leaver",
                    "role": "personal_adviser",
                    "organisation": "Leaving Care Team (demo)",
                    "outcome": "success",
                }
            ]
        }
    )

    occurred_at: datetime
    action: AuditAction
    what: str = Field(description="What was looked at or changed, e.g. `care_leaver`, `contact`")
    role: str | None
    organisation: str | None
    outcome: AuditOutcome
