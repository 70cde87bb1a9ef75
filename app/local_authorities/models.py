from __future__ import annotations

import uuid

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, IdMixin
from app.local_authorities.enums import AuthorityKind, DistrictKind


class LocalAuthority(IdMixin, Base):
    """A council with children's services: the corporate parent of its care leavers."""

    __tablename__ = "local_authority"

    gss_code: Mapped[str] = mapped_column(String(9), unique=True)  # ONS Government Statistical Service code
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[AuthorityKind] = mapped_column(
        Enum(AuthorityKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    dfe_la_number: Mapped[int] = mapped_column(unique=True)  # DfE local authority number, used in SSDA903
    website: Mapped[str] = mapped_column(String(200))
    # So a young person can always reach someone: the leaving care duty line, and out of hours.
    duty_phone: Mapped[str | None] = mapped_column(String(32))
    out_of_hours_phone: Mapped[str | None] = mapped_column(String(32))

    districts: Mapped[list[District]] = relationship(
        back_populates="local_authority", lazy="raise", order_by="District.name"
    )

    @property
    def collects_council_tax(self) -> bool:
        return self.kind is AuthorityKind.UNITARY


class District(IdMixin, Base):
    """A district or borough council inside a two-tier county: the billing authority for council tax."""

    __tablename__ = "district"

    gss_code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    council_name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[DistrictKind] = mapped_column(
        Enum(DistrictKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"), index=True)

    local_authority: Mapped[LocalAuthority] = relationship(back_populates="districts", lazy="raise")
