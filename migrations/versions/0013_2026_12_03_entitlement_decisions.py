"""Stored decisions: each care leaver's timeline of the engine's answers, and of their legal status.

The tables start empty: `python -m app migrate` then stores the decisions of everyone who has none.
The council index leads with the district: a district's list on a date is one index range.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "entitlement_decision",
        *_person_columns(),
        sa.Column("entitlement_code", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=True),
        sa.Column("offer_version_id", sa.Uuid(), nullable=False),
        sa.Column("offer_version", sa.Integer(), nullable=False),
        sa.Column("district_gss_code", sa.String(length=9), nullable=True),
        sa.Column("missing_facts", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_entitlement_decision_care_leaver_id_care_leaver"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_entitlement_decision_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_version_id"],
            ["offer_version.id"],
            name=op.f("fk_entitlement_decision_offer_version_id_offer_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlement_decision")),
    )
    with op.batch_alter_table("entitlement_decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_entitlement_decision_council",
            ["local_authority_id", "entitlement_code", "district_gss_code", "valid_from"],
            unique=False,
        )
        batch_op.create_index(
            "ix_entitlement_decision_person",
            ["care_leaver_id", "entitlement_code", "valid_from"],
            unique=False,
        )
    op.create_table(
        "legal_status_period",
        *_person_columns(),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_legal_status_period_care_leaver_id_care_leaver"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_legal_status_period_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_status_period")),
    )
    with op.batch_alter_table("legal_status_period", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_status_period_council", ["local_authority_id", "valid_from"], unique=False
        )
        batch_op.create_index("ix_legal_status_period_person", ["care_leaver_id", "valid_from"], unique=False)


def downgrade() -> None:
    op.drop_table("legal_status_period")
    op.drop_table("entitlement_decision")
