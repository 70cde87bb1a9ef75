"""Councils and districts: the two Nottingham councils and Nottinghamshire's seven districts.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Reference data is loaded here, not by the demo loader: every deployment needs it. GSS codes are
ONS's; DfE LA numbers are the ones the SSDA903 return uses (Nottingham 892, Nottinghamshire 891).
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids derived from the GSS code, so every environment gives reference rows the same ids.
_NS = uuid.UUID("6f1c5a8e-2d5b-4c61-9a52-8f3f6a1b2c3d")


def _id(gss: str) -> uuid.UUID:
    return uuid.uuid5(_NS, gss)


COUNCILS = [
    (
        "E06000018",
        "Nottingham City Council",
        "Nottingham",
        "unitary",
        892,
        "https://www.nottinghamcity.gov.uk",
    ),
    (
        "E10000024",
        "Nottinghamshire County Council",
        "Nottinghamshire",
        "county",
        891,
        "https://www.nottinghamshire.gov.uk",
    ),
]

DISTRICTS = [
    ("E07000170", "Ashfield", "Ashfield District Council", "district"),
    ("E07000171", "Bassetlaw", "Bassetlaw District Council", "district"),
    ("E07000172", "Broxtowe", "Broxtowe Borough Council", "borough"),
    ("E07000173", "Gedling", "Gedling Borough Council", "borough"),
    ("E07000174", "Mansfield", "Mansfield District Council", "district"),
    ("E07000175", "Newark and Sherwood", "Newark and Sherwood District Council", "district"),
    ("E07000176", "Rushcliffe", "Rushcliffe Borough Council", "borough"),
]


def upgrade() -> None:
    local_authority = op.create_table(
        "local_authority",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("gss_code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("unitary", "county", name="authoritykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("dfe_la_number", sa.Integer(), nullable=False),
        sa.Column("website", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_authority")),
        sa.UniqueConstraint("gss_code", name=op.f("uq_local_authority_gss_code")),
        sa.UniqueConstraint("dfe_la_number", name=op.f("uq_local_authority_dfe_la_number")),
    )
    district = op.create_table(
        "district",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("gss_code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("council_name", sa.String(length=160), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("district", "borough", name="districtkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("local_authority_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["local_authority_id"],
            ["local_authority.id"],
            name=op.f("fk_district_local_authority_id_local_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district")),
        sa.UniqueConstraint("gss_code", name=op.f("uq_district_gss_code")),
    )
    op.create_index(op.f("ix_district_local_authority_id"), "district", ["local_authority_id"], unique=False)

    op.bulk_insert(
        local_authority,
        [
            {
                "id": _id(gss),
                "gss_code": gss,
                "name": name,
                "short_name": short,
                "kind": kind,
                "dfe_la_number": number,
                "website": site,
            }
            for gss, name, short, kind, number, site in COUNCILS
        ],
    )
    notts = _id("E10000024")
    op.bulk_insert(
        district,
        [
            {
                "id": _id(gss),
                "gss_code": gss,
                "name": name,
                "council_name": council,
                "kind": kind,
                "local_authority_id": notts,
            }
            for gss, name, council, kind in DISTRICTS
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_district_local_authority_id"), table_name="district")
    op.drop_table("district")
    op.drop_table("local_authority")
