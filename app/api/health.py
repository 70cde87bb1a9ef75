"""Liveness and readiness: live says the process answers, ready says it can do real work."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import PublicRoute, database_of
from app.api.problems import problem_responses
from app.core.errors import ServiceUnavailable
from app.db.migrations import current_revision, expected_head

router = APIRouter(tags=["Operations"], route_class=PublicRoute)

LIVE_BODY = b'{"status":"ok"}'


class Liveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})
    status: Literal["ok"]


class Readiness(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ready", "database": "ok", "schema_revision": "0001"}]}
    )
    status: Literal["ready"]
    database: Literal["ok"]
    schema_revision: str


class NotReady(ServiceUnavailable):
    code = "server.not_ready"
    title = "Not ready"


@router.get("/health/live", response_model=Liveness, summary="Is the process alive?")
async def get_liveness() -> Response:
    """Answers without touching the database; a load balancer restarts the process when this fails."""
    return Response(LIVE_BODY, media_type="application/json")


@router.get(
    "/health/ready",
    summary="Can the service take traffic?",
    responses=problem_responses(NotReady("The database is not reachable.", headers={"Retry-After": "5"})),
)
async def get_readiness(request: Request) -> Readiness:
    """Ready when the database answers and its schema is at the revision this code expects."""
    try:
        async with database_of(request).sessionmaker() as session:
            revision = await current_revision(session)
    except (SQLAlchemyError, OSError) as exc:
        raise NotReady("The database is not reachable.", headers={"Retry-After": "5"}) from exc
    if revision != expected_head():
        raise NotReady(
            f"The database schema is at {revision or 'nothing'}; this code needs {expected_head()}. "
            "Run `python -m app migrate`.",
            headers={"Retry-After": "30"},
        )
    return Readiness(status="ready", database="ok", schema_revision=revision)
