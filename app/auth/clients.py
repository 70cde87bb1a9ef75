"""Partner agreements, and partner systems signing in with OAuth 2.0 client credentials (RFC 6749 s4.4).

A partner organisation may use the service only for the purposes its agreement with the council covers
(`status_check` for named entitlements...), as the council's admin records them. Its systems sign in as
clients: a client id and secret, each client bound to one organisation and to purposes within that
organisation's agreements (both checked at every use, so ending an agreement takes effect at once).

A client acts through an account of its own (kind partner, role partner, no password), so its access
tokens are our ordinary short-lived tokens, each with a session of its own (no refresh token: the client
simply asks again, RFC 6749 s4.4.3), and revoking the client ends them at once. Secrets have 256 random
bits, so a SHA-256 digest is stored, as for refresh tokens; the secret is shown once.

Rotation gives a new secret; the old one goes on working for a grace period the admin chooses (default an
hour, at most a week) so the partner can deploy the new one without an outage, or stops at once (0), and
then the tokens already issued stop too. Failed client sign-ins are slowed like password sign-ins.

Instead of a secret, a client may sign in with a signed client assertion (RFC 7523; OpenID Connect's
`private_key_jwt`): the admin registers the client's public key (EC P-256 or RSA), the algorithm is fixed
by the key's type, and each assertion's `jti` is kept until it expires so it is accepted once. Replacing
the key stops the old one, and the client's tokens, at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.service import ANONYMOUS, Actor, record, record_even_if_rolled_back
from app.auth import throttle
from app.auth.client_repository import PartnerAccessRepository
from app.auth.client_schemas import ClientPublicKey, PartnerAgreementCreate, PartnerClientCreate
from app.auth.enums import PartnerPurpose, Role, SubjectKind
from app.auth.errors import (
    ClientRevoked,
    InvalidClient,
    PartnerClientNotFound,
    PartnerNotFound,
    PurposeNotAgreed,
)
from app.auth.models import (
    AuthSession,
    PartnerAgreement,
    PartnerClient,
    PartnerOrganisation,
    UsedClientAssertion,
    UserAccount,
)
from app.auth.principal import Principal
from app.auth.repository import AuthRepository, principal_for
from app.auth.tokens import issue_access_token
from app.core.errors import InvalidInput, field_error
from app.core.settings import Settings
from app.core.types import uuid7
from app.db.session import Database, insert_or_raise

NO_PARTNER = "No partner organisation with that id in your council."
NO_CLIENT = "No client with that id belongs to this partner organisation."
SECRET_PREFIX = "pcs_"  # recognisable in a secret scanner's rules and in logs someone pasted
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"  # RFC 7523 s2.2
# An assertion may be valid for at most this long from now, so the used `jti`s kept are few.
ASSERTION_MAX_LIFETIME = timedelta(minutes=5)
ASSERTION_LEEWAY = timedelta(seconds=30)  # for the partner's clock
_ALGORITHM = {"EC": "ES256", "RSA": "RS256"}  # fixed by the key: never what the assertion's header says


def new_secret() -> tuple[str, str]:
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    return secret, secret_digest(secret)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ClientToken:
    access_token: str
    expires_in: int
    scope: str


# Managing agreements and clients: the council's admin, for its own partner organisations.


async def _organisation(
    session: AsyncSession, principal: Principal, organisation_id: uuid.UUID
) -> PartnerOrganisation:
    partner = await AuthRepository(session).partner_organisation(organisation_id)
    if partner is None or partner.local_authority_id != principal.local_authority_id:
        raise PartnerNotFound(NO_PARTNER)
    return partner


async def list_agreements(
    session: AsyncSession, principal: Principal, organisation_id: uuid.UUID
) -> list[PartnerAgreement]:
    partner = await _organisation(session, principal, organisation_id)
    return await PartnerAccessRepository(session).agreements(partner.id)


async def record_agreement(
    session: AsyncSession,
    principal: Principal,
    organisation_id: uuid.UUID,
    body: PartnerAgreementCreate,
    now: datetime,
) -> PartnerAgreement:
    partner = await _organisation(session, principal, organisation_id)
    repo = PartnerAccessRepository(session)
    replaced = await repo.end_agreement(partner.id, body.purpose.value, now)
    agreement = PartnerAgreement(
        local_authority_id=partner.local_authority_id,
        partner_organisation_id=partner.id,
        purpose=body.purpose.value,
        entitlement_codes=sorted(set(body.entitlement_codes)),
        reference=body.reference,
        recorded_at=now,
        recorded_by=principal.user_id,
    )
    session.add(agreement)
    await session.flush()
    await record(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "partner_agreement",
        resource_id=agreement.id,
        local_authority_id=partner.local_authority_id,
        details={"purpose": agreement.purpose, "replaced": replaced, "partner_organisation": str(partner.id)},
    )
    return agreement


async def end_agreement(
    session: AsyncSession,
    principal: Principal,
    organisation_id: uuid.UUID,
    purpose: PartnerPurpose,
    now: datetime,
) -> None:
    partner = await _organisation(session, principal, organisation_id)
    if not await PartnerAccessRepository(session).end_agreement(partner.id, purpose.value, now):
        raise PartnerNotFound(f"{partner.name} has no agreement in force for {purpose.value}.")
    await record(
        session,
        principal.as_actor(),
        AuditAction.DELETE,
        "partner_agreement",
        resource_id=partner.id,
        local_authority_id=partner.local_authority_id,
        details={"purpose": purpose.value},
    )


async def list_clients(
    session: AsyncSession, principal: Principal, organisation_id: uuid.UUID
) -> list[PartnerClient]:
    partner = await _organisation(session, principal, organisation_id)
    return await PartnerAccessRepository(session).clients(partner.id)


async def create_client(
    session: AsyncSession,
    principal: Principal,
    organisation_id: uuid.UUID,
    body: PartnerClientCreate,
    now: datetime,
) -> tuple[PartnerClient, str]:
    """A new client and its secret (returned once)."""
    partner = await _organisation(session, principal, organisation_id)
    client_id = uuid7()
    account = UserAccount(
        email=f"client-{client_id}@partner-clients.invalid",  # never a mailbox: `.invalid` (RFC 2606)
        display_name=body.name,
        kind=SubjectKind.PARTNER,
        roles=[Role.PARTNER.value],
        password_hash=None,
        local_authority_id=partner.local_authority_id,
        partner_organisation_id=partner.id,
    )
    session.add(account)
    await session.flush()
    secret, digest = new_secret()
    client = PartnerClient(
        id=client_id,
        local_authority_id=partner.local_authority_id,
        partner_organisation_id=partner.id,
        user_id=account.id,
        name=body.name,
        purposes=sorted({p.value for p in body.purposes}),
        secret_digest=digest,
        created_at=now,
        created_by=principal.user_id,
    )
    session.add(client)
    await session.flush()
    await _record_client(session, principal, AuditAction.CREATE, client)
    return client, secret


async def _managed_client(
    session: AsyncSession, principal: Principal, organisation_id: uuid.UUID, client_id: uuid.UUID
) -> PartnerClient:
    partner = await _organisation(session, principal, organisation_id)
    client = await PartnerAccessRepository(session).client(client_id)
    if client is None or client.partner_organisation_id != partner.id:
        raise PartnerClientNotFound(NO_CLIENT)
    return client


async def rotate_secret(
    session: AsyncSession,
    principal: Principal,
    organisation_id: uuid.UUID,
    client_id: uuid.UUID,
    *,
    previous_valid_minutes: int,
    now: datetime,
) -> tuple[PartnerClient, str]:
    client = await _managed_client(session, principal, organisation_id, client_id)
    if client.revoked_at is not None:
        raise ClientRevoked()
    secret, digest = new_secret()
    if previous_valid_minutes > 0:
        client.previous_secret_digest = client.secret_digest
        client.previous_secret_expires_at = now + timedelta(minutes=previous_valid_minutes)
    else:
        # The old secret may have leaked: it, and every token issued with it, stop now.
        client.previous_secret_digest = None
        client.previous_secret_expires_at = None
        await AuthRepository(session).revoke_user_sessions(client.user_id, now, "client_secret_rotated")
    client.secret_digest = digest
    client.secret_rotated_at = now
    await session.flush()
    await _record_client(
        session,
        principal,
        AuditAction.UPDATE,
        client,
        {"previous_secret_valid_minutes": previous_valid_minutes},
    )
    return client, secret


async def revoke_client(
    session: AsyncSession,
    principal: Principal,
    organisation_id: uuid.UUID,
    client_id: uuid.UUID,
    now: datetime,
) -> None:
    """The client stops at once: its secrets and every token it holds."""
    client = await _managed_client(session, principal, organisation_id, client_id)
    if client.revoked_at is None:
        client.revoked_at = now
        client.previous_secret_digest = None
        client.previous_secret_expires_at = None
    account = await AuthRepository(session).user(client.user_id)
    if account is not None:
        account.is_active = False
    await AuthRepository(session).revoke_user_sessions(client.user_id, now, "client_revoked")
    await session.flush()
    await _record_client(session, principal, AuditAction.DELETE, client)


async def _record_client(
    session: AsyncSession,
    principal: Principal,
    action: AuditAction,
    client: PartnerClient,
    details: dict[str, object] | None = None,
) -> None:
    await record(
        session,
        principal.as_actor(),
        action,
        "partner_client",
        resource_id=client.id,
        local_authority_id=client.local_authority_id,
        details={"partner_organisation": str(client.partner_organisation_id), **(details or {})},
    )


async def set_public_key(
    session: AsyncSession,
    principal: Principal,
    organisation_id: uuid.UUID,
    client_id: uuid.UUID,
    body: ClientPublicKey,
    now: datetime,
) -> PartnerClient:
    """Register (or replace) the public key the client's signed assertions are checked against. The old
    key stops at once, and so do the tokens already issued to the client (it simply asks again)."""
    client = await _managed_client(session, principal, organisation_id, client_id)
    if client.revoked_at is not None:
        raise ClientRevoked()
    jwk = body.model_dump(exclude_none=True, exclude={"key_ops"})
    try:
        key = jwt.PyJWK(jwk, algorithm=_ALGORITHM[body.kty]).key
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidInput("That is not a usable public key.", errors=[field_error("kty", str(exc))]) from exc
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        raise InvalidInput(
            "An RSA key must have at least 2048 bits.", errors=[field_error("n", "fewer than 2048 bits")]
        )
    replaced = client.public_key is not None
    client.public_key = jwk
    client.public_key_set_at = now
    if replaced:
        await AuthRepository(session).revoke_user_sessions(client.user_id, now, "client_key_replaced")
    await session.flush()
    await _record_client(
        session, principal, AuditAction.UPDATE, client, {"public_key": jwk.get("kid") or jwk["kty"]}
    )
    return client


# Signing in as a client.


def _secret_matches(client: PartnerClient, secret: str, now: datetime) -> bool:
    digest = secret_digest(secret)
    if hmac.compare_digest(digest, client.secret_digest):
        return True
    previous, until = client.previous_secret_digest, client.previous_secret_expires_at
    return (
        previous is not None and until is not None and until > now and hmac.compare_digest(digest, previous)
    )


async def sign_in_with_client(
    session: AsyncSession,
    database: Database,
    settings: Settings,
    *,
    client_id: str,
    client_secret: str,
    address: str | None,
    now: datetime,
) -> ClientToken:
    # Counted before the secret is checked, as for passwords (app/auth/throttle.py).
    attempt = await throttle.reserve(
        database, settings, throttle.Keys.of("client:" + client_id, address), now
    )
    client, account = await _live_client(session, client_id)
    if client is None or account is None or not _secret_matches(client, client_secret, now):
        _refuse(session, client, account)
    return await _issue(session, settings, attempt, client, account, now)


async def sign_in_with_assertion(
    session: AsyncSession,
    database: Database,
    settings: Settings,
    *,
    assertion: str,
    client_id: str | None,
    address: str | None,
    now: datetime,
) -> ClientToken:
    """A signed client assertion (RFC 7523 s2.2 and s3; OpenID Connect `private_key_jwt`): a JWT with
    `iss` and `sub` the client id, `aud` this token endpoint, `exp` at most five minutes ahead and a
    `jti` never used before, signed with the private key matching the client's registered public key."""
    try:
        claimed = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        claimed = {}
    issuer = claimed.get("iss")
    if not isinstance(issuer, str) or len(issuer) > 64 or (client_id is not None and client_id != issuer):
        issuer = client_id or ""
        claimed = {}
    attempt = await throttle.reserve(database, settings, throttle.Keys.of("client:" + issuer, address), now)
    client, account = await _live_client(session, issuer)
    claims = _verified(assertion, client, settings, now) if claimed and client is not None else None
    if client is None or account is None or claims is None:
        _refuse(session, client, account)
    used = UsedClientAssertion(client_id=client.id, jti=claims[0], expires_at=claims[1])
    try:
        await insert_or_raise(session, used, InvalidClient())
    except InvalidClient:
        _refuse(session, client, account)
    return await _issue(session, settings, attempt, client, account, now)


def _verified(
    assertion: str, client: PartnerClient, settings: Settings, now: datetime
) -> tuple[str, datetime] | None:
    """The assertion's `jti` and expiry if it is signed with the client's key and its claims are right."""
    jwk = client.public_key
    if jwk is None or jwk.get("kty") not in _ALGORITHM:
        return None
    algorithm = _ALGORITHM[jwk["kty"]]
    audience = settings.public_base_url.rstrip("/") + "/v1/auth/token"
    try:
        claims: dict[str, object] = jwt.decode(
            assertion,
            jwt.PyJWK(jwk, algorithm=algorithm).key,
            algorithms=[algorithm],
            audience=audience,
            issuer=str(client.id),
            # Times are checked below against our clock (`now`), not pyjwt's.
            options={
                "require": ["iss", "sub", "aud", "exp", "jti"],
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    exp, nbf, jti = claims.get("exp"), claims.get("nbf"), claims.get("jti")
    if claims.get("sub") != str(client.id) or not isinstance(jti, str) or not 0 < len(jti) <= 255:
        return None
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        return None
    expires = datetime.fromtimestamp(exp, UTC)
    if expires <= now - ASSERTION_LEEWAY or expires > now + ASSERTION_MAX_LIFETIME + ASSERTION_LEEWAY:
        return None
    if nbf is not None and (
        not isinstance(nbf, int | float) or datetime.fromtimestamp(nbf, UTC) > now + ASSERTION_LEEWAY
    ):
        return None
    return jti, expires


async def _live_client(
    session: AsyncSession, client_id: str
) -> tuple[PartnerClient | None, UserAccount | None]:
    """The client and its account, or Nones for an unknown, revoked or disabled one."""
    client = await _client_by_public_id(session, client_id)
    account = await AuthRepository(session).user(client.user_id) if client is not None else None
    if client is None or account is None or client.revoked_at is not None or not account.is_active:
        return client, None
    return client, account


def _refuse(session: AsyncSession, client: PartnerClient | None, account: UserAccount | None) -> NoReturn:
    record_even_if_rolled_back(
        session,
        Actor(id=account.id, kind=account.kind.value, role=None, organisation=None) if account else ANONYMOUS,
        AuditAction.SIGN_IN_FAILED,
        "partner_client",
        resource_id=client.id if client else None,
        local_authority_id=client.local_authority_id if client else None,
        outcome=AuditOutcome.DENIED,
    )
    raise InvalidClient()


async def _issue(
    session: AsyncSession,
    settings: Settings,
    attempt: throttle.Attempt,
    client: PartnerClient,
    account: UserAccount,
    now: datetime,
) -> ClientToken:
    await throttle.forgive(session, attempt)
    auth_session = AuthSession(
        user_id=account.id, expires_at=now + timedelta(minutes=settings.access_token_minutes)
    )
    session.add(auth_session)
    await session.flush()
    token = issue_access_token(settings, account.id, auth_session.id, now)
    await record(
        session,
        principal_for(account, auth_session.id).as_actor(),
        AuditAction.SIGN_IN,
        "partner_client",
        resource_id=client.id,
        local_authority_id=client.local_authority_id,
    )
    return ClientToken(
        access_token=token, expires_in=settings.access_token_minutes * 60, scope=" ".join(client.purposes)
    )


async def prune(session: AsyncSession, now: datetime) -> int:
    """Forget used assertion ids whose assertions have expired (they could not be replayed anyway)."""
    return await PartnerAccessRepository(session).prune_used_assertions(now - ASSERTION_LEEWAY)


async def _client_by_public_id(session: AsyncSession, client_id: str) -> PartnerClient | None:
    try:
        parsed = uuid.UUID(client_id)
    except ValueError:
        return None
    return await PartnerAccessRepository(session).client(parsed)


# Using a purpose.


async def agreement_for(
    session: AsyncSession, principal: Principal, purpose: PartnerPurpose
) -> PartnerAgreement:
    """The caller's organisation's agreement in force for `purpose`; for a client, only if the client
    was given that purpose too. 403 otherwise."""
    if principal.partner_organisation_id is None:
        raise PurposeNotAgreed("Only a partner organisation's accounts and clients can do this.")
    agreement, client = await PartnerAccessRepository(session).agreement_in_force(
        principal.partner_organisation_id, purpose.value, principal.user_id
    )
    if agreement is None:
        raise PurposeNotAgreed(
            f"Your organisation's agreement with the council does not cover {purpose.value}."
        )
    if client is not None and purpose.value not in client.purposes:
        raise PurposeNotAgreed(f"This client was not given {purpose.value}.")
    return agreement
