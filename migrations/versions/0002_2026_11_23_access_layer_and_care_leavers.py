"""The access layer: accounts, teams, partners, sign-in sessions, the audit trail, and care leavers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

The audit tables are append-only in the database itself: triggers refuse UPDATE and DELETE, so
not even a bug (or a person with the application's credentials) can rewrite history. A later
migration that rebuilds these tables on SQLite (batch mode) must create the triggers again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_PG_APPEND_ONLY = """
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
"""
_AUDIT_TABLES = ("audit_event", "audit_event_subject")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_APPEND_ONLY)
        for table in _AUDIT_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
        return
    for table in _AUDIT_TABLES:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            )


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    op.create_table(
        "audit_event",
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_kind", sa.String(length=32), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=True),
        sa.Column("actor_organisation", sa.String(length=160), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "read",
                "list",
                "create",
                "update",
                "delete",
                "export",
                "sign_in",
                "sign_in_failed",
                "sign_out",
                "token_refreshed",
                "token_reuse_detected",
                "access_denied",
                name="auditaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("resource_type", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=True),
        sa.Column("local_authority_id", sa.Uuid(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("success", "denied", "failure", name="auditoutcome", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("subject_count", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_audit_event_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_actor_occurred", ["actor_id", "occurred_at"], unique=False)
        batch_op.create_index(
            "ix_audit_event_la_occurred", ["local_authority_id", "occurred_at"], unique=False
        )

    op.create_table(
        "care_leaver",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("case_reference", sa.String(length=64), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("preferred_name", sa.String(length=100), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("district_gss_code", sa.String(length=9), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_care_leaver_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_leaver")),
        sa.UniqueConstraint(
            "local_authority_id",
            "case_reference",
            name=op.f("uq_care_leaver_local_authority_id_case_reference"),
        ),
    )
    with op.batch_alter_table("care_leaver", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_leaver_district_gss_code"), ["district_gss_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_care_leaver_local_authority_id"), ["local_authority_id"], unique=False
        )

    op.create_table(
        "partner_organisation",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "district_council",
                "university",
                "housing_provider",
                name="partnerkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("district_gss_code", sa.String(length=9), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_partner_organisation_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_organisation")),
    )
    with op.batch_alter_table("partner_organisation", schema=None) as batch_op:
        batch_op.create_index(
            "uq_partner_organisation_local_authority_name", ["local_authority_id", "name"], unique=True
        )

    op.create_table(
        "team",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("duty_phone", sa.String(length=32), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_team_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_index("uq_team_local_authority_name", ["local_authority_id", "name"], unique=True)

    op.create_table(
        "audit_event_subject",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_audit_event_subject_event_id_audit_event")
        ),
        sa.PrimaryKeyConstraint("event_id", "care_leaver_id", name=op.f("pk_audit_event_subject")),
    )
    with op.batch_alter_table("audit_event_subject", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_event_subject_care_leaver", ["care_leaver_id", "event_id"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=160), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("staff", "partner", "care_leaver", name="subjectkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("local_authority_id", sa.Uuid(), nullable=True),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("partner_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("job_title", sa.String(length=120), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_user_account_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisation.id"],
            name=op.f("fk_user_account_partner_organisation_id_partner_organisation"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_user_account_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("care_leaver_id", name=op.f("uq_user_account_care_leaver_id")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_local_authority_id"), ["local_authority_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_account_team_id"), ["team_id"], unique=False)

    op.create_table(
        "adviser_allocation",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("adviser_id", sa.Uuid(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["adviser_id"], ["user_account.id"], name=op.f("fk_adviser_allocation_adviser_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_adviser_allocation_care_leaver_id_care_leaver"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_adviser_allocation_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_adviser_allocation_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adviser_allocation")),
    )
    with op.batch_alter_table("adviser_allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adviser_allocation_adviser_id"), ["adviser_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_adviser_allocation_care_leaver_id"), ["care_leaver_id"], unique=False
        )
        batch_op.create_index(
            "uq_adviser_allocation_open",
            ["care_leaver_id"],
            unique=True,
            postgresql_where=sa.text("ended_on IS NULL"),
            sqlite_where=sa.text("ended_on IS NULL"),
        )

    op.create_table(
        "auth_session",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_auth_session_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_session")),
    )
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "consent",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column(
            "recipient",
            sa.Enum(
                "district_council",
                "university",
                "housing_provider",
                name="consentrecipient",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_consent_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_consent_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_consent_recorded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_care_leaver_id"), ["care_leaver_id"], unique=False)
        batch_op.create_index(
            "uq_consent_active",
            ["care_leaver_id", "recipient"],
            unique=True,
            postgresql_where=sa.text("withdrawn_at IS NULL"),
            sqlite_where=sa.text("withdrawn_at IS NULL"),
        )

    op.create_table(
        "refresh_token",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["auth_session.id"], name=op.f("fk_refresh_token_session_id_auth_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_token")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_refresh_token_token_digest")),
    )
    with op.batch_alter_table("refresh_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refresh_token_session_id"), ["session_id"], unique=False)

    _create_append_only_triggers()


def downgrade() -> None:
    # Dropping a table drops its triggers; PostgreSQL's function goes separately, at the end.
    with op.batch_alter_table("refresh_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_token_session_id"))

    op.drop_table("refresh_token")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_consent_active",
            postgresql_where=sa.text("withdrawn_at IS NULL"),
            sqlite_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_consent_care_leaver_id"))

    op.drop_table("consent")
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_session_user_id"))

    op.drop_table("auth_session")
    with op.batch_alter_table("adviser_allocation", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_adviser_allocation_open",
            postgresql_where=sa.text("ended_on IS NULL"),
            sqlite_where=sa.text("ended_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_adviser_allocation_care_leaver_id"))
        batch_op.drop_index(batch_op.f("ix_adviser_allocation_adviser_id"))

    op.drop_table("adviser_allocation")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_team_id"))
        batch_op.drop_index(batch_op.f("ix_user_account_local_authority_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("audit_event_subject", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_subject_care_leaver")

    op.drop_table("audit_event_subject")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index("uq_team_local_authority_name")

    op.drop_table("team")
    with op.batch_alter_table("partner_organisation", schema=None) as batch_op:
        batch_op.drop_index("uq_partner_organisation_local_authority_name")

    op.drop_table("partner_organisation")
    with op.batch_alter_table("care_leaver", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_leaver_local_authority_id"))
        batch_op.drop_index(batch_op.f("ix_care_leaver_district_gss_code"))

    op.drop_table("care_leaver")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_la_occurred")
        batch_op.drop_index("ix_audit_event_actor_occurred")

    op.drop_table("audit_event")
    op.drop_table("sign_in_throttle")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_append_only()")
