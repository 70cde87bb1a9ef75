"""Stored decisions: for each care leaver and entitlement, a timeline of the engine's answers.

A row says what the engine answered on every day from `valid_from` to `valid_to` (inclusive; None:
from then on, as far as anything recorded today can tell). A person's rows for one entitlement never
overlap and leave no gaps inside the timeline, so "the answer on day D" is one indexed range lookup.
The timeline is regenerated whole, in the same unit of work, whenever the record, its circumstances
or the council's offer change; time passing needs nothing, because the dates on which an answer
changes by itself (a birthday, a course end, a dated amount) are already segment boundaries.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.db.base import Base, IdMixin


class EntitlementDecision(IdMixin, Base):
    """The engine's answer for one entitlement, for one young person, over a period of days."""

    __tablename__ = "entitlement_decision"
    __table_args__ = (
        # "Who in this district is eligible for X on day D" (the district lists), and without the
        # district (an admin's whole council) on the index's first two columns.
        Index(
            "ix_entitlement_decision_council",
            "local_authority_id",
            "entitlement_code",
            "district_gss_code",
            "valid_from",
        ),
        # One person's answers on day D, and their timeline.
        Index("ix_entitlement_decision_person", "care_leaver_id", "entitlement_code", "valid_from"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id", ondelete="CASCADE"))
    entitlement_code: Mapped[str] = mapped_column(String(80))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(String(16))  # eligible, not_eligible, unknown
    amount_pence: Mapped[int | None]
    offer_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offer_version.id"))
    offer_version: Mapped[int]
    # Where they lived on those days (the residence circumstance): council tax is granted by the
    # billing authority where someone lives, so the district lists select on it.
    district_gss_code: Mapped[str | None] = mapped_column(String(9))
    missing_facts: Mapped[list[str]] = mapped_column(JSON)
    # The engine's reasons in brief: [code, result] for each, in the engine's order.
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    # When the row was written: a regeneration that finds the same answer leaves the row, and this, as
    # they are (`bulk.replace` writes only the rows that differ).
    computed_at: Mapped[datetime] = mapped_column(default=utc_now)


class StatusPeriod(IdMixin, Base):
    """The record's leaving-care status over a period of days (None: the history cannot tell)."""

    __tablename__ = "legal_status_period"
    __table_args__ = (
        Index("ix_legal_status_period_person", "care_leaver_id", "valid_from"),
        Index("ix_legal_status_period_council", "local_authority_id", "valid_from"),
    )

    local_authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("local_authority.id"))
    care_leaver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_leaver.id", ondelete="CASCADE"))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    status: Mapped[str | None] = mapped_column(String(40))
    computed_at: Mapped[datetime] = mapped_column(default=utc_now)
