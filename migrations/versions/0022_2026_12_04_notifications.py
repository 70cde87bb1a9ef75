"""Notifications for the young person (one per event: unique by person and dedupe key), and each council's
notification settings: quiet hours for pushes (21:00 to 08:00 UK time) and the 21Plus birthday-month
message, on for Nottinghamshire County Council, whose report of 7 March 2022 (para 72) describes it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Enum(native_enum=False, length=40, name="notificationkind"), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.Enum(native_enum=False, length=40, name="subjecttype"), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_notification_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_notification_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint(
            "care_leaver_id", "dedupe_key", name=op.f("uq_notification_care_leaver_id_dedupe_key")
        ),
    )
    op.create_index("ix_notification_list", "notification", ["care_leaver_id", "created_at", "id"])
    op.create_table(
        "notification_settings",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("quiet_from", sa.Time(), nullable=False),
        sa.Column("quiet_until", sa.Time(), nullable=False),
        sa.Column("birthday_month_message", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_notification_settings_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("local_authority_id", name=op.f("pk_notification_settings")),
    )
    # Every council gets the default quiet hours; Nottinghamshire (E10000024) also sends the 21Plus message.
    op.execute(
        "INSERT INTO notification_settings (local_authority_id, quiet_from, quiet_until, birthday_month_message, "
        "revision, updated_at) SELECT id, '21:00:00', '08:00:00', "
        "CASE WHEN gss_code = 'E10000024' THEN TRUE ELSE FALSE END, 1, CURRENT_TIMESTAMP "
        "FROM local_authority"
    )


def downgrade() -> None:
    op.drop_table("notification_settings")
    op.drop_index("ix_notification_list", table_name="notification")
    op.drop_table("notification")
