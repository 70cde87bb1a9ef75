"""The care-leaver record: contact details, care history, derived legal status and overrides, dated
circumstances, case closure, contact status, the 21-plus support queue; advisers' working pattern;
councils' duty and out-of-hours numbers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "circumstance",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "residence",
                "activity",
                "higher_education",
                "work_hours",
                "staying_put",
                "immigration_status",
                "parenthood",
                name="circumstancekind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_circumstance_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_circumstance_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_circumstance_recorded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circumstance")),
    )
    with op.batch_alter_table("circumstance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_circumstance_lookup", ["care_leaver_id", "kind", "valid_from", "recorded_at"], unique=False
        )

    op.create_table(
        "legal_status_override",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "eligible",
                "relevant",
                "former_relevant",
                "former_relevant_in_education",
                "qualifying",
                "not_a_care_leaver",
                name="recordstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_legal_status_override_care_leaver_id_care_leaver"),
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_legal_status_override_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["user_account.id"],
            name=op.f("fk_legal_status_override_recorded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_status_override")),
    )
    with op.batch_alter_table("legal_status_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legal_status_override_care_leaver_id"), ["care_leaver_id"], unique=False
        )

    op.create_table(
        "support_request",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "allocated", "withdrawn", name="supportrequeststatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_support_request_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_support_request_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["user_account.id"], name=op.f("fk_support_request_resolved_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_request")),
    )
    with op.batch_alter_table("support_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_request_care_leaver_id"), ["care_leaver_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_support_request_local_authority_id"), ["local_authority_id"], unique=False
        )

    with op.batch_alter_table("care_leaver", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pronouns", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "preferred_contact_method",
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
            )
        )
        batch_op.add_column(sa.Column("entered_care_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_care_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("still_looked_after", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("weeks_looked_after_since_14", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("weeks_looked_after_after_16", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "legal_status",
                sa.Enum(
                    "eligible",
                    "relevant",
                    "former_relevant",
                    "former_relevant_in_education",
                    "qualifying",
                    "not_a_care_leaver",
                    name="recordstatus",
                    native_enum=False,
                    length=40,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("legal_status_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "closure_reason",
                sa.Enum(
                    "reached_25",
                    "moved_away",
                    "died",
                    "declined_support",
                    "returned_home",
                    "no_longer_requires_services",
                    name="closurereason",
                    native_enum=False,
                    length=40,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("last_contact_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_contact_due_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_care_leaver_legal_status"), ["legal_status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_care_leaver_legal_status_until"), ["legal_status_until"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_care_leaver_next_contact_due_on"), ["next_contact_due_on"], unique=False
        )

    # Existing records have no care history yet: not recorded as still looked after.
    op.execute("UPDATE care_leaver SET still_looked_after = FALSE")
    with op.batch_alter_table("care_leaver", schema=None) as batch_op:
        batch_op.alter_column("still_looked_after", existing_type=sa.Boolean(), nullable=False)

    with op.batch_alter_table("local_authority", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duty_phone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("out_of_hours_phone", sa.String(length=32), nullable=True))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("working_pattern", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("working_pattern")

    with op.batch_alter_table("local_authority", schema=None) as batch_op:
        batch_op.drop_column("out_of_hours_phone")
        batch_op.drop_column("duty_phone")

    with op.batch_alter_table("care_leaver", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_leaver_next_contact_due_on"))
        batch_op.drop_index(batch_op.f("ix_care_leaver_legal_status_until"))
        batch_op.drop_index(batch_op.f("ix_care_leaver_legal_status"))
        batch_op.drop_column("next_contact_due_on")
        batch_op.drop_column("last_contact_at")
        batch_op.drop_column("closure_reason")
        batch_op.drop_column("closed_on")
        batch_op.drop_column("legal_status_until")
        batch_op.drop_column("legal_status")
        batch_op.drop_column("weeks_looked_after_after_16")
        batch_op.drop_column("weeks_looked_after_since_14")
        batch_op.drop_column("still_looked_after")
        batch_op.drop_column("left_care_on")
        batch_op.drop_column("entered_care_on")
        batch_op.drop_column("preferred_contact_method")
        batch_op.drop_column("address")
        batch_op.drop_column("email")
        batch_op.drop_column("phone")
        batch_op.drop_column("pronouns")

    with op.batch_alter_table("support_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_request_local_authority_id"))
        batch_op.drop_index(batch_op.f("ix_support_request_care_leaver_id"))

    op.drop_table("support_request")
    with op.batch_alter_table("legal_status_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_status_override_care_leaver_id"))

    op.drop_table("legal_status_override")
    with op.batch_alter_table("circumstance", schema=None) as batch_op:
        batch_op.drop_index("ix_circumstance_lookup")

    op.drop_table("circumstance")
