"""Care episodes: the care history as dated periods, and today's counters converted into one summary each.

Every record that held care-history counters (entered_care_on, left_care_on, still_looked_after,
weeks_looked_after_since_14, weeks_looked_after_after_16) gets one episode flagged
`converted_from_summary`, whose `details` keep the original values and the date they stood on (the
record's last change), so the history shows where the figures came from. The record's own columns stay:
from now on they are derived from the episodes. Downgrading drops the episodes; the columns still hold
the values derived when it ran.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEGAL_BASIS = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")
_PLACEMENT = (
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
)  # fmt: skip


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=40)


def upgrade() -> None:
    op.create_table(
        "care_episode",
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.Column("care_leaver_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "episodekind",
                "looked_after",
                "special_guardianship_order",
                "custody_or_hospital_on_16th_birthday",
            ),
            nullable=False,
        ),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("legal_basis", _enum("legalbasis", *_LEGAL_BASIS), nullable=True),
        sa.Column("placement_type", _enum("placementtype", *_PLACEMENT), nullable=True),
        sa.Column("planned_short_break", sa.Boolean(), nullable=False),
        sa.Column("detention", _enum("detention", "custody", "hospital"), nullable=True),
        sa.Column("converted_from_summary", sa.Boolean(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"], ["care_leaver.id"], name=op.f("fk_care_episode_care_leaver_id_care_leaver")
        ),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_care_episode_local_authority_id_local_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_care_episode_recorded_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user_account.id"], name=op.f("fk_care_episode_updated_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by"], ["user_account.id"], name=op.f("fk_care_episode_removed_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_episode")),
    )
    with op.batch_alter_table("care_episode", schema=None) as batch_op:
        batch_op.create_index("ix_care_episode_person", ["care_leaver_id", "start_on"], unique=False)
    _convert_counters()


def _convert_counters() -> None:
    bind = op.get_bind()
    people = sa.table(
        "care_leaver",
        sa.column("id", sa.Uuid()),
        sa.column("local_authority_id", sa.Uuid()),
        sa.column("entered_care_on", sa.Date()),
        sa.column("left_care_on", sa.Date()),
        sa.column("still_looked_after", sa.Boolean()),
        sa.column("weeks_looked_after_since_14", sa.Integer()),
        sa.column("weeks_looked_after_after_16", sa.Integer()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    episodes = sa.table(
        "care_episode",
        *(
            sa.column(name, kind)
            for name, kind in [
                ("id", sa.Uuid()),
                ("local_authority_id", sa.Uuid()),
                ("care_leaver_id", sa.Uuid()),
                ("kind", sa.String()),
                ("start_on", sa.Date()),
                ("end_on", sa.Date()),
                ("planned_short_break", sa.Boolean()),
                ("converted_from_summary", sa.Boolean()),
                ("details", sa.JSON()),
                ("version", sa.Integer()),
                ("recorded_at", sa.DateTime(timezone=True)),
                ("updated_at", sa.DateTime(timezone=True)),
            ]
        ),
    )
    rows = bind.execute(
        sa.select(people).where(
            sa.or_(
                people.c.still_looked_after.is_(True),
                people.c.entered_care_on.is_not(None),
                people.c.left_care_on.is_not(None),
                people.c.weeks_looked_after_since_14.is_not(None),
                people.c.weeks_looked_after_after_16.is_not(None),
            )
        )
    ).all()
    now = datetime.now(UTC)
    batch = [_summary(row, now) for row in rows]
    for start in range(0, len(batch), 1000):
        op.bulk_insert(episodes, batch[start : start + 1000])


def _summary(row: sa.Row[tuple[object, ...]], now: datetime) -> dict[str, object]:
    changed = row.updated_at
    if changed.tzinfo is None:  # SQLite keeps UTC without an offset
        changed = changed.replace(tzinfo=UTC)
    as_of: date = changed.astimezone(ZoneInfo("Europe/London")).date()
    original = {
        "entered_care_on": row.entered_care_on.isoformat() if row.entered_care_on else None,
        "left_care_on": row.left_care_on.isoformat() if row.left_care_on else None,
        "still_looked_after": bool(row.still_looked_after),
        "weeks_looked_after_since_14": row.weeks_looked_after_since_14,
        "weeks_looked_after_after_16": row.weeks_looked_after_after_16,
    }
    return {
        "id": uuid.uuid4(),
        "local_authority_id": row.local_authority_id,
        "care_leaver_id": row.id,
        "kind": "looked_after",
        "start_on": row.entered_care_on,
        "end_on": None if row.still_looked_after else row.left_care_on,
        "planned_short_break": False,
        "converted_from_summary": True,
        "details": {"as_of": as_of.isoformat(), "original": original, "converted_by": "migration 0011"},
        "version": 1,
        "recorded_at": now,
        "updated_at": now,
    }


def downgrade() -> None:
    with op.batch_alter_table("care_episode", schema=None) as batch_op:
        batch_op.drop_index("ix_care_episode_person")
    op.drop_table("care_episode")
