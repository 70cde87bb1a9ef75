"""Offline sync: each young person's view as their devices were last sent it, in a sequence of changes,
and the changes their devices pushed (each applied once).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("built_on", sa.Date(), nullable=True),
        sa.Column("high_seq", sa.BigInteger(), nullable=False),
        sa.Column("pruned_seq", sa.BigInteger(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_sync_state_care_leaver_id_care_leaver")
        ),
        sa.PrimaryKeyConstraint("care_leaver_id", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_item",
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_sync_item_care_leaver_id_care_leaver")
        ),
        sa.PrimaryKeyConstraint("care_leaver_id", "item_type", "item_id", name=op.f("pk_sync_item")),
    )
    op.create_index("uq_sync_item_seq", "sync_item", ["care_leaver_id", "seq"], unique=True)
    op.create_table(
        "sync_pushed_change",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_sync_pushed_change_care_leaver_id_care_leaver"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_pushed_change")),
    )
    op.create_index(
        op.f("ix_sync_pushed_change_created_at"), "sync_pushed_change", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_pushed_change_created_at"), table_name="sync_pushed_change")
    op.drop_table("sync_pushed_change")
    op.drop_index("uq_sync_item_seq", table_name="sync_item")
    op.drop_table("sync_item")
    op.drop_table("sync_state")
