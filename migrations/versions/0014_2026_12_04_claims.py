"""Claims and payments: claims against allowances, their evidence and payments, and the ledger.

The ledger is append-only: the database refuses any update or delete of `ledger_entry` (a trigger on
each database), so a balance, always a sum over it, cannot be rewritten. Each council gets its claim
settings row: a second approver above £500 to start with (the council's admin sets its own), and no
cost codes until its finance team gives them.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = "the money ledger is append-only: add a release or a reversal instead"
_PG_FUNCTION = f"""
CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{_APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _guard_ledger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry "
            "FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER ledger_entry_no_{event.lower()} BEFORE {event} ON ledger_entry "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )


def _settings_for_each_council() -> None:
    op.execute(
        "INSERT INTO claim_settings (local_authority_id, second_approval_above_pence, cost_codes, revision, "
        "updated_at) SELECT id, 50000, '{}', 1, CURRENT_TIMESTAMP FROM local_authority"
    )


def upgrade() -> None:
    op.create_table(
        "claim_settings",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("second_approval_above_pence", sa.Integer(), nullable=True),
        sa.Column("cost_codes", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_claim_settings_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("local_authority_id", name=op.f("pk_claim_settings")),
    )
    op.create_table(
        "allowance_account",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("entitlement_code", sa.String(length=80), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_allowance_account_care_leaver_id_care_leaver"),
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_allowance_account_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowance_account")),
        sa.UniqueConstraint(
            "care_leaver_id",
            "entitlement_code",
            "period_key",
            name=op.f("uq_allowance_account_care_leaver_id_entitlement_code_period_key"),
        ),
    )
    op.create_table(
        "claim",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("entitlement_code", sa.String(length=80), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "declined",
                "partly_paid",
                "paid",
                "withdrawn",
                "reversed",
                name="claimstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("total_pence", sa.Integer(), nullable=False),
        sa.Column(
            "payment_method",
            sa.Enum(
                "bank_transfer",
                "supplier",
                "prepaid_card",
                "bought_by_council",
                name="paymentmethod",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("payee", sa.String(length=160), nullable=True),
        sa.Column("pathway_plan_action_id", sa.Uuid(), nullable=True),
        sa.Column(
            "requested_by",
            sa.Enum("young_person", "staff", name="requestedby", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_outcome", sa.String(length=16), nullable=True),
        sa.Column("decision_amount_pence", sa.Integer(), nullable=True),
        sa.Column("decision_offer_version_id", sa.Uuid(), nullable=True),
        sa.Column("decision_offer_version", sa.Integer(), nullable=True),
        sa.Column("decision_reasons", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("approvals_needed", sa.Integer(), nullable=True),
        sa.Column("first_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_pence", sa.Integer(), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_by", sa.Uuid(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.Uuid(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("total_pence > 0", name=op.f("ck_claim_total_positive")),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_claim_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["decision_offer_version_id"],
            ["offer_version.id"],
            name=op.f("fk_claim_decision_offer_version_id_offer_version"),
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_claim_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["pathway_plan_action_id"],
            ["pathway_plan_action.id"],
            name=op.f("fk_claim_pathway_plan_action_id_pathway_plan_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_council_status", ["local_authority_id", "status", "updated_at"], unique=False
        )
        batch_op.create_index("ix_claim_person", ["care_leaver_id", "created_at"], unique=False)

    op.create_table(
        "claim_evidence",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=160), nullable=False),
        sa.Column("media_type", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_claim_evidence_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_claim_evidence_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_evidence")),
    )
    with op.batch_alter_table("claim_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_evidence_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "payment",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("entitlement_code", sa.String(length=80), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "bank_transfer",
                "supplier",
                "prepaid_card",
                "bought_by_council",
                name="paymentmethod",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("cost_code", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversed_by", sa.Uuid(), nullable=True),
        sa.Column("reversed_on", sa.Date(), nullable=True),
        sa.Column("reversal_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_payment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_payment_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_payment_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_payment_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            "ix_payment_council_paid", ["local_authority_id", "paid_on", "id"], unique=False
        )

    op.create_table(
        "ledger_entry",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("entitlement_code", sa.String(length=80), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "commitment",
                "payment",
                "release",
                "reversal",
                name="ledgerkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("committed_delta", sa.Integer(), nullable=False),
        sa.Column("paid_delta", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_ledger_entry_amount_positive")),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_ledger_entry_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_ledger_entry_claim_id_claim")),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_ledger_entry_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_ledger_entry_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_entry_claim", ["claim_id"], unique=False)
        batch_op.create_index(
            "ix_ledger_entry_person", ["care_leaver_id", "entitlement_code", "period_key"], unique=False
        )
        batch_op.create_index(
            "uq_ledger_entry_commitment",
            ["claim_id"],
            unique=True,
            postgresql_where=sa.text("kind = 'commitment'"),
            sqlite_where=sa.text("kind = 'commitment'"),
        )
        batch_op.create_index(
            "uq_ledger_entry_payment",
            ["payment_id", "kind"],
            unique=True,
            postgresql_where=sa.text("payment_id IS NOT NULL"),
            sqlite_where=sa.text("payment_id IS NOT NULL"),
        )
    _guard_ledger()
    _settings_for_each_council()


def downgrade() -> None:
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ledger_entry_payment",
            postgresql_where=sa.text("payment_id IS NOT NULL"),
            sqlite_where=sa.text("payment_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_ledger_entry_commitment",
            postgresql_where=sa.text("kind = 'commitment'"),
            sqlite_where=sa.text("kind = 'commitment'"),
        )
        batch_op.drop_index("ix_ledger_entry_person")
        batch_op.drop_index("ix_ledger_entry_claim")

    op.drop_table("ledger_entry")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_council_paid")
        batch_op.drop_index(batch_op.f("ix_payment_claim_id"))

    op.drop_table("payment")
    with op.batch_alter_table("claim_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_evidence_claim_id"))

    op.drop_table("claim_evidence")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_person")
        batch_op.drop_index("ix_claim_council_status")

    op.drop_table("claim")
    op.drop_table("allowance_account")
    op.drop_table("claim_settings")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION ledger_entry_append_only()")
