"""What the sync sends and takes."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.claims.schemas import ClaimCreate
from app.contacts.schemas import ContactRequestCreate
from app.core.schemas import InputModel
from app.pathway_plans.schemas import ActionProgressCreate, CommentCreate
from app.sync.snapshot import ItemType

MAX_CHANGES = 100
Version = Annotated[
    str, Field(min_length=1, max_length=64, description="The `version` of the item you changed")
]


class SyncItemRead(BaseModel):
    """One thing the app keeps. A tombstone (`deleted: true`, no `version` or `data`) says: forget it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "plan_action",
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f31",
                    "version": "9a1f0c3b2d4e5f60718293a4b5c6d7e8",
                    "deleted": False,
                    "data": {"what": "Open a bank account", "status": "in_progress"},
                },
                {"type": "plan_action", "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f32", "deleted": True},
            ]
        }
    )

    type: ItemType
    id: str
    version: str | None = Field(default=None, description="Send it back as `base_version` to change it")
    deleted: bool = False
    data: dict[str, Any] | None = Field(
        default=None,
        description="What `/v1/me/...` would show for it (the offer: as `/v1/local-authorities/{gss}/offer`)",
    )


class SyncPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cursor": "czE6NDI",
                    "snapshot": False,
                    "has_more": False,
                    "items": [
                        {"type": "plan_action", "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f32", "deleted": True}
                    ],
                }
            ]
        }
    )

    cursor: str = Field(description="Send it as `cursor` next time: the changes since this answer")
    snapshot: bool = Field(description="True when this answers a sync with no cursor (tombstones left out)")
    has_more: bool = Field(description="More changes wait: ask again at once with `cursor`")
    items: list[SyncItemRead]


class _Change(InputModel):
    id: uuid.UUID = Field(description="Made on the device; the same id sent again is applied once")


class PlanCommentChange(_Change):
    type: Literal["plan_comment"]
    plan_id: uuid.UUID
    data: CommentCreate


class ActionProgressChange(_Change):
    type: Literal["action_progress"]
    plan_id: uuid.UUID
    base_version: Version
    data: ActionProgressCreate


class CallBackChange(_Change):
    type: Literal["call_back_request"]
    data: ContactRequestCreate


class ClaimDraftChange(_Change):
    type: Literal["claim_draft"]
    data: ClaimCreate


Change = Annotated[
    PlanCommentChange | ActionProgressChange | CallBackChange | ClaimDraftChange, Field(discriminator="type")
]


class SyncPush(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "changes": [
                        {
                            "id": "5f0c6a2e-4b1d-4c8e-9a7f-1d2e3f4a5b6c",
                            "type": "action_progress",
                            "plan_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f00",
                            "base_version": "9a1f0c3b2d4e5f60718293a4b5c6d7e8",
                            "data": {"action_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f31", "status": "done"},
                        },
                        {
                            "id": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                            "type": "plan_comment",
                            "plan_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f00",
                            "data": {"section": "accommodation", "body": "I'd like to stay near my sister."},
                        },
                    ]
                }
            ]
        }
    )

    changes: list[Change] = Field(min_length=1, max_length=MAX_CHANGES)


class PushResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5f0c6a2e-4b1d-4c8e-9a7f-1d2e3f4a5b6c",
                    "status": "conflict",
                    "current": {
                        "type": "plan_action",
                        "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f31",
                        "version": "0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f",
                        "deleted": False,
                        "data": {"what": "Open a bank account", "status": "in_progress"},
                    },
                }
            ]
        }
    )

    id: uuid.UUID
    status: Literal["applied", "duplicate", "conflict", "rejected"] = Field(
        description="applied: done now; duplicate: done before (the first result); conflict: it changed "
        "since your `base_version` (`current` is what it is now: show both, let them choose, send again "
        "with the new version); rejected: refused (`problem` says why), nothing changed"
    )
    item: SyncItemRead | None = Field(default=None, description="applied or duplicate: what it changed")
    current: SyncItemRead | None = Field(default=None, description="conflict: the item as it is now")
    problem: dict[str, Any] | None = Field(default=None, description="rejected: an RFC 9457 problem")


class PushResults(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "results": [
                        {
                            "id": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                            "status": "applied",
                            "item": {
                                "type": "pathway_plan",
                                "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f00",
                                "version": "1b2c3d4e5f60718293a4b5c6d7e8f901",
                            },
                        }
                    ]
                }
            ]
        }
    )

    results: list[PushResult] = Field(description="One per change, in the order sent")
