from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Select, String, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.auth.enums import PartnerKind, Role, SubjectKind
from app.auth.models import AuthSession, PartnerOrganisation, RefreshToken, Team, UserAccount
from app.auth.principal import Principal
from app.db.pagination import Position, SortKey, Window, keyset_page

USERS_BY_EMAIL = SortKey("email", (UserAccount.email,))


def has_role(role: Role) -> ColumnElement[bool]:
    # Roles are a short JSON list of strings; its text form is portable to search.
    return cast(UserAccount.roles, String).like(f'%"{role.value}"%')


def _with_organisations(stmt: Select[UserAccount]) -> Select[UserAccount]:
    return stmt.options(
        joinedload(UserAccount.local_authority),
        joinedload(UserAccount.team),
        joinedload(UserAccount.partner_organisation),
    )


def roles_of(user: UserAccount) -> frozenset[Role]:
    """The account's roles this version knows (a role removed from the code is ignored, not an error)."""
    return frozenset(Role(r) for r in user.roles if r in Role._value2member_map_)


def principal_for(user: UserAccount, session_id: uuid.UUID | None, issuer: str | None = None) -> Principal:
    partner = user.partner_organisation
    return Principal(
        user_id=user.id,
        kind=user.kind,
        roles=roles_of(user),
        display_name=user.display_name,
        local_authority_id=user.local_authority_id,
        local_authority_gss=user.local_authority.gss_code if user.local_authority else None,
        local_authority_name=user.local_authority.name if user.local_authority else None,
        team_id=user.team_id,
        team_name=user.team.name if user.team else None,
        partner_organisation_id=user.partner_organisation_id,
        partner_name=partner.name if partner else None,
        partner_kind=PartnerKind(partner.kind) if partner else None,
        partner_district_gss=partner.district_gss_code if partner else None,
        care_leaver_id=user.care_leaver_id,
        session_id=session_id,
        issuer=issuer,
    )


class AuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user_by_email(self, email: str) -> UserAccount | None:
        stmt = _with_organisations(select(UserAccount).where(UserAccount.email == email.strip().lower()))
        return (await self.session.execute(stmt)).unique().scalars().one_or_none()

    async def user_with_live_session(
        self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
    ) -> UserAccount | None:
        """The account behind an access token, if its sign-in session is neither revoked nor expired."""
        stmt = _with_organisations(
            select(UserAccount)
            .join(AuthSession, AuthSession.user_id == UserAccount.id)
            .where(
                UserAccount.id == user_id,
                AuthSession.id == session_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
        )
        return (await self.session.execute(stmt)).unique().scalars().one_or_none()

    async def refresh_token(self, digest: str) -> tuple[RefreshToken, AuthSession] | None:
        stmt = (
            select(RefreshToken, AuthSession)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_digest == digest)
        )
        row = (await self.session.execute(stmt)).one_or_none()
        return (row[0], row[1]) if row else None

    async def mark_used(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Use a refresh token once. False if someone used it first (a replay, or a race)."""
        result = await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def revoke_session(self, session_id: uuid.UUID, now: datetime, reason: str) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )

    async def revoke_user_sessions(self, user_id: uuid.UUID, now: datetime, reason: str) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )

    async def user(self, user_id: uuid.UUID) -> UserAccount | None:
        stmt = _with_organisations(select(UserAccount).where(UserAccount.id == user_id))
        return (await self.session.execute(stmt)).unique().scalars().one_or_none()

    async def users_page(
        self,
        *,
        local_authority_id: uuid.UUID | None,
        kind: SubjectKind | None,
        role: Role | None,
        any_of_roles: frozenset[Role] | None = None,
        limit: int,
        cursor: Position | None,
    ) -> Window[UserAccount]:
        stmt = _with_organisations(select(UserAccount))
        if local_authority_id is not None:
            stmt = stmt.where(UserAccount.local_authority_id == local_authority_id)
        if kind is not None:
            stmt = stmt.where(UserAccount.kind == kind)
        if role is not None:
            stmt = stmt.where(has_role(role))
        if any_of_roles is not None:
            stmt = stmt.where(or_(*(has_role(r) for r in sorted(any_of_roles))))
        return await keyset_page(self.session, stmt, USERS_BY_EMAIL, limit=limit, cursor=cursor)

    async def team(self, team_id: uuid.UUID) -> Team | None:
        return await self.session.get(Team, team_id)

    async def teams(self, local_authority_id: uuid.UUID) -> list[Team]:
        stmt = select(Team).where(Team.local_authority_id == local_authority_id).order_by(Team.name)
        return list((await self.session.execute(stmt)).scalars())

    async def partner_organisation(self, organisation_id: uuid.UUID) -> PartnerOrganisation | None:
        return await self.session.get(PartnerOrganisation, organisation_id)

    async def partner_organisations(self, local_authority_id: uuid.UUID) -> list[PartnerOrganisation]:
        stmt = (
            select(PartnerOrganisation)
            .where(PartnerOrganisation.local_authority_id == local_authority_id)
            .order_by(PartnerOrganisation.name)
        )
        return list((await self.session.execute(stmt)).scalars())
