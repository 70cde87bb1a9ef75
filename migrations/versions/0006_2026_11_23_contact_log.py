"""The contact log, follow-up actions, call-back requests and each council's contact policy.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

The contact log is a legal record (Care Leavers (England) Regulations 2010 reg 8: the personal
adviser keeps a written record of contacts). Its rows are append-only in the database itself:
triggers refuse UPDATE and DELETE, and an amendment is a new row (the next version of the entry).
A later migration that rebuilds `contact` on SQLite (batch mode) must create the triggers again.

Both councils' contact policies are loaded as reference data, each band with its source and the
date it was last checked; `needs_checking` marks where this service had to read a source.

This file imports nothing from `app`: the data here must stay as it was when the migration ran.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The namespace 0001 used for councils, so that policy rows point at the same ids.
_NS = uuid.UUID("6f1c5a8e-2d5b-4c61-9a52-8f3f6a1b2c3d")
CITY = "E06000018"  # Nottingham City Council
COUNTY = "E10000024"  # Nottinghamshire County Council
CHECKED = date(2026, 11, 23)
SEEDED_AT = datetime(2026, 11, 23, tzinfo=UTC)

# (council, min_age inclusive, max_age exclusive, max days between contacts, description, source, needs_checking)
POLICIES: list[tuple[str, int, int, int, str, str, bool]] = [
    (
        CITY,
        16,
        25,
        56,
        "Care leavers are seen or spoken to at least every 8 weeks.",
        "Nottingham City Council, Corporate Parenting Board 17 May 2021, Q4 2020/21 performance: "
        '"Visits to Care leavers are undertaken at 8 weekly frequencies" (../shared/domain/seeds/'
        "003_da2b4270c2f1fb72.txt); BRIEF.md: Nottingham City visits care leavers every 8 weeks.",
        False,
    ),
    (
        COUNTY,
        16,
        21,
        56,
        "Care leavers under 21 are seen or spoken to at least every 8 weeks.",
        "Care Leavers (England) Regulations 2010 reg 8 (STATUTE.md section 3): the personal adviser keeps "
        "in touch and visits at least every 2 months, which councils write as every 8 weeks. "
        "Nottinghamshire's own standard for under-21s is not in the seeds: check it with the council.",
        True,
    ),
    (
        COUNTY,
        21,
        25,
        365,
        "The 21Plus service contacts every care leaver aged 21 to 24 at least once a year.",
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, "
        'para 72: "The Council is required to make at least one contact with all our young people aged '
        '21 to 24 years per year" (../shared/domain/seeds/001_e007e8d9b073f7e7.txt). STATUTE.md section 3: '
        "its public pages promise more often; check whether the service works to a shorter gap.",
        True,
    ),
]

_PG_APPEND_ONLY = """
CREATE FUNCTION contact_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the contact log is append-only: amend an entry by adding a version'
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER contact_append_only BEFORE UPDATE OR DELETE ON contact "
            "FOR EACH ROW EXECUTE FUNCTION contact_log_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER contact_no_{verb.lower()} BEFORE {verb} ON contact "
            "BEGIN SELECT RAISE(ABORT, 'the contact log is append-only: amend an entry by adding a version'); END"
        )


def _load_policies(contact_policy: sa.Table) -> None:
    op.bulk_insert(
        contact_policy,
        [
            {
                "id": uuid.uuid5(_NS, f"contact-policy/{gss}/{min_age}"),
                "local_authority_id": uuid.uuid5(_NS, gss),
                "min_age": min_age,
                "max_age": max_age,
                "max_interval_days": days,
                "description": description,
                "source": source,
                "last_checked": CHECKED,
                "needs_checking": needs_checking,
                "created_at": SEEDED_AT,
                "created_by": None,
                "replaced_at": None,
            }
            for gss, min_age, max_age, days, description, source, needs_checking in POLICIES
        ],
    )


def upgrade() -> None:
    contact_policy = op.create_table(
        "contact_policy",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("max_age", sa.Integer(), nullable=False),
        sa.Column("max_interval_days", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("needs_checking", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_contact_policy_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_contact_policy_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_policy")),
    )
    with op.batch_alter_table("contact_policy", schema=None) as batch_op:
        batch_op.create_index(
            "uq_contact_policy_current",
            ["local_authority_id", "min_age"],
            unique=True,
            postgresql_where=sa.text("replaced_at IS NULL"),
            sqlite_where=sa.text("replaced_at IS NULL"),
        )

    op.create_table(
        "contact_request",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("window_starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "preferred_method",
            sa.Enum(
                "face_to_face_home",
                "face_to_face_elsewhere",
                "phone",
                "text",
                "whatsapp",
                "video",
                "email",
                "letter",
                name="contactmethod",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "answered", "withdrawn", name="contactrequeststatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Uuid(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["user_account.id"], name=op.f("fk_contact_request_answered_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_contact_request_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_contact_request_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_request")),
    )
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_request_care_leaver_id"), ["care_leaver_id"], unique=False
        )
        batch_op.create_index(
            "uq_contact_request_open",
            ["care_leaver_id"],
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "contact",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "face_to_face_home",
                "face_to_face_elsewhere",
                "phone",
                "text",
                "whatsapp",
                "video",
                "email",
                "letter",
                name="contactmethod",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "initiated_by",
            sa.Enum(
                "staff", "young_person", "someone_else", name="contactinitiator", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum("seen", "spoken", "attempt", name="contactoutcome", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("answers_request_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("recorded_by_role", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amendment_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answers_request_id"],
            ["contact_request.id"],
            name=op.f("fk_contact_answers_request_id_contact_request"),
        ),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_contact_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_contact_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_contact_recorded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("entry_id", "version", name=op.f("uq_contact_entry_id_version")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_person_occurred", ["care_leaver_id", "occurred_at"], unique=False)
        batch_op.create_index(
            "uq_contact_answers_request",
            ["answers_request_id"],
            unique=True,
            postgresql_where=sa.text("version = 1"),
            sqlite_where=sa.text("version = 1"),
        )

    op.create_table(
        "contact_action",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "owner_kind",
            sa.Enum(
                "young_person", "adviser", "partner", name="actionownerkind", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("owner_user_id", sa.Uuid(), nullable=True),
        sa.Column("owner_name", sa.String(length=160), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_contact_action_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_contact_action_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_contact_action_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_contact_action_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["user_account.id"], name=op.f("fk_contact_action_owner_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user_account.id"], name=op.f("fk_contact_action_updated_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_action")),
    )
    with op.batch_alter_table("contact_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_action_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            "ix_contact_action_person_open", ["care_leaver_id", "done_on", "due_on"], unique=False
        )

    _create_append_only_triggers()
    _load_policies(contact_policy)


def downgrade() -> None:
    with op.batch_alter_table("contact_action", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_action_person_open")
        batch_op.drop_index(batch_op.f("ix_contact_action_contact_id"))

    op.drop_table("contact_action")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_contact_answers_request",
            postgresql_where=sa.text("version = 1"),
            sqlite_where=sa.text("version = 1"),
        )
        batch_op.drop_index("ix_contact_person_occurred")

    op.drop_table("contact")
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_contact_request_open",
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_contact_request_care_leaver_id"))

    op.drop_table("contact_request")
    with op.batch_alter_table("contact_policy", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_contact_policy_current",
            postgresql_where=sa.text("replaced_at IS NULL"),
            sqlite_where=sa.text("replaced_at IS NULL"),
        )

    op.drop_table("contact_policy")
    # Dropping `contact` dropped its triggers; PostgreSQL's function goes separately.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION contact_log_append_only()")
