"""Sources users can read: every citation names the Act, regulation, guidance or council document itself.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Migrations 0003 and 0006 cited this project's working notes ("STATUTE.md section 4", "BRIEF.md") and
the file names of the council documents the service was set up from ("seed 001",
"../shared/domain/seeds/..."), which no user has. This rewrites those citations so that each names
the Act or regulation with its section, the statutory guidance or scheme, or the council document
(who wrote it, for which meeting and date, which paragraph or heading); `document` becomes a link
where the document is published at a stable address (legislation.gov.uk, GOV.UK) and null where the
citation alone names it.

Published offer versions are corrected in place rather than superseded by a new version: a source
is the citation of where a rule or a figure comes from, not part of what the offer gives. Correcting
how it is written changes no entitlement, rule, amount or date, so the version history (what was
offered, from when) stays exactly as it was; a new publication would have kept the unreadable
citations in every answer about the dates before it, and told young people their offer had changed
when it had not. Only text still exactly as seeded changes (a citation a council has since rewritten
in a draft or a publication is theirs), in every version, draft or published, and every contact
policy row, current or replaced. Downgrade puts the seeded words back.

This file imports nothing from `app`: the data here must stay as it was when the migration ran.
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# id -> (citation, document) as migration 0003 seeded them.
SEEDED: dict[str, tuple[str, str]] = {
    "statute-s1": (
        "Children Act 1989 ss19B, 23A, 23C and 24: legal status follows the care history, and the responsible council is the one that last looked after the young person (STATUTE.md section 1)",
        "../shared/domain/STATUTE.md",
    ),
    "pa-to-21": (
        "Children Act 1989 s23C and Care Leavers (England) Regulations 2010 reg 8: a personal adviser for eligible, relevant and former relevant young people (STATUTE.md sections 1 and 3)",
        "../shared/domain/STATUTE.md",
    ),
    "ca89-s23czb": (
        "Children Act 1989 s23CZB (Children and Social Work Act 2017, from April 2018): a personal adviser on request for former relevant young people from 21 to 25 (STATUTE.md sections 1 and 3)",
        "../shared/domain/STATUTE.md",
    ),
    "ca89-s23c5a": (
        "Children Act 1989 s23C(5A) and the Children Act 1989 (Higher Education Bursary) (England) Regulations 2009: £2,000 for a former relevant young person in higher education (STATUTE.md section 4)",
        "../shared/domain/STATUTE.md",
    ),
    "he-start-before-25": (
        "The course starts before the 25th birthday: this service's reading of the 2009 regulations",
        "../shared/domain/STATUTE.md",
    ),
    "ca89-s24b5": (
        "Children Act 1989 s24B(5): vacation accommodation, or enough money to secure it, for a young person in higher education or residential further education (STATUTE.md section 4); the statuses covered (former relevant and qualifying) are this service's reading",
        "../shared/domain/STATUTE.md",
    ),
    "ca89-s23cza": (
        "Children Act 1989 s23CZA: Staying Put, a former relevant young person fostered on their 18th birthday stays with that carer until 21, with support paid to the carer (STATUTE.md section 4)",
        "../shared/domain/STATUTE.md",
    ),
    "suha-guidance": (
        "Statutory guidance: setting-up-home allowance, recommended minimum £2,000, raised to £3,000 from 1 April 2023, usually for relevant and former relevant young people, usable up to 25 (STATUTE.md section 4)",
        "../shared/domain/STATUTE.md",
    ),
    "council-tax": (
        "Council tax exemption is the billing authority's discretionary reduction, granted where the young person lives and only if they would otherwise be liable (STATUTE.md sections 1 and 4)",
        "../shared/domain/STATUTE.md",
    ),
    "to-25": (
        "Children and Social Work Act 2017: the leaving care offer extends from 21 to 25 (seed 000, 'Care Leavers Local Offer'; STATUTE.md section 1)",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "apprenticeship-bursary": (
        "Care leavers' apprenticeship bursary: £3,000 (three payments of £1,000) for apprenticeships starting from 1 August 2023, £1,000 before; under 25 at the start; a status letter from the council (STATUTE.md section 4)",
        "../shared/domain/STATUTE.md",
    ),
    "bursary-16-19": (
        "16 to 19 Bursary Fund, vulnerable group: up to £1,200 a year through the school or college for 16-18-year-olds in care or care leavers in education (STATUTE.md section 4); the age test is on 31 August of the academic year, approximated here as under 19 on the date asked",
        "../shared/domain/STATUTE.md",
    ),
    "housing-rate": (
        "Care leavers under 25 get the one-bedroom housing rate, not the shared accommodation rate (STATUTE.md section 4)",
        "../shared/domain/STATUTE.md",
    ),
    "recourse": (
        "Universal Credit and Housing Benefit need an immigration status with recourse to public funds; asylum-seeking care leavers awaiting a decision are supported by the council (BRIEF.md; seed 003 para 1.7)",
        "../shared/domain/BRIEF.md",
    ),
    "prescriptions": (
        "Free prescriptions, dental and eye care for care leavers under 25, announced December 2025 (STATUTE.md section 4: how it is claimed is still to be checked)",
        "../shared/domain/STATUTE.md",
    ),
    "brief-universities": (
        "University bursaries: Growing Lives (£500 bursary, support officer, campus visits) and NTU's Care Leavers and Foyer Resident Bursary (£1,000 a year) (BRIEF.md, from seeds 000 and 001)",
        "../shared/domain/BRIEF.md",
    ),
    "city-offer": (
        "Nottingham City Council, Corporate Parenting Board 17 May 2021, Care Leavers Annual Report 2020/21, para 1.14: Local Offer first published November 2018; care leavers named Council Tax exemption, Staying Put, Setting Up Home allowances and university support",
        "../shared/domain/seeds/003_da2b4270c2f1fb72.txt",
    ),
    "city-pa": (
        "Nottingham City Council, Corporate Parenting Board 17 May 2021, Care Leavers Annual Report 2020/21, paras 1.12-1.13: every young person with a pathway plan has a PA; PA support from 21, or on request at any point from 21 to 25",
        "../shared/domain/seeds/003_da2b4270c2f1fb72.txt",
    ),
    "city-suha": (
        "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023), 'To prepare those children and young people for adulthood': Setting Up Home Allowance raised from £2,000 to £3,000 to furnish a first home, a TV licence and first-year contents insurance (the document says 'per year'; recorded here as a one-off allowance)",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "city-suha-basis": (
        "The raise to £3,000 applies to those who turn 18 from 1 April 2023: this service's reading; seed 000 does not say to whom the raise applies",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "city-he": (
        "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023), 'Further and Higher Education': HE bursary of at least £2,000 spread over the degree; a living allowance while studying; holiday accommodation for 21 weeks of non-term rent, or funding",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "city-growing-lives": (
        "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023), 'Further and Higher Education': NTU and the University of Nottingham's Growing Lives programme: £500 bursary, support officer, campus visits; NTU accommodation guaranteed for first choice",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "city-accommodation": (
        "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023), 'Transitions Planning': Staying Put with a former foster carer among the accommodation options; Nottingham City Council, Corporate Parenting Board 17 May 2021, Care Leavers Annual Report 2020/21, para 1.7: 25 young people Staying Put after 18",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "city-travel": (
        "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023), 'Employment & Training': free Robin Hood travel card for care leavers in part-time (14 hours a week) or full-time work, for an initial 20 or 50 days, then top-ups",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "city-apprenticeships": (
        "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023), 'Apprenticeships': a guaranteed interview for every council apprenticeship when the criteria are met; help with travel to interviews and, where appropriate, interview clothing",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "city-ykyom": (
        "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023), 'To act in the best interests...': You Know Your Own Mind, a personalised plan and budget for activities that promote positive mental health",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
    "county-offer": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, para 57: Local Offer for Care Leavers approved 11 February 2019, published 8 April 2019",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
    ),
    "county-council-tax": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, para 59: exemption from Council Tax for all care leavers up to 25, delivered by the district and borough councils, if they would be liable in the first instance",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
    ),
    "county-leisure": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, para 61: free gym, swimming and fitness classes at district council leisure centres, introduced July 2019",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
    ),
    "county-ykym": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, para 27: You Know Your Mind, operational since 2018: a personal health budget of up to £500 each for children and young people aged 0 to 24 with mental health needs",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
    ),
    "county-ntu": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, para 39: Nottingham Trent University's £1,000 a year Care Leavers and Foyer Resident Bursary, student support advisers and money management workshops",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
    ),
    "county-21plus": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, paras 69-72: the 21Plus service, PA support for 21-24-year-olds on request, at least one contact a year, a birthday card",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
    ),
    "county-pa": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, para 75: personal advisers allocated by 17½",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
    ),
    "county-heg-basis": (
        "Nottinghamshire's Home Establishment Grant: £3,000 for grants from 1 April 2023 (STATUTE.md section 4); whether the raise follows the date of the grant is this service's reading; the remainder is usable after 21 through 21Plus",
        "../shared/domain/STATUTE.md",
    ),
    "county-staying-put": (
        "Nottinghamshire Partnership Strategy for Looked After Children and Care Leavers 2018-21: every care leaver has the opportunity to 'stay put' or keep in contact with their foster carers",
        "../shared/domain/seeds/004_d8584221ec000117.txt",
    ),
    "county-growing-lives": (
        "Growing Lives is offered by the two Nottingham universities to care leavers from both councils (seed 000); whether Nottinghamshire lists it in its own offer is to be checked",
        "../shared/domain/seeds/000_0b20f943b6d02e13.txt",
    ),
}

# Contact policy sources as 0006 seeded them (City 16-24, Nottinghamshire 16-20, Nottinghamshire 21-24).
CONTACT_POLICY_SEEDED = (
    'Nottingham City Council, Corporate Parenting Board 17 May 2021, Q4 2020/21 performance: "Visits to Care leavers are undertaken at 8 weekly frequencies" (../shared/domain/seeds/003_da2b4270c2f1fb72.txt); BRIEF.md: Nottingham City visits care leavers every 8 weeks.',
    "Care Leavers (England) Regulations 2010 reg 8 (STATUTE.md section 3): the personal adviser keeps in touch and visits at least every 2 months, which councils write as every 8 weeks. Nottinghamshire's own standard for under-21s is not in the seeds: check it with the council.",
    'Nottinghamshire County Council, report to Children and Young People\'s Committee, 7 March 2022, para 72: "The Council is required to make at least one contact with all our young people aged 21 to 24 years per year" (../shared/domain/seeds/001_e007e8d9b073f7e7.txt). STATUTE.md section 3: its public pages promise more often; check whether the service works to a shorter gap.',
)

LEGISLATION = "https://www.legislation.gov.uk"
CA89 = f"{LEGISLATION}/ukpga/1989/41"
CITY_000 = (
    "Nottingham City Council, Children in Care and Care Leavers Strategy 2021-23 (updated 31 July 2023)"
)
CITY_003 = (
    "Nottingham City Council, Corporate Parenting Board 17 May 2021, Care Leavers Annual Report 2020/21"
)
COUNTY_001 = "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022"
COUNTY_004 = (
    "Nottinghamshire County Council, Partnership Strategy for Looked After Children and Care Leavers 2018-21"
)
VOLUME_3 = (
    "Department for Education, The Children Act 1989 guidance and regulations, Volume 3: planning "
    "transition to adulthood for care leavers (statutory guidance)"
)

# id -> (citation, document) as this migration writes them; a citation of None keeps the seeded words
# (they already named the document: only the file path in `document` goes).
CORRECTED: dict[str, tuple[str | None, str | None]] = {
    "statute-s1": (
        "Children Act 1989 Schedule 2 para 19B (eligible), s23A (relevant), s23C (former relevant) and s24 "
        "(qualifying): legal status follows the care history, and the responsible council is the one that "
        "last looked after the young person",
        CA89,
    ),
    "pa-to-21": (
        "Children Act 1989 Schedule 2 para 19C, s23B(2) and s23C(3)(a), and Care Leavers (England) "
        "Regulations 2010 reg 8: a personal adviser for eligible, relevant and former relevant young people",
        CA89,
    ),
    "ca89-s23czb": (
        "Children Act 1989 s23CZB (inserted by the Children and Social Work Act 2017 s3, from April 2018): a "
        "personal adviser on request for former relevant young people from 21 to 25",
        f"{CA89}/section/23CZB",
    ),
    "ca89-s23c5a": (
        "Children Act 1989 s23C(5A) and the Children Act 1989 (Higher Education Bursary) (England) "
        "Regulations 2009 reg 2: £2,000 for a former relevant young person in higher education",
        f"{LEGISLATION}/uksi/2009/2274",
    ),
    "he-start-before-25": (
        "Children Act 1989 s23C(5A) and s23CA, and the Children Act 1989 (Higher Education Bursary) (England) "
        "Regulations 2009: the course starts before the 25th birthday (this service's reading)",
        f"{LEGISLATION}/uksi/2009/2274",
    ),
    "ca89-s24b5": (
        "Children Act 1989 s24B(5): vacation accommodation, or enough money to secure it, for a young person "
        "in higher education or residential further education; the statuses covered (former relevant and "
        "qualifying) are this service's reading",
        f"{CA89}/section/24B",
    ),
    "ca89-s23cza": (
        "Children Act 1989 s23CZA: Staying Put, a former relevant young person fostered on their 18th birthday "
        "stays with that carer until 21, with support paid to the carer",
        f"{CA89}/section/23CZA",
    ),
    "suha-guidance": (
        f"{VOLUME_3}, setting-up-home allowance: recommended minimum £2,000, raised to £3,000 from 1 April "
        "2023, usually for relevant and former relevant young people, usable up to 25",
        None,
    ),
    "council-tax": (
        "Local Government Finance Act 1992 s13A(1)(c): council tax exemption is the billing authority's "
        "discretionary reduction, granted by the council where the young person lives and only if they would "
        "otherwise be liable",
        f"{LEGISLATION}/ukpga/1992/14/section/13A",
    ),
    "to-25": (
        "Children and Social Work Act 2017 s2 (each council publishes a local offer for care leavers) and s3 "
        "(personal adviser support to 25): the leaving care offer extends from 21 to 25",
        f"{LEGISLATION}/ukpga/2017/16",
    ),
    "apprenticeship-bursary": (
        "Department for Education, apprenticeship funding rules, care leavers' bursary: £3,000 (three payments "
        "of £1,000) for apprenticeships starting from 1 August 2023, £1,000 before; under 25 at the start; a "
        "status letter from the council",
        "https://www.gov.uk/government/publications/apprenticeship-funding-rules",
    ),
    "bursary-16-19": (
        "Department for Education, 16 to 19 Bursary Fund, bursaries for defined vulnerable groups: up to "
        "£1,200 a year through the school or college for 16-18-year-olds in care or care leavers in education; "
        "the age test is on 31 August of the academic year, approximated here as under 19 on the date asked",
        "https://www.gov.uk/1619-bursary-fund",
    ),
    "housing-rate": (
        "Universal Credit Regulations 2013 Schedule 4 para 29(2), and Housing Benefit Regulations 2006 reg 2(1) "
        "('young individual'): care leavers under 25 get the one-bedroom housing rate, not the shared "
        "accommodation rate",
        f"{LEGISLATION}/uksi/2013/376/schedule/4/paragraph/29",
    ),
    "recourse": (
        "Immigration and Asylum Act 1999 s115: no Universal Credit or Housing Benefit for a person subject to "
        "immigration control (no recourse to public funds); asylum-seeking care leavers awaiting a Home Office "
        f"decision are supported by the council ({CITY_003}, para 1.7)",
        f"{LEGISLATION}/ukpga/1999/33/section/115",
    ),
    "prescriptions": (
        "The Government's announcement of December 2025: free NHS prescriptions, dental treatment and eye care "
        "for care leavers under 25 (how it is claimed is still to be confirmed)",
        None,
    ),
    "brief-universities": (
        f"University bursaries: Growing Lives (£500 bursary, support officer, campus visits), {CITY_000}, "
        "'Further and Higher Education'; NTU's Care Leavers and Foyer Resident Bursary (£1,000 a year), "
        f"{COUNTY_001}, para 39",
        None,
    ),
    "city-offer": (None, None),
    "city-pa": (None, None),
    "city-suha": (None, None),
    "city-suha-basis": (
        "The raise to £3,000 applies to those who turn 18 from 1 April 2023: this service's reading; Nottingham "
        "City Council's Children in Care and Care Leavers Strategy 2021-23 does not say to whom the raise applies",
        None,
    ),
    "city-he": (None, None),
    "city-growing-lives": (None, None),
    "city-accommodation": (None, None),
    "city-travel": (None, None),
    "city-apprenticeships": (None, None),
    "city-ykyom": (None, None),
    "county-offer": (None, None),
    "county-council-tax": (None, None),
    "county-leisure": (None, None),
    "county-ykym": (None, None),
    "county-ntu": (None, None),
    "county-21plus": (None, None),
    "county-pa": (None, None),
    "county-heg-basis": (
        "Nottinghamshire's Home Establishment Grant: £3,000 for grants from 1 April 2023, the recommended "
        f"minimum in statutory guidance ({VOLUME_3}); whether the raise follows the date of the grant is this "
        "service's reading, and that the remainder is usable after 21 through 21Plus is to be confirmed with "
        "the council",
        None,
    ),
    "county-staying-put": (
        f"{COUNTY_004}, 'LAC and Care Leavers are safe and feel safe': every care leaver has the opportunity to "
        "'stay put' or keep in contact with their foster carers",
        None,
    ),
    "county-growing-lives": (
        "Growing Lives is offered by the two Nottingham universities to care leavers from both councils "
        f"({CITY_000}, 'Further and Higher Education'); whether Nottinghamshire lists it in its own offer is to "
        "be checked",
        None,
    ),
}

# Version 1 of each offer: notes as 0003 wrote them -> as corrected.
NOTES = {
    "Nottingham City Council's Local Offer for Care Leavers, as set out in seeds 000 and 003.": (
        "Nottingham City Council's Local Offer for Care Leavers, as set out in its Children in Care and Care "
        "Leavers Strategy 2021-23 (updated 31 July 2023) and its Care Leavers Annual Report 2020/21 (Corporate "
        "Parenting Board, 17 May 2021)."
    ),
    "Nottinghamshire County Council's Local Offer for Care Leavers, as set out in seeds 001 and 004.": (
        "Nottinghamshire County Council's Local Offer for Care Leavers, as set out in its report to the "
        "Children and Young People's Committee of 7 March 2022 and its Partnership Strategy for Looked After "
        "Children and Care Leavers 2018-21."
    ),
}

# Contact policy sources as 0006 wrote them -> as corrected.
POLICY_SOURCES = {
    CONTACT_POLICY_SEEDED[0]: (
        "Nottingham City Council, Corporate Parenting Board 17 May 2021, 2020/21 Q4 Performance Report Children "
        "in Care/Leaving Care, 'Statutory Visits': \"Visits to Care leavers are undertaken at 8 weekly "
        'frequencies".'
    ),
    CONTACT_POLICY_SEEDED[1]: (
        "Care Leavers (England) Regulations 2010 reg 8: the personal adviser keeps in touch and visits at least "
        "every 2 months, which councils write as every 8 weeks. Nottinghamshire's own standard for under-21s "
        "is not in the council documents this service was set up from: check it with the council."
    ),
    CONTACT_POLICY_SEEDED[2]: (
        f'{COUNTY_001}, para 72: "The Council is required to make at least one contact with all our young '
        "people aged 21 to 24 years per year\". The council's public pages promise more often: check whether "
        "the service works to a shorter gap."
    ),
}

entitlement = sa.table("entitlement", sa.column("id", sa.Uuid()), sa.column("sources", sa.JSON()))
offer_version = sa.table("offer_version", sa.column("notes", sa.Text()))
contact_policy = sa.table("contact_policy", sa.column("source", sa.Text()))


def _corrected(source: dict[str, Any]) -> dict[str, Any]:
    seeded, corrected = SEEDED.get(source.get("id", "")), CORRECTED.get(source.get("id", ""))
    if seeded is None or corrected is None:
        return source
    citation, document = corrected
    changed = dict(source)
    if source.get("citation") == seeded[0]:
        changed["citation"] = citation or seeded[0]
    if source.get("document") == seeded[1]:
        changed["document"] = document
    return changed


def _seeded(source: dict[str, Any]) -> dict[str, Any]:
    seeded, corrected = SEEDED.get(source.get("id", "")), CORRECTED.get(source.get("id", ""))
    if seeded is None or corrected is None:
        return source
    changed = dict(source)
    if source.get("citation") == (corrected[0] or seeded[0]):
        changed["citation"] = seeded[0]
    if source.get("document") == corrected[1] and source.get("citation") in (seeded[0], corrected[0]):
        changed["document"] = seeded[1]
    return changed


def _rewrite_sources(rewrite: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(entitlement.c.id, entitlement.c.sources)).all():
        sources = [rewrite(s) for s in row.sources]
        if sources != row.sources:
            bind.execute(entitlement.update().where(entitlement.c.id == row.id).values(sources=sources))


def _replace_text(table: sa.TableClause, column: str, words: dict[str, str]) -> None:
    for old, new in words.items():
        op.execute(table.update().where(table.c[column] == old).values({column: new}))


def upgrade() -> None:
    _rewrite_sources(_corrected)
    _replace_text(offer_version, "notes", NOTES)
    _replace_text(contact_policy, "source", POLICY_SOURCES)


def downgrade() -> None:
    _rewrite_sources(_seeded)
    _replace_text(offer_version, "notes", {new: old for old, new in NOTES.items()})
    _replace_text(contact_policy, "source", {new: old for old, new in POLICY_SOURCES.items()})
