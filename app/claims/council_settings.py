"""Each council's claim settings: the amount above which a second approver is needed, and the cost codes
its finance system books payments to. Read and changed by the council's admins, with `If-Match`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import require_if_match
from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.claims.models import ClaimSettings
from app.claims.repository import ClaimRepository
from app.claims.schemas import ClaimSettingsRead, ClaimSettingsUpdate
from app.core.clock import utc_now


def _etag(settings: ClaimSettings) -> str:
    return f'"claim-settings.{settings.revision}"'


def _read(settings: ClaimSettings) -> ClaimSettingsRead:
    return ClaimSettingsRead(
        second_approval_above_pence=settings.second_approval_above_pence,
        cost_codes=dict(settings.cost_codes),
        etag=_etag(settings),
    )


async def _settings(session: AsyncSession, principal: Principal) -> ClaimSettings:
    assert principal.local_authority_id is not None  # council admins only
    found = await ClaimRepository(session).settings(principal.local_authority_id)
    if found is None:  # a council added after migration 0014: one approver, no cost codes yet
        found = ClaimSettings(
            local_authority_id=principal.local_authority_id,
            second_approval_above_pence=None,
            cost_codes={},
            revision=1,
            updated_at=utc_now(),
        )
        session.add(found)
        await session.flush()
    return found


async def get_settings(session: AsyncSession, principal: Principal) -> ClaimSettingsRead:
    return _read(await _settings(session, principal))


async def update_settings(
    session: AsyncSession, principal: Principal, body: ClaimSettingsUpdate, if_match: str | None
) -> ClaimSettingsRead:
    settings = await _settings(session, principal)
    require_if_match(if_match, _etag(settings), what="the claim settings")
    settings.second_approval_above_pence = body.second_approval_above_pence
    settings.cost_codes = dict(body.cost_codes)
    settings.revision += 1
    settings.updated_at, settings.updated_by = utc_now(), principal.user_id
    await session.flush()
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "claim_settings",
        [],
        local_authority_id=principal.local_authority_id,
        details={"second_approval_above_pence": body.second_approval_above_pence},
    )
    return _read(settings)
