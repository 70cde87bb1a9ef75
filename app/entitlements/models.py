"""The Local Offer as data: versions of each council's offer, and the entitlements in each version.

A published version is never changed: editing makes a draft, and publishing the draft makes it the
new current version, so "what did the offer say on 1 May 2024?" always has the answer it had.
Rules, dated parameters and sources are JSON validated by the rules engine before they are saved.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utc_now
from app.db.base import Base, IdMixin
from app.entitlements.enums import Basis, Category, OfferStatus, ProviderKind


def _enum(cls: type[Any]) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class OfferVersion(IdMixin, Base):
    __tablename__ = "offer_version"
    __table_args__ = (
        # Numbers are taken when a draft starts: two drafts started at once collide here (409).
        UniqueConstraint("local_authority_id", "number"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)
    number: Mapped[int]
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus))
    notes: Mapped[str] = mapped_column(Text, default="")  # what changed, in the council's words
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    published_at: Mapped[datetime | None]

    entitlements: Mapped[list[Entitlement]] = relationship(
        back_populates="offer_version",
        lazy="raise",
        order_by="Entitlement.position",
        cascade="all, delete-orphan",
    )


class Entitlement(IdMixin, Base):
    """One entitlement as one version of the offer describes it."""

    __tablename__ = "entitlement"
    __table_args__ = (UniqueConstraint("offer_version_id", "code"),)

    offer_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offer_version.id", ondelete="CASCADE"))
    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)
    code: Mapped[str] = mapped_column(String(80))  # stable across versions: "council-tax-exemption"
    position: Mapped[int]  # the council's order in its offer
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)  # plain English for a 16-25-year-old
    category: Mapped[Category] = mapped_column(_enum(Category))
    basis: Mapped[Basis] = mapped_column(_enum(Basis))
    provider_kind: Mapped[ProviderKind] = mapped_column(_enum(ProviderKind))
    provider_name: Mapped[str] = mapped_column(String(160))
    how_to_claim: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)  # app.entitlements.rules.language
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)  # dated values, each with its source
    amount: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"parameter", "period", "qualifier"}
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # id, citation, document, last_checked
    available_from: Mapped[date | None] = mapped_column(Date)
    withdrawn_from: Mapped[date | None] = mapped_column(Date)

    offer_version: Mapped[OfferVersion] = relationship(back_populates="entitlements", lazy="raise")
