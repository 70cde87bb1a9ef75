from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.enums import PartnerKind, SubjectKind
from app.core.clock import utc_now
from app.db.base import Base, IdMixin, TimestampMixin
from app.local_authorities.models import LocalAuthority


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Team(IdMixin, TimestampMixin, Base):
    """A team of personal advisers and its manager, inside one council."""

    __tablename__ = "team"
    __table_args__ = (Index("uq_team_local_authority_name", "local_authority_id", "name", unique=True),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    name: Mapped[str] = mapped_column(String(120))
    duty_phone: Mapped[str | None] = mapped_column(String(32))


class PartnerOrganisation(IdMixin, TimestampMixin, Base):
    """An organisation a council shares narrow data with: a district council, a university, a housing provider.

    It belongs to the council that shares with it, so tenant isolation holds for partners too.
    """

    __tablename__ = "partner_organisation"
    __table_args__ = (
        Index("uq_partner_organisation_local_authority_name", "local_authority_id", "name", unique=True),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[PartnerKind] = mapped_column(_enum(PartnerKind))
    # For a district council: the GSS code of the district it collects council tax in.
    district_gss_code: Mapped[str | None] = mapped_column(String(9))


class UserAccount(IdMixin, TimestampMixin, Base):
    """Anyone who signs in: staff, a partner's system or officer, or a care leaver."""

    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[SubjectKind] = mapped_column(_enum(SubjectKind))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: signs in only through an IdP
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Demo accounts sign in only in demo mode, whatever their password.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    local_authority_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("local_authority.id"), index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"), index=True)
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner_organisation.id"))
    # The care-leaver record this account belongs to (no FK here: that table is a higher layer's).
    care_leaver_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    job_title: Mapped[str | None] = mapped_column(String(120))
    # For advisers: when they work, as they would tell a young person ("Monday to Thursday, 9 to 5").
    working_pattern: Mapped[str | None] = mapped_column(String(200))

    local_authority: Mapped[LocalAuthority | None] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")
    partner_organisation: Mapped[PartnerOrganisation | None] = relationship(lazy="raise")


class AuthSession(IdMixin, Base):
    """One sign-in and the family of refresh tokens rotated from it. Revoking it ends them all."""

    __tablename__ = "auth_session"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(64))
    # When a request last came with one of its access tokens, to within SEEN_EVERY (app/auth/service.py):
    # a write at most every few minutes per sign-in, not one per request. None: not since it began.
    last_seen_at: Mapped[datetime | None]


class RefreshToken(IdMixin, Base):
    """A single-use refresh token, stored as a SHA-256 digest (the token itself is never stored)."""

    __tablename__ = "refresh_token"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_session.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SignInThrottle(Base):
    """Recent failed attempts under one key: an account from one address, an account from anywhere, or
    an address (app/auth/throttle.py). Keys are digests, never what was typed or the address itself."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    # The latest failure: the wait runs from it, and the row is forgotten (pruned) long after it.
    last_failure_at: Mapped[datetime] = mapped_column(index=True)


class AccountInvitation(IdMixin, Base):
    """A single-use code that lets a young person choose the password of the app account made for them.

    Only its SHA-256 digest is stored (the code has 100 random bits, so a fast hash is enough); the code
    itself is shown once, to the member of staff who passes it on.
    """

    __tablename__ = "account_invitation"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    local_authority_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("local_authority.id"))
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column()  # no FK: the record outlives staff accounts
    issued_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # Set when a newer invitation replaces it: only the latest one works.
    revoked_at: Mapped[datetime | None]


class PartnerAgreement(IdMixin, Base):
    """What a partner organisation may use the service for (a purpose, such as `status_check`, for the
    entitlements named), as the council's data-sharing agreement with it says. Recorded by the council's
    admin; ending it (or recording a new one for the same purpose) takes effect at once."""

    __tablename__ = "partner_agreement"
    __table_args__ = (
        # At most one agreement in force per organisation and purpose.
        Index(
            "uq_partner_agreement_in_force",
            "partner_organisation_id",
            "purpose",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
            sqlite_where=text("ended_at IS NULL"),
        ),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    partner_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partner_organisation.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    entitlement_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The council's own reference for the signed agreement (its data-sharing agreement register).
    reference: Mapped[str | None] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column()  # no FK: the record outlives staff accounts
    ended_at: Mapped[datetime | None]


class PartnerClient(IdMixin, Base):
    """A partner's system that signs in with OAuth 2.0 client credentials (app/auth/clients.py).

    Its `id` is the client id. It acts through an account of its own (kind partner, role partner, no
    password), so its tokens are ordinary access tokens with a live session that revocation ends. Secrets
    have 256 random bits, so a SHA-256 digest is stored (as for refresh tokens), never the secret.
    """

    __tablename__ = "partner_client"

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    partner_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_organisation.id"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    # The purposes this client may use: within its organisation's agreements in force, checked each time.
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret_digest: Mapped[str] = mapped_column(String(64))
    # After a rotation with a grace period, the previous secret still works until then.
    previous_secret_digest: Mapped[str | None] = mapped_column(String(64))
    previous_secret_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    secret_rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # A signed client assertion (RFC 7523, `private_key_jwt`) is checked against this public JWK.
    public_key: Mapped[dict[str, str] | None] = mapped_column(JSON)
    public_key_set_at: Mapped[datetime | None]


class UsedClientAssertion(Base):
    """A signed client assertion's `jti`, kept until the assertion expires so it is used only once
    (RFC 7523 s3 item 7). `python -m app prune` deletes the expired ones."""

    __tablename__ = "used_client_assertion"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partner_client.id"), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
