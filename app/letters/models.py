"""Councils' letter-signing keys and the status letters signed with them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base, IdMixin


class LetterSigningKey(IdMixin, Base):
    """One council's ES256 key pair. The private key is kept sealed (AES-SIV under a key derived from
    the service's secret key); the public key is published at /.well-known/jwks.json while any letter
    it signed may still be unexpired. Keys are never deleted, so an old letter still reads as expired
    rather than forged."""

    __tablename__ = "letter_signing_key"
    __table_args__ = (
        # One current key per council: rotation retires the old one in the same transaction.
        Index(
            "uq_letter_signing_key_current",
            "local_authority_id",
            unique=True,
            postgresql_where=text("retired_at IS NULL"),
            sqlite_where=text("retired_at IS NULL"),
        ),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    retired_at: Mapped[datetime | None]


class StatusLetter(IdMixin, Base):
    """A letter as issued: its id is the token's `jti`. The token itself is kept so the printable page
    shows the very letter that was signed (an ECDSA signature differs every time)."""

    __tablename__ = "status_letter"
    __table_args__ = (Index("ix_status_letter_person", "care_leaver_id", "issued_at"),)

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id", ondelete="CASCADE"))
    kid: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(40))
    statement: Mapped[str] = mapped_column(Text)
    token: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(default=utc_now)
    issued_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
