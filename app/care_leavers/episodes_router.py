"""`/v1/care-leavers/{care_leaver_id}/care-episodes`: the care history the legal status is derived from."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response

from app.api.conditional import if_match_header
from app.api.deps import SessionDep
from app.api.problems import problem_responses
from app.auth.deps import Staff
from app.care_leavers import episodes, timeline
from app.care_leavers.episode_schemas import CareEpisodeCreate, CareEpisodeRead, CareEpisodeUpdate

router = APIRouter(prefix="/v1/care-leavers", tags=["Care leavers"])

IfMatch = Annotated[str | None, if_match_header("the episode's ETag as you last read it", '"1"')]
_ETAG: dict[str, Any] = {
    "ETag": {"description": "The episode's version, for If-Match", "schema": {"type": "string"}}
}
_ONE = "/{care_leaver_id:uuid}/care-episodes/{episode_id:uuid}"


def _read(row: Any, response: Response | None = None) -> CareEpisodeRead:
    if response is not None:
        response.headers["ETag"] = episodes.etag_of(row)
    return CareEpisodeRead.model_validate(row)


@router.get(
    "/{care_leaver_id:uuid}/care-episodes",
    summary="Care history: periods looked after and more",
    responses=problem_responses(401, 403, 404),
)
async def list_care_episodes(
    care_leaver_id: uuid.UUID, principal: Staff, session: SessionDep
) -> list[CareEpisodeRead]:
    """Every episode in force, oldest first: the periods looked after (SSDA903 legal status and placement
    type), special guardianship orders, custody or hospital on the 16th birthday. The legal status on
    any date is derived from these (`/legal-status?on=`)."""
    return [_read(row) for row in await timeline.list_care_episodes(session, principal, care_leaver_id)]


@router.post(
    "/{care_leaver_id:uuid}/care-episodes",
    summary="Record a care episode",
    status_code=201,
    responses={201: {"headers": _ETAG}, **problem_responses(401, 403, 404)},
)
async def add_care_episode(
    care_leaver_id: uuid.UUID,
    body: CareEpisodeCreate,
    principal: Staff,
    session: SessionDep,
    response: Response,
) -> CareEpisodeRead:
    """Checked against the person and their other episodes (422 naming each field: before birth, ending
    before it starts, overlapping another period...). The legal status is derived again at once."""
    row = await timeline.add_care_episode(session, principal, care_leaver_id, body)
    response.headers["Location"] = f"/v1/care-leavers/{care_leaver_id}/care-episodes/{row.id}"
    return _read(row, response)


@router.get(
    _ONE, summary="One care episode", responses={200: {"headers": _ETAG}, **problem_responses(401, 403, 404)}
)
async def get_care_episode(
    care_leaver_id: uuid.UUID,
    episode_id: uuid.UUID,
    principal: Staff,
    session: SessionDep,
    response: Response,
) -> CareEpisodeRead:
    """The episode, with its `ETag` for a correction or removal."""
    return _read(await timeline.get_care_episode(session, principal, care_leaver_id, episode_id), response)


@router.patch(
    _ONE,
    summary="Correct a care episode",
    responses={200: {"headers": _ETAG}, **problem_responses(401, 403, 404, 412, 428)},
)
async def update_care_episode(
    care_leaver_id: uuid.UUID,
    episode_id: uuid.UUID,
    body: CareEpisodeUpdate,
    principal: Staff,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> CareEpisodeRead:
    """The fields sent change (an end date when they leave care, a corrected legal status); send `If-Match`."""
    row = await timeline.update_care_episode(session, principal, care_leaver_id, episode_id, body, if_match)
    return _read(row, response)


@router.delete(
    _ONE,
    summary="Remove a care episode",
    status_code=204,
    responses=problem_responses(401, 403, 404, 412, 428),
)
async def remove_care_episode(
    care_leaver_id: uuid.UUID,
    episode_id: uuid.UUID,
    principal: Staff,
    session: SessionDep,
    if_match: IfMatch = None,
) -> Response:
    """Recorded in error (or a converted summary replaced by the real episodes): it stops counting and is
    kept in the history, marked removed. Send `If-Match`."""
    await timeline.remove_care_episode(session, principal, care_leaver_id, episode_id, if_match)
    return Response(status_code=204)
