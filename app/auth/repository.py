from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, case, cast, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.auth.enums import PartnerKind, Role, SubjectKind
from app.auth.models import (
    AccountInvitation,
    AuthSession,
    PartnerOrganisation,
    RefreshToken,
    SignInThrottle,
    Team,
    UserAccount,
)
from app.auth.principal import Principal
from app.db.pagination import Position, SortKey, Window, keyset_page

_Select = TypeVar("_Select", bound=Select[*tuple[Any, ...]])
USERS_BY_EMAIL = SortKey("email", (UserAccount.email,))


def has_role(role: Role) -> ColumnElement[bool]:
    # Roles are a short JSON list of strings; its text form is portable to search.
    return cast(UserAccount.roles, String).like(f'%"{role.value}"%')


def _with_organisations(stmt: _Select) -> _Select:
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

    async def password_hash_of(self, email: str) -> str | None:
        stmt = select(UserAccount.password_hash).where(UserAccount.email == email.strip().lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def user_with_live_session(
        self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
    ) -> tuple[UserAccount, datetime] | None:
        """The account behind an access token, if its sign-in session is neither revoked nor expired, and
        when that session was last seen (or began)."""
        stmt = _with_organisations(
            select(UserAccount, func.coalesce(AuthSession.last_seen_at, AuthSession.created_at))
            .join(AuthSession, AuthSession.user_id == UserAccount.id)
            .where(
                UserAccount.id == user_id,
                AuthSession.id == session_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
        )
        row = (await self.session.execute(stmt)).unique().one_or_none()
        return (row[0], row[1]) if row else None

    async def mark_seen(self, session_id: uuid.UUID, now: datetime, before: datetime) -> None:
        """Record that the session was used now, unless another request already did since `before`."""
        await self.session.execute(
            update(AuthSession)
            .where(
                AuthSession.id == session_id,
                or_(AuthSession.last_seen_at.is_(None), AuthSession.last_seen_at < before),
            )
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )

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

    async def revoke_user_sessions(
        self, user_id: uuid.UUID, now: datetime, reason: str, *, keep: uuid.UUID | None = None
    ) -> None:
        """Revoke every live sign-in of the account, except `keep` (the one asking)."""
        stmt = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        if keep is not None:
            stmt = stmt.where(AuthSession.id != keep)
        await self.session.execute(
            stmt.values(revoked_at=now, revoked_reason=reason).execution_options(synchronize_session=False)
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


class ThrottleRepository:
    """Counters of failed attempts (app/auth/throttle.py decides what they mean)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, keys: list[str], now: datetime) -> dict[str, SignInThrottle]:
        """The counters for `keys`, created if missing and locked until the transaction ends.

        PostgreSQL locks the rows (in key order, so two requests never deadlock); SQLite has taken its
        write lock at BEGIN IMMEDIATE. Either way, a parallel attempt waits here until this one's count
        is committed, so none is decided on a stale count.
        """
        ordered = sorted(set(keys))
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(SignInThrottle)
            .values([{"key": k, "failures": 0, "last_failure_at": now} for k in ordered])
            .on_conflict_do_nothing(index_elements=[SignInThrottle.key])
        )
        stmt = (
            select(SignInThrottle)
            .where(SignInThrottle.key.in_(ordered))
            .order_by(SignInThrottle.key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {row.key: row for row in (await self.session.execute(stmt)).scalars()}

    async def forgive(self, pair: str, others: list[str], failures: int) -> None:
        """An attempt succeeded: its pair's failures are forgotten, and taken off the wider counters."""
        await self.session.execute(delete(SignInThrottle).where(SignInThrottle.key == pair))
        await self.session.execute(
            update(SignInThrottle)
            .where(SignInThrottle.key.in_(others))
            .values(
                failures=case(
                    (SignInThrottle.failures > failures, SignInThrottle.failures - failures), else_=0
                )
            )
            .execution_options(synchronize_session=False)
        )

    async def prune(self, forgotten_before: datetime) -> int:
        result = await self.session.execute(
            delete(SignInThrottle).where(
                or_(SignInThrottle.last_failure_at < forgotten_before, SignInThrottle.failures <= 0)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_digest(self, digest: str) -> AccountInvitation | None:
        stmt = select(AccountInvitation).where(AccountInvitation.code_digest == digest)
        return (await self.session.execute(stmt)).scalars().one_or_none()

    async def use(self, invitation_id: uuid.UUID, now: datetime) -> bool:
        """Spend an invitation once. False if it was spent, replaced or expired first (a race included)."""
        result = await self.session.execute(
            update(AccountInvitation)
            .where(
                AccountInvitation.id == invitation_id,
                AccountInvitation.used_at.is_(None),
                AccountInvitation.revoked_at.is_(None),
                AccountInvitation.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def revoke_open(self, user_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(AccountInvitation)
            .where(
                AccountInvitation.user_id == user_id,
                AccountInvitation.used_at.is_(None),
                AccountInvitation.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )

    async def prune(self, now: datetime) -> int:
        """Spent, replaced and expired invitations: none can ever be used again."""
        result = await self.session.execute(
            delete(AccountInvitation).where(
                or_(
                    AccountInvitation.used_at.is_not(None),
                    AccountInvitation.revoked_at.is_not(None),
                    AccountInvitation.expires_at <= now,
                )
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
