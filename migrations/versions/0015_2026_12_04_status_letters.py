"""Status letters: councils' letter-signing keys (private keys sealed) and the letters signed with them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_signing_key",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_letter_signing_key_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_signing_key")),
        sa.UniqueConstraint("kid", name=op.f("uq_letter_signing_key_kid")),
    )
    op.create_index(
        "uq_letter_signing_key_current",
        "letter_signing_key",
        ["local_authority_id"],
        unique=True,
        postgresql_where=sa.text("retired_at IS NULL"),
        sqlite_where=sa.text("retired_at IS NULL"),
    )
    op.create_table(
        "status_letter",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_status_letter_care_leaver_id_care_leaver"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["user_account.id"], name=op.f("fk_status_letter_issued_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_status_letter_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["user_account.id"], name=op.f("fk_status_letter_revoked_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_letter")),
    )
    op.create_index("ix_status_letter_person", "status_letter", ["care_leaver_id", "issued_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_status_letter_person", table_name="status_letter")
    op.drop_table("status_letter")
    op.drop_index("uq_letter_signing_key_current", table_name="letter_signing_key")
    op.drop_table("letter_signing_key")
