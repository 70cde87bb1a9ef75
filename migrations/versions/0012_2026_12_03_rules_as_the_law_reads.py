"""Rules as the law reads: the PA while on the plan's programme, the bursary's academic year, and the
setting-up-home amount in force when the young person sets up home.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

Migration 0003 transcribed three rules more narrowly than their sources:
- the personal adviser ended at 21 for everyone, but Children Act 1989 s23C(7) keeps the duty while a
  former relevant young person pursues the education or training programme their pathway plan sets
  out, up to 25;
- the 16 to 19 Bursary was "under 19 on the date asked", but the Department for Education's scheme
  counts the age on 31 August at the start of the academic year;
- Nottingham City's setting-up-home allowance followed the 18th birthday, but the allowance is the
  amount in force when the young person sets up home (the Department for Education's recommended
  minimum became £3,000 on 1 April 2023, and the City raised its allowance to £3,000).

As in 0009, the seeded versions are corrected in place rather than superseded: the councils' offers
did not change, our transcription did, and a new version would keep the misreading in every answer
about the dates before it. Only data still exactly as seeded changes (a rule a council has since
rewritten is theirs), in every version, draft or published. Downgrade puts the seeded data back.

This file imports nothing from `app`: the data here must stay as it was when the migration ran.
"""

import copy
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CA89 = "https://www.legislation.gov.uk/ukpga/1989/41"
CITY = "E06000018"
CHECKED = "2026-12-03"

# --- personal-adviser: under 21, or former relevant on the plan's programme, under 25 ----------------
PA_SEEDED_LIMIT = {"age_under": 21, "source": "pa-to-21"}
PA_PROGRAMME = {
    "any": [
        PA_SEEDED_LIMIT,
        {
            "all": [
                {"fact": "legal_status", "in": ["former_relevant"], "source": "ca89-s23c7"},
                {"fact": "pursuing_programme_in_pathway_plan", "is": True, "source": "ca89-s23c7"},
                {"age_under": 25, "source": "ca89-s23c7"},
            ]
        },
    ],
    "change": "if your pathway plan sets out a course or training you are on: talk to your personal adviser",
}
S23C7 = {
    "id": "ca89-s23c7",
    "citation": (
        "Children Act 1989 s23C(6) and (7): where a former relevant young person's pathway plan sets out a "
        "programme of education or training that goes on beyond their 21st birthday, the personal adviser "
        "and pathway plan continue while they pursue it, up to their 25th birthday"
    ),
    "document": CA89,
    "last_checked": CHECKED,
    "needs_checking": False,
}

# --- sixteen-to-nineteen-bursary: the age on 31 August at the start of the academic year -------------
BURSARY_SEEDED_LIMIT = {"age_under": 19, "source": "bursary-16-19"}
BURSARY_LIMIT = {"age_under": 19, "source": "bursary-16-19", "at": "academic_year_age_day"}
BURSARY_CITATION = (
    "Department for Education, 16 to 19 Bursary Fund, bursaries for defined vulnerable groups: up to "
    "£1,200 a year through the school or college for 16-18-year-olds in care or care leavers in education; "
    "the age test is on 31 August of the academic year, approximated here as under 19 on the date asked",
    "Department for Education, 16 to 19 Bursary Fund, bursaries for defined vulnerable groups: up to "
    "£1,200 a year through the school or college for care leavers in education who were 16 or over but "
    "under 19 on 31 August at the start of the academic year (which runs from 1 August)",
)

# --- Nottingham City's setting-up-home allowance: the amount in force when they set up home ----------
SUHA_BASIS = ("eighteenth_birthday", "setting_up_home_on")
SUHA_DESCRIPTION = ("Decided by the date you turned 18", "Decided by the date you set up home")
SUHA_SUMMARY = (
    "Money to set up your first home: furniture, a cooker, bedding, a TV licence and contents insurance "
    "for your first year. The Leaving Care Service holds it for you, and you spend it with your "
    "personal adviser when you move in. It is £3,000 if you turned 18 on or after 1 April 2023.",
    "Money to set up your first home: furniture, a cooker, bedding, a TV licence and contents insurance "
    "for your first year. The Leaving Care Service holds it for you, and you spend it with your "
    "personal adviser when you move in. It is £3,000 if you set up home on or after 1 April 2023.",
)
SUHA_BASIS_CITATION = (
    "The raise to £3,000 applies to those who turn 18 from 1 April 2023: this service's reading; Nottingham "
    "City Council's Children in Care and Care Leavers Strategy 2021-23 does not say to whom the raise applies",
    "Department for Education, The Children Act 1989 guidance and regulations, Volume 3: planning "
    "transition to adulthood for care leavers (statutory guidance): the recommended minimum "
    "setting-up-home allowance is £3,000 from 1 April 2023, the amount in force when the young person "
    "sets up home; Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated "
    "31 July 2023): Setting Up Home Allowance raised from £2,000 to £3,000",
)

entitlement = sa.table(
    "entitlement",
    sa.column("id", sa.Uuid()),
    sa.column("code", sa.String()),
    sa.column("local_authority_id", sa.Uuid()),
    sa.column("summary", sa.Text()),
    sa.column("rule", sa.JSON()),
    sa.column("parameters", sa.JSON()),
    sa.column("sources", sa.JSON()),
)
local_authority = sa.table("local_authority", sa.column("id", sa.Uuid()), sa.column("gss_code", sa.String()))

Row = dict[str, Any]


def _swap_child(rule: Any, old: Any, new: Any) -> Any:
    """The rule with the direct child of its top-level `all` equal to `old` replaced, or None."""
    if not isinstance(rule, dict) or old not in rule.get("all", []):
        return None
    changed = copy.deepcopy(rule)
    changed["all"] = [new if child == old else child for child in rule["all"]]
    return changed


def _recite(sources: list[dict[str, Any]], source_id: str, old: str, new: str) -> list[dict[str, Any]]:
    return [
        {**s, "citation": new} if s.get("id") == source_id and s.get("citation") == old else s
        for s in sources
    ]


def _pa(row: Row, forward: bool) -> Row:
    old, new = (PA_SEEDED_LIMIT, PA_PROGRAMME) if forward else (PA_PROGRAMME, PA_SEEDED_LIMIT)
    rule = _swap_child(row["rule"], old, new)
    if rule is None:
        return {}
    others = [s for s in row["sources"] if s.get("id") != S23C7["id"]]
    sources = [*others, S23C7] if forward else others
    return {"rule": rule, "sources": sources}


def _bursary(row: Row, forward: bool) -> Row:
    old, new = (BURSARY_SEEDED_LIMIT, BURSARY_LIMIT) if forward else (BURSARY_LIMIT, BURSARY_SEEDED_LIMIT)
    rule = _swap_child(row["rule"], old, new)
    if rule is None:
        return {}
    was, now = BURSARY_CITATION if forward else BURSARY_CITATION[::-1]
    return {"rule": rule, "sources": _recite(row["sources"], "bursary-16-19", was, now)}


def _suha(row: Row, forward: bool) -> Row:
    pick: Callable[[tuple[str, str]], tuple[str, str]] = (
        (lambda t: t) if forward else (lambda t: (t[1], t[0]))
    )
    amount = (row["parameters"] or {}).get("amount")
    basis, description = pick(SUHA_BASIS), pick(SUHA_DESCRIPTION)
    if not isinstance(amount, dict) or amount.get("basis") != basis[0]:
        return {}
    parameters = copy.deepcopy(row["parameters"])
    parameters["amount"]["basis"] = basis[1]
    if amount.get("description") == description[0]:
        parameters["amount"]["description"] = description[1]
    summary, citation = pick(SUHA_SUMMARY), pick(SUHA_BASIS_CITATION)
    return {
        "parameters": parameters,
        "summary": summary[1] if row["summary"] == summary[0] else row["summary"],
        "sources": _recite(row["sources"], "city-suha-basis", citation[0], citation[1]),
    }


def _rewrite(forward: bool) -> None:
    bind = op.get_bind()
    city = bind.execute(sa.select(local_authority.c.id).where(local_authority.c.gss_code == CITY)).scalar()
    rows = bind.execute(
        sa.select(entitlement).where(
            entitlement.c.code.in_(
                ["personal-adviser", "sixteen-to-nineteen-bursary", "setting-up-home-allowance"]
            )
        )
    ).mappings()
    for row in list(rows):
        if row["code"] == "personal-adviser":
            values = _pa(dict(row), forward)
        elif row["code"] == "sixteen-to-nineteen-bursary":
            values = _bursary(dict(row), forward)
        elif row["local_authority_id"] == city:
            values = _suha(dict(row), forward)
        else:
            continue
        if values:
            bind.execute(entitlement.update().where(entitlement.c.id == row["id"]).values(**values))


def upgrade() -> None:
    _rewrite(forward=True)


def downgrade() -> None:
    _rewrite(forward=False)
