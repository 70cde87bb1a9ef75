"""Invitations: how a young person chooses the password of the app account staff made for them.

Creating the account issues a code, shown once to the member of staff, who passes it on (by text, on
paper, read out). The young person redeems it with a password of their own, so no adviser ever knows
it. A code works once, for `invitation_days`; issuing a new one (an administrator, e.g. for a forgotten
password) makes the old one useless. Redemption is public and throttled like sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.service import ANONYMOUS, Concerned, record_about, record_even_if_rolled_back
from app.auth import throttle
from app.auth.enums import SubjectKind
from app.auth.errors import InvalidInvitation, NotInvitable, UserNotFound
from app.auth.models import AccountInvitation, UserAccount
from app.auth.passwords import hash_in_thread, policy_problem
from app.auth.policy import may_manage_account
from app.auth.principal import Principal
from app.auth.repository import AuthRepository, InvitationRepository, principal_for, roles_of
from app.auth.service import TokenPair, start_session
from app.core.errors import InvalidInput, field_error
from app.core.settings import Settings
from app.db.session import Database

# Crockford's base32: no I, L, O or U, so a code read out or copied by hand survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 20  # 100 random bits
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    code: str  # shown once; only its digest is kept
    expires_at: datetime


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _LENGTH, 4))


def code_digest(code: str) -> str:
    """The digest of a code as typed: case, spaces, dashes and look-alike letters do not matter."""
    normalised = "".join(c for c in code.upper().translate(_LOOKALIKES) if c.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def people_concerned(user: UserAccount) -> list[Concerned]:
    """The young person whose account it is (their access log shows it); staff accounts concern nobody."""
    if user.care_leaver_id is None or user.local_authority_id is None:
        return []
    return [Concerned(user.care_leaver_id, user.local_authority_id)]


async def issue(
    session: AsyncSession, settings: Settings, principal: Principal, user: UserAccount, now: datetime
) -> IssuedInvitation:
    """A new invitation for `user`; any earlier one that is still open stops working."""
    repo = InvitationRepository(session)
    await repo.revoke_open(user.id, now)
    code = _new_code()
    invitation = AccountInvitation(
        user_id=user.id,
        local_authority_id=user.local_authority_id,
        code_digest=code_digest(code),
        issued_by_id=principal.user_id,
        issued_at=now,
        expires_at=now + timedelta(days=settings.invitation_days),
    )
    session.add(invitation)
    await session.flush()
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "account_invitation",
        people_concerned(user),
        resource_id=invitation.id,
        local_authority_id=user.local_authority_id,
    )
    return IssuedInvitation(code=code, expires_at=invitation.expires_at)


async def reissue(
    session: AsyncSession, settings: Settings, principal: Principal, user_id: uuid.UUID, now: datetime
) -> IssuedInvitation:
    """An administrator's new invitation for a young person's account (the old code dies)."""
    user = await AuthRepository(session).user(user_id)
    if user is None or not may_manage_account(principal, user.local_authority_id, roles_of(user)):
        raise UserNotFound("No account with that id is yours to manage.")
    if user.kind is not SubjectKind.CARE_LEAVER or user.is_demo:
        raise NotInvitable()
    return await issue(session, settings, principal, user, now)


async def redeem(
    session: AsyncSession,
    database: Database,
    settings: Settings,
    *,
    code: str,
    password: str,
    address: str | None,
    now: datetime,
) -> TokenPair:
    """Set the account's password from a valid code, end its other sign-ins, and sign the young person in."""
    _check_policy(password, email=None)  # before the attempt is counted: a weak password is no guess
    digest = code_digest(code)
    keys = throttle.Keys.of("invitation:" + digest, address)
    attempt = await throttle.reserve(database, settings, keys, now)
    # Hashed before the request's session holds a database connection (see sign_in_with_password).
    password_hash = await hash_in_thread(password)
    invitation, user = await _spend(session, digest, now)
    # Refused with the rest rolled back, so the code still works with a better password.
    _check_policy(password, email=user.email)
    user.password_hash = password_hash
    await AuthRepository(session).revoke_user_sessions(user.id, now, "password_set_from_invitation")
    await throttle.forgive(session, attempt)
    pair = await start_session(session, settings, user, now)
    await record_about(
        session,
        principal_for(user, None).as_actor(),
        AuditAction.PASSWORD_CHANGED,
        "user_account",
        people_concerned(user),
        resource_id=user.id,
        local_authority_id=user.local_authority_id,
        details={"via": "invitation", "invitation_id": str(invitation.id)},
    )
    return pair


async def _spend(session: AsyncSession, digest: str, now: datetime) -> tuple[AccountInvitation, UserAccount]:
    """The invitation with this digest and its account, the invitation now used; or one refusal for every
    reason it cannot be (unknown, used, replaced, expired, account deactivated)."""
    repo = InvitationRepository(session)
    invitation = await repo.by_digest(digest)
    user = await AuthRepository(session).user(invitation.user_id) if invitation else None
    if invitation is None or user is None or not user.is_active or not await repo.use(invitation.id, now):
        record_even_if_rolled_back(
            session,
            ANONYMOUS,
            AuditAction.PASSWORD_CHANGE_FAILED,
            "account_invitation",
            outcome=AuditOutcome.DENIED,
        )
        raise InvalidInvitation()
    return invitation, user


def _check_policy(password: str, *, email: str | None) -> None:
    problem = policy_problem(password, email=email)
    if problem is not None:
        raise InvalidInput(problem, errors=[field_error("password", problem, code="password_policy")])


async def prune(session: AsyncSession, now: datetime) -> int:
    return await InvitationRepository(session).prune(now)
