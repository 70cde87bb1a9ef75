"""Use cases of a young person's devices: register the phone they are signed in on, list them, revoke one.

A device is one sign-in session (`app.auth.models.AuthSession`) the young person named. Revoking it ends
that session, so its access tokens answer 401 from the next request and its refresh tokens are refused.
Access goes through `app.care_leavers.service` (404 outside scope); every read and change is audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.models import AuthSession
from app.auth.principal import Principal
from app.auth.repository import AuthRepository
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.models import CareLeaver
from app.care_leavers.service import load_for_read, load_for_write
from app.core.clock import utc_now
from app.db.session import insert_or_raise
from app.devices.errors import DeviceNotFound
from app.devices.models import Device
from app.devices.repository import DeviceRepository
from app.devices.schemas import DeviceRead, DeviceRegister

RESOURCE = "device"
REVOKED_REASON = "device_revoked"


class _RegisteredMeanwhile(Exception):
    """The same sign-in registered in a parallel request: that row is the device."""


def _read(device: Device, auth_session: AuthSession, principal: Principal, now: datetime) -> DeviceRead:
    seen = max(auth_session.last_seen_at or auth_session.created_at, device.registered_at)
    return DeviceRead(
        id=device.id,
        care_leaver_id=device.care_leaver_id,
        name=device.name,
        platform=device.platform,
        push_token_set=device.push_token is not None,
        registered_at=device.registered_at,
        last_seen_at=seen,
        this_device=principal.session_id is not None and device.session_id == principal.session_id,
        signed_in=auth_session.revoked_at is None and auth_session.expires_at > now,
        revoked_at=device.revoked_at,
    )


async def _own_record(session: AsyncSession, principal: Principal) -> CareLeaver:
    if principal.care_leaver_id is None:
        raise CareLeaverNotFound("Your account is not linked to a care-leaver record.")
    person, _ = await load_for_read(session, principal, principal.care_leaver_id)
    return person


async def register_device(
    session: AsyncSession, principal: Principal, body: DeviceRegister
) -> tuple[DeviceRead, bool]:
    """The device of the sign-in asking, created (True) or updated (False)."""
    person = await _own_record(session, principal)
    session_id = principal.session_id
    # Young people sign in only with this service's tokens, each naming its session (never a council IdP's).
    assert session_id is not None and principal.issuer is None
    repo, now = DeviceRepository(session), utc_now()
    device = await repo.of_session(session_id)
    created = device is None
    if device is None:
        device = Device(
            local_authority_id=person.local_authority_id,
            care_leaver_id=person.id,
            user_id=principal.user_id,
            session_id=session_id,
            name=body.name,
            platform=body.platform,
            push_token=body.push_token,
            registered_at=now,
            updated_at=now,
        )
        try:
            await insert_or_raise(session, device, _RegisteredMeanwhile())
        except _RegisteredMeanwhile:
            device, created = await repo.of_session(session_id), False
            assert device is not None  # the unique key that refused ours is its
    if not created:
        device.name, device.platform, device.updated_at = body.name, body.platform, now
        if "push_token" in body.model_fields_set:
            device.push_token = body.push_token
        await session.flush()
    if device.push_token is not None:
        await repo.release_push_token(person.id, device.push_token, keep=device.id)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE if created else AuditAction.UPDATE,
        RESOURCE,
        [person],
        resource_id=device.id,
        # Never the token itself: the audit trail is read by people the token is no business of.
        details={"platform": device.platform.value, "push_token_set": device.push_token is not None},
    )
    found = await repo.one(person.id, device.id)
    assert found is not None
    return _read(found[0], found[1], principal, now), created


async def _list(session: AsyncSession, principal: Principal, person: CareLeaver) -> list[DeviceRead]:
    now = utc_now()
    rows = await DeviceRepository(session).of_person(person.id)
    await record_about(
        session, principal.as_actor(), AuditAction.LIST, RESOURCE, [person], details={"count": len(rows)}
    )
    return [_read(device, auth_session, principal, now) for device, auth_session in rows]


async def list_own_devices(session: AsyncSession, principal: Principal) -> list[DeviceRead]:
    return await _list(session, principal, await _own_record(session, principal))


async def list_devices(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> list[DeviceRead]:
    # Only staff who may change the record: a device list is about reaching the person's sign-ins.
    person, _ = await load_for_write(session, principal, care_leaver_id)
    return await _list(session, principal, person)


async def _revoke(
    session: AsyncSession, principal: Principal, person: CareLeaver, device_id: uuid.UUID
) -> None:
    found = await DeviceRepository(session).one(person.id, device_id)
    if found is None:
        raise DeviceNotFound("No device with that id is in this young person's list.")
    device, _ = found
    already = device.revoked_at is not None
    if not already:
        now = utc_now()
        device.revoked_at, device.revoked_by = now, principal.user_id
        device.push_token = None  # a lost phone is sent no more notifications
        # The session, and with it every refresh token rotated from it: the next request is a 401.
        await AuthRepository(session).revoke_session(device.session_id, now, REVOKED_REASON)
        await session.flush()
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.DELETE,
        RESOURCE,
        [person],
        resource_id=device.id,
        details={"already_revoked": already},
    )


async def revoke_own_device(session: AsyncSession, principal: Principal, device_id: uuid.UUID) -> None:
    await _revoke(session, principal, await _own_record(session, principal), device_id)


async def revoke_device(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, device_id: uuid.UUID
) -> None:
    person, _ = await load_for_write(session, principal, care_leaver_id)
    await _revoke(session, principal, person, device_id)
