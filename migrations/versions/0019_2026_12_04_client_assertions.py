"""Signed client assertions (RFC 7523): a partner client's public key, and the assertion ids already
used (each is accepted once, until it expires).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("partner_client") as batch:
        batch.add_column(sa.Column("public_key", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("public_key_set_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "used_client_assertion",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("jti", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["partner_client.id"],
            name=op.f("fk_used_client_assertion_client_id_partner_client"),
        ),
        sa.PrimaryKeyConstraint("client_id", "jti", name=op.f("pk_used_client_assertion")),
    )
    op.create_index(
        op.f("ix_used_client_assertion_expires_at"), "used_client_assertion", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_used_client_assertion_expires_at"), table_name="used_client_assertion")
    op.drop_table("used_client_assertion")
    with op.batch_alter_table("partner_client") as batch:
        batch.drop_column("public_key_set_at")
        batch.drop_column("public_key")
