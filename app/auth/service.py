"""Sign-in, password changes, token refresh and revocation, and turning a bearer token into a Principal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.service import ANONYMOUS, Actor, record, record_even_if_rolled_back
from app.auth import throttle
from app.auth.enums import SubjectKind
from app.auth.errors import CurrentPasswordWrong, DemoAccount, InvalidGrant, InvalidToken, NoLocalPassword
from app.auth.jwks import JwksCache, verify_external_token
from app.auth.models import AuthSession, RefreshToken, UserAccount
from app.auth.passwords import hash_in_thread, needs_rehash, policy_problem, verify_password
from app.auth.principal import Principal
from app.auth.repository import AuthRepository, principal_for
from app.auth.tokens import (
    decode_access_token,
    issue_access_token,
    new_refresh_token,
    refresh_digest,
    unverified_issuer,
)
from app.core.errors import InvalidInput, field_error
from app.core.settings import Settings
from app.db.session import Database, after_rollback

# Only demo mode accepts it (README: demo accounts).
DEMO_PASSWORD = "demo"
# How stale a sign-in's `last_seen_at` may be: the price of knowing when a device was last used is one
# small write per sign-in per this long, not one per request.
SEEN_EVERY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def _may_sign_in(user: UserAccount, settings: Settings) -> bool:
    return user.is_active and (settings.demo or not user.is_demo)


async def sign_in_with_password(
    session: AsyncSession,
    database: Database,
    settings: Settings,
    *,
    username: str,
    password: str,
    address: str | None,
    now: datetime,
) -> TokenPair:
    # Counted before the password is checked, in a transaction of its own (see app/auth/throttle.py).
    attempt = await throttle.reserve(database, settings, throttle.Keys.of(username, address), now)
    # Checked holding no database connection: a queue of sign-ins waiting for a hashing thread must
    # not take the pool from everyone else. Checked even for an unknown account, so timing does not
    # tell them apart.
    async with database.unit_of_work() as reading:
        stored_hash = await AuthRepository(reading).password_hash_of(username)
    password_ok = await verify_password(stored_hash, password)
    user = await AuthRepository(session).user_by_email(username)
    demo_password_refused = password == DEMO_PASSWORD and not settings.demo
    if user is None or not password_ok or demo_password_refused or not _may_sign_in(user, settings):
        record_even_if_rolled_back(
            session,
            Actor(id=user.id, kind=user.kind.value, role=None, organisation=None) if user else ANONYMOUS,
            AuditAction.SIGN_IN_FAILED,
            "user_account",
            resource_id=user.id if user else None,
            local_authority_id=user.local_authority_id if user else None,
            outcome=AuditOutcome.DENIED,
        )
        raise InvalidGrant()
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = await hash_in_thread(password)
    await throttle.forgive(session, attempt)
    pair = await start_session(session, settings, user, now)
    principal = principal_for(user, None)
    await record(
        session,
        principal.as_actor(),
        AuditAction.SIGN_IN,
        "user_account",
        resource_id=user.id,
        local_authority_id=user.local_authority_id,
    )
    return pair


async def change_password(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    address: str | None,
    now: datetime,
) -> CurrentPasswordWrong | None:
    """Check the current password, set the new one, and end every other sign-in of the account.

    A wrong current password is returned, not raised: the caller lets the unit of work commit the
    failed attempt (and its audit event) before answering, so parallel guesses cannot outrun the count.
    """
    user = await AuthRepository(session).user(principal.user_id)
    assert user is not None  # authentication just loaded it
    _check_password_changeable(user, principal)
    # Counted in this transaction, its counters locked until it commits: guesses take turns.
    attempt = await throttle.count_attempt(session, settings, throttle.Keys.of(user.email, address), now)
    if not await verify_password(user.password_hash, current_password):
        await record(
            session,
            principal.as_actor(),
            AuditAction.PASSWORD_CHANGE_FAILED,
            "user_account",
            resource_id=user.id,
            local_authority_id=user.local_authority_id,
            outcome=AuditOutcome.DENIED,
        )
        return CurrentPasswordWrong()
    problem = policy_problem(new_password, email=user.email)
    if problem is None and new_password == current_password:
        problem = "Choose a password different from your current one."
    if problem is not None:
        raise InvalidInput(problem, errors=[field_error("new_password", problem, code="password_policy")])
    user.password_hash = await hash_in_thread(new_password)
    await AuthRepository(session).revoke_user_sessions(
        user.id, now, "password_changed", keep=principal.session_id
    )
    await throttle.forgive(session, attempt)
    await record(
        session,
        principal.as_actor(),
        AuditAction.PASSWORD_CHANGED,
        "user_account",
        resource_id=user.id,
        local_authority_id=user.local_authority_id,
    )
    return None


def _check_password_changeable(user: UserAccount, principal: Principal) -> None:
    if principal.issuer is not None or principal.session_id is None or user.password_hash is None:
        raise NoLocalPassword()
    if user.is_demo:
        raise DemoAccount()


async def start_session(
    session: AsyncSession, settings: Settings, user: UserAccount, now: datetime
) -> TokenPair:
    auth_session = AuthSession(user_id=user.id, expires_at=now + timedelta(days=settings.refresh_token_days))
    session.add(auth_session)
    await session.flush()
    return await _issue(session, settings, user.id, auth_session, now)


async def _issue(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, auth_session: AuthSession, now: datetime
) -> TokenPair:
    refresh, digest = new_refresh_token()
    session.add(
        RefreshToken(session_id=auth_session.id, token_digest=digest, expires_at=auth_session.expires_at)
    )
    access = issue_access_token(settings, user_id, auth_session.id, now)
    return TokenPair(
        access_token=access, refresh_token=refresh, expires_in=settings.access_token_minutes * 60
    )


async def refresh_tokens(
    session: AsyncSession, settings: Settings, *, refresh_token: str, now: datetime
) -> TokenPair:
    """Rotate: the token is spent and a new one issued in the same family. A spent token coming back
    means it was stolen or leaked, so the whole family is revoked (RFC 9700 section 4.14.2)."""
    repo = AuthRepository(session)
    found = await repo.refresh_token(refresh_digest(refresh_token))
    refused = InvalidGrant("The refresh token is not valid: sign in again.")
    if found is None:
        raise refused
    token, auth_session = found
    if auth_session.revoked_at is not None or token.expires_at <= now or auth_session.expires_at <= now:
        raise refused
    if token.used_at is not None or not await repo.mark_used(token.id, now):
        _revoke_family_after_reuse(session, auth_session, now)
        raise refused
    user = await repo.user(auth_session.user_id)
    if user is None or not _may_sign_in(user, settings):
        raise refused
    pair = await _issue(session, settings, user.id, auth_session, now)
    await record(
        session,
        principal_for(user, auth_session.id).as_actor(),
        AuditAction.TOKEN_REFRESHED,
        "auth_session",
        resource_id=auth_session.id,
        local_authority_id=user.local_authority_id,
    )
    return pair


def _revoke_family_after_reuse(session: AsyncSession, auth_session: AuthSession, now: datetime) -> None:
    session_id, user_id = auth_session.id, auth_session.user_id

    async def revoke(fresh: AsyncSession) -> None:
        await AuthRepository(fresh).revoke_session(session_id, now, "refresh_token_reuse")

    after_rollback(session, revoke)
    record_even_if_rolled_back(
        session,
        Actor(id=user_id, kind="unknown", role=None, organisation=None),
        AuditAction.TOKEN_REUSE_DETECTED,
        "auth_session",
        resource_id=session_id,
        outcome=AuditOutcome.DENIED,
    )


async def sign_out(session: AsyncSession, principal: Principal, now: datetime) -> None:
    if principal.session_id is not None:
        await AuthRepository(session).revoke_session(principal.session_id, now, "signed_out")
    await record(
        session,
        principal.as_actor(),
        AuditAction.SIGN_OUT,
        "auth_session",
        resource_id=principal.session_id,
        local_authority_id=principal.local_authority_id,
    )


async def authenticate(
    session: AsyncSession, settings: Settings, jwks: JwksCache, token: str, now: datetime
) -> Principal:
    """The principal behind a bearer token: ours (checked against its live session) or a council IdP's."""
    issuer = unverified_issuer(token)
    if issuer is None:
        raise InvalidToken("The token cannot be read.")
    if issuer == settings.token_issuer:
        return await _authenticate_own(session, settings, token, now)
    external = next((i for i in settings.external_issuers if i.issuer == issuer), None)
    if external is None:
        raise InvalidToken("Tokens from this issuer are not accepted.")
    claims = await verify_external_token(jwks, external, token)
    value = claims.get(external.user_claim)
    user = await AuthRepository(session).user_by_email(value) if isinstance(value, str) else None
    if user is None or not _may_sign_in(user, settings):
        raise InvalidToken("No active account here matches this token.")
    if user.local_authority is None or user.local_authority.gss_code != external.local_authority:
        raise InvalidToken("This identity provider cannot sign in accounts of another council.")
    if user.kind is not SubjectKind.STAFF:
        # A council's identity provider is for its staff; young people and partners sign in here.
        raise InvalidToken("Only council staff sign in through their council's identity provider.")
    return principal_for(user, None, issuer=external.issuer)


async def _authenticate_own(
    session: AsyncSession, settings: Settings, token: str, now: datetime
) -> Principal:
    try:
        claims = decode_access_token(settings, token)
        user_id, session_id = uuid.UUID(claims["sub"]), uuid.UUID(claims["sid"])
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("The token has expired: refresh it or sign in again.") from exc
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise InvalidToken("The token is not valid for this service.") from exc
    repo = AuthRepository(session)
    found = await repo.user_with_live_session(user_id, session_id, now)
    if found is None or not _may_sign_in(found[0], settings):
        raise InvalidToken("The token has been revoked: sign in again.")
    user, last_seen = found
    if last_seen <= now - SEEN_EVERY:
        # Committed with the request (a refused request forgets it); a parallel one finds it done.
        await repo.mark_seen(session_id, now, before=now - SEEN_EVERY)
    return principal_for(user, session_id)
