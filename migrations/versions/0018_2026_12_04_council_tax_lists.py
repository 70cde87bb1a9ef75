"""Council tax end to end: consents name the partner organisation, and billing authorities' confirmations.

A consent to share with "a district council" becomes consent to share with the billing authority the
young person lived in when they gave it (their residence entry in force that day, or the record's
district if none), when that council has such a partner organisation; otherwise it stays unnamed and
puts them on no list (it never did: no billing authority shared with us there).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = "withdrawn_at IS NULL"
_NAMED = "withdrawn_at IS NULL AND partner_organisation_id IS NOT NULL"
_UNNAMED = "withdrawn_at IS NULL AND partner_organisation_id IS NULL"

consent = sa.table(
    "consent",
    sa.column("id", sa.Uuid()),
    sa.column("local_authority_id", sa.Uuid()),
    sa.column("care_leaver_id", sa.Uuid()),
    sa.column("recipient", sa.String()),
    sa.column("given_at", sa.DateTime(timezone=True)),
    sa.column("partner_organisation_id", sa.Uuid()),
)
circumstance = sa.table(
    "circumstance",
    sa.column("care_leaver_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("valid_from", sa.Date()),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
    sa.column("details", sa.JSON()),
)
care_leaver = sa.table("care_leaver", sa.column("id", sa.Uuid()), sa.column("district_gss_code", sa.String()))
partner = sa.table(
    "partner_organisation",
    sa.column("id", sa.Uuid()),
    sa.column("local_authority_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("district_gss_code", sa.String()),
)


def _district_on(entries: list[tuple[date, datetime, dict[str, object]]], day: date) -> str | None:
    """The residence entry in force on `day`: the latest from on or before it, the last recorded wins."""
    in_force = [e for e in entries if e[0] <= day]
    if not in_force:
        return None
    found = max(in_force, key=lambda e: (e[0], e[1]))[2].get("district_gss_code")
    return str(found) if found else None


def _name_the_billing_authority() -> None:
    bind = op.get_bind()
    authorities = {
        (la, gss): pid
        for pid, la, gss in bind.execute(
            sa.select(partner.c.id, partner.c.local_authority_id, partner.c.district_gss_code).where(
                partner.c.kind == "district_council", partner.c.district_gss_code.is_not(None)
            )
        )
    }
    rows = bind.execute(
        sa.select(
            consent.c.id, consent.c.local_authority_id, consent.c.care_leaver_id, consent.c.given_at
        ).where(consent.c.recipient == "district_council")
    ).all()
    people = {r.care_leaver_id for r in rows}
    if not people:
        return
    homes: dict[object, list[tuple[date, datetime, dict[str, object]]]] = {p: [] for p in people}
    for who, valid_from, recorded_at, details in bind.execute(
        sa.select(
            circumstance.c.care_leaver_id,
            circumstance.c.valid_from,
            circumstance.c.recorded_at,
            circumstance.c.details,
        ).where(circumstance.c.kind == "residence", circumstance.c.care_leaver_id.in_(people))
    ):
        homes[who].append((valid_from, recorded_at, details or {}))
    now = dict(
        bind.execute(
            sa.select(care_leaver.c.id, care_leaver.c.district_gss_code).where(care_leaver.c.id.in_(people))
        ).all()
    )
    for row in rows:
        day = row.given_at.date() if row.given_at is not None else datetime.now(UTC).date()
        gss = _district_on(homes[row.care_leaver_id], day) or now.get(row.care_leaver_id)
        organisation = authorities.get((row.local_authority_id, gss))
        if organisation is not None:
            bind.execute(
                consent.update().where(consent.c.id == row.id).values(partner_organisation_id=organisation)
            )


def upgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_organisation_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_consent_partner_organisation_id_partner_organisation"),
            "partner_organisation",
            ["partner_organisation_id"],
            ["id"],
        )
        batch_op.drop_index(
            "uq_consent_active", postgresql_where=sa.text(_ACTIVE), sqlite_where=sa.text(_ACTIVE)
        )
    _name_the_billing_authority()
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(
            "uq_consent_active_organisation",
            ["care_leaver_id", "partner_organisation_id"],
            unique=True,
            postgresql_where=sa.text(_NAMED),
            sqlite_where=sa.text(_NAMED),
        )
        batch_op.create_index(
            "uq_consent_active_unnamed",
            ["care_leaver_id", "recipient"],
            unique=True,
            postgresql_where=sa.text(_UNNAMED),
            sqlite_where=sa.text(_UNNAMED),
        )
        batch_op.create_index("ix_consent_organisation", ["partner_organisation_id", "care_leaver_id"])

    op.create_table(
        "council_tax_confirmation",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column("partner_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("applied_from", sa.Date(), nullable=True),
        sa.Column("account_reference", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["care_leaver.id"],
            name=op.f("fk_council_tax_confirmation_care_leaver_id_care_leaver"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_council_tax_confirmation_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisation.id"],
            name=op.f("fk_council_tax_confirmation_partner_organisation_id_partner_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["user_account.id"],
            name=op.f("fk_council_tax_confirmation_recorded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_tax_confirmation")),
        sa.UniqueConstraint(
            "care_leaver_id",
            "partner_organisation_id",
            name=op.f("uq_council_tax_confirmation_care_leaver_id_partner_organisation_id"),
        ),
    )
    with op.batch_alter_table("council_tax_confirmation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_tax_confirmation_local_authority_id"), ["local_authority_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("council_tax_confirmation")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_organisation")
        batch_op.drop_index(
            "uq_consent_active_unnamed", postgresql_where=sa.text(_UNNAMED), sqlite_where=sa.text(_UNNAMED)
        )
        batch_op.drop_index(
            "uq_consent_active_organisation", postgresql_where=sa.text(_NAMED), sqlite_where=sa.text(_NAMED)
        )
    # Two named consents of one kind cannot both stay active under the old index: keep the earliest.
    op.execute(
        "UPDATE consent SET withdrawn_at = CURRENT_TIMESTAMP WHERE withdrawn_at IS NULL AND EXISTS ("
        "SELECT 1 FROM consent AS other WHERE other.care_leaver_id = consent.care_leaver_id "
        "AND other.recipient = consent.recipient AND other.withdrawn_at IS NULL AND other.given_at < consent.given_at)"
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_consent_partner_organisation_id_partner_organisation"), type_="foreignkey"
        )
        batch_op.drop_column("partner_organisation_id")
        batch_op.create_index(
            "uq_consent_active",
            ["care_leaver_id", "recipient"],
            unique=True,
            postgresql_where=sa.text(_ACTIVE),
            sqlite_where=sa.text(_ACTIVE),
        )
