"""A young person's devices over HTTP: their own under /v1/me, and for the staff who may change their record."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.api.conditional import IfNoneMatch, PrivateRead
from app.api.deps import SessionDep
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, Staff
from app.devices import service
from app.devices.errors import DeviceNotFound
from app.devices.schemas import DeviceRead, DeviceRegister

router = APIRouter(prefix="/v1", tags=["Devices"])

_NOT_FOUND = DeviceNotFound("No device with that id is in this young person's list.")


@router.post(
    "/me/devices",
    summary="Register this device",
    status_code=201,
    responses={
        200: {"description": "Already registered from this sign-in: updated", "model": DeviceRead},
        **problem_responses(401, 403),
    },
)
async def register_my_device(
    body: DeviceRegister, principal: CareLeaverSelf, session: SessionDep, response: Response
) -> DeviceRead:
    """The phone you are signed in on, with a name you will recognise and, for notifications, its push
    token. Sending it again from the same sign-in updates the same device (200), never adds a second."""
    device, created = await service.register_device(session, principal, body)
    if not created:
        response.status_code = 200
    return device


MY_DEVICES = PrivateRead(list[DeviceRead])


@router.get(
    "/me/devices",
    summary="My devices",
    response_model=list[DeviceRead],
    responses={**MY_DEVICES.doc(), **problem_responses(401, 403)},
)
async def list_my_devices(
    principal: CareLeaverSelf, session: SessionDep, if_none_match: IfNoneMatch = None
) -> Response:
    """Every phone you signed in on and registered, newest first (the latest 100), with the one asking
    marked `this_device`. Revoke one you lost or no longer use."""
    return MY_DEVICES.answer(await service.list_own_devices(session, principal), if_none_match)


@router.delete(
    "/me/devices/{device_id:uuid}",
    summary="Revoke one of my devices",
    status_code=204,
    responses=problem_responses(401, 403, _NOT_FOUND),
)
async def revoke_my_device(device_id: uuid.UUID, principal: CareLeaverSelf, session: SessionDep) -> Response:
    """A lost phone: its sign-in ends at once, so it can neither use the app nor refresh its tokens, and
    it is sent no more notifications. Revoking it again changes nothing."""
    await service.revoke_own_device(session, principal, device_id)
    return Response(status_code=204)


@router.get(
    "/care-leavers/{care_leaver_id:uuid}/devices",
    summary="A young person's devices",
    responses=problem_responses(401, 403, 404),
)
async def list_devices(care_leaver_id: uuid.UUID, principal: Staff, session: SessionDep) -> list[DeviceRead]:
    """Newest first (the latest 100). For the staff who may change the young person's record: their
    personal adviser, team manager or an admin of their council."""
    return await service.list_devices(session, principal, care_leaver_id)


@router.delete(
    "/care-leavers/{care_leaver_id:uuid}/devices/{device_id:uuid}",
    summary="Revoke a young person's device",
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
async def revoke_device(
    care_leaver_id: uuid.UUID, device_id: uuid.UUID, principal: Staff, session: SessionDep
) -> Response:
    """When the young person reports a phone lost or stolen: its sign-in ends at once (they sign in
    again on a new phone). Revoking it again changes nothing."""
    await service.revoke_device(session, principal, care_leaver_id, device_id)
    return Response(status_code=204)
