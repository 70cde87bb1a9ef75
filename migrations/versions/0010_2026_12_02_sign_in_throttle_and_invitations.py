"""Sign-in throttle counts without blocks (delays only), and invitations to set an app account's password.

The throttle table is recreated empty: it holds only recent failure counts, keyed differently now
(an account from one address, an account, an address), so the old rows mean nothing.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("sign_in_throttle")
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_throttle_last_failure_at"), ["last_failure_at"], unique=False
        )
    op.create_table(
        "account_invitation",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("local_authority_id", sa.Uuid(), nullable=True),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("issued_by_id", sa.Uuid(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_account_invitation_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_account_invitation_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_invitation")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_account_invitation_code_digest")),
    )
    with op.batch_alter_table("account_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_invitation_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_invitation_user_id"))
    op.drop_table("account_invitation")
    op.drop_table("sign_in_throttle")
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
