"""Lists of claims: one young person's, and a manager's queue (their team's young people; an admin's
whole council). One audit event per page, linked to each person shown."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.care_leavers.service import load_for_read
from app.claims.enums import ClaimStatus
from app.claims.repository import ClaimRepository
from app.claims.schemas import ClaimSummary
from app.claims.service import is_young_person
from app.claims.views import claim_summary
from app.core.clock import uk_today
from app.db.pagination import Position, Window


async def claims_of_person(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[ClaimSummary]:
    """Newest first; a declined claim carries its reason, written for the young person."""
    person, _ = await load_for_read(session, principal, care_leaver_id)
    window = await ClaimRepository(session).of_person(person.id, limit=limit, cursor=cursor)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "claim",
        [person],
        details={"count": len(window.items)},
    )
    name = None if is_young_person(principal, person.id) else person.display_name
    return window.map(lambda claim: claim_summary(claim, name))


async def claims_queue(
    session: AsyncSession,
    principal: Principal,
    *,
    statuses: Collection[ClaimStatus],
    team_id: uuid.UUID | None,
    limit: int,
    cursor: Position | None,
) -> Window[ClaimSummary]:
    """Claims of the young people you may see, waiting longest first."""
    repo = ClaimRepository(session)
    window = await repo.visible(
        principal, uk_today(), statuses=statuses, team_id=team_id, limit=limit, cursor=cursor
    )
    people = await repo.people({c.care_leaver_id for c in window.items})
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "claim",
        window.items,
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    return window.map(lambda claim: claim_summary(claim, people[claim.care_leaver_id].display_name))
