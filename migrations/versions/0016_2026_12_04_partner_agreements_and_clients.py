"""Partner agreements (what each partner organisation may use the service for) and partner clients
(partner systems signing in with OAuth 2.0 client credentials, their secrets stored as digests).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partner_agreement",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("partner_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("entitlement_codes", sa.JSON(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_partner_agreement_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisation.id"],
            name=op.f("fk_partner_agreement_partner_organisation_id_partner_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_agreement")),
    )
    op.create_index(
        "uq_partner_agreement_in_force",
        "partner_agreement",
        ["partner_organisation_id", "purpose"],
        unique=True,
        postgresql_where=sa.text("ended_at IS NULL"),
        sqlite_where=sa.text("ended_at IS NULL"),
    )
    op.create_table(
        "partner_client",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("partner_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=False),
        sa.Column("previous_secret_digest", sa.String(length=64), nullable=True),
        sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_partner_client_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisation.id"],
            name=op.f("fk_partner_client_partner_organisation_id_partner_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_partner_client_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_client")),
        sa.UniqueConstraint("user_id", name=op.f("uq_partner_client_user_id")),
    )
    op.create_index(
        op.f("ix_partner_client_partner_organisation_id"),
        "partner_client",
        ["partner_organisation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_partner_client_partner_organisation_id"), table_name="partner_client")
    op.drop_table("partner_client")
    op.drop_index("uq_partner_agreement_in_force", table_name="partner_agreement")
    op.drop_table("partner_agreement")
