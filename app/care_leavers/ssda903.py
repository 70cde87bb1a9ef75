"""The Department for Education's SSDA903 Episodes table, as a council's case-management system exports it
for the children looked after return: what its columns and codes mean here. Pure.

One row is one episode: a child starts to be looked after (`RNE` S) and every change of legal status or
placement ends the episode (`REC` X1) and begins the next on the same day (`RNE` L, P, T, B or U); any
other `REC` ends the period of care. A `CareEpisode` holds one row each (DECOM = `start_on`, DEC =
`end_on`, LS = `legal_basis`, PLACE = `placement_type`), so a period of care is a run of episodes each
ending the day the next begins, exactly as in the return. An episode that ended in a special guardianship
order (`REC` E45 to E48, E43 and E44 in older returns) also records the order, made on DEC.

The codes are those of the DfE's own validator for the return (quality-lac-data-beta-validator,
`lac_validator`): legal status (rule 144), placement type (146, and K3 from 2023-24), reason for new
episode (143), reason episode ceased (149), DEC and REC together (148), and after a period of care ends
the next episode starts one (432). The other columns (CIN, PLACE_PROVIDER, REASON_PLACE_CHANGE, HOME_POST,
PL_POST, URN) are accepted and not kept: no leaving-care status depends on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from itertools import pairwise
from typing import Annotated

from pydantic import Field, StringConstraints

from app.care_leavers.care_history import LegalBasis, PlacementType
from app.care_leavers.import_files import CsvDate
from app.core.schemas import InputModel

COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
REQUIRED_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]
NOT_KEPT = frozenset(COLUMNS) - frozenset(REQUIRED_COLUMNS)
SOURCE = "ssda903"  # `details.source` of the episodes this import records


class NewEpisodeReason(StrEnum):
    """RNE: why the episode began."""

    STARTED = "S"  # started to be looked after
    LEGAL_STATUS = "L"  # change of legal status only
    PLACEMENT_AND_CARER = "P"  # change of placement and carer(s) only
    PLACEMENT_SAME_CARER = "T"  # change of placement (but same carer(s)) only
    LEGAL_STATUS_PLACEMENT_AND_CARER = "B"
    LEGAL_STATUS_PLACEMENT_SAME_CARER = "U"


class EpisodeEndReason(StrEnum):
    """REC: why the episode ceased. X1 continues the period of care in a new episode; the rest end it."""

    NEW_EPISODE = "X1"
    ADOPTED_UNOPPOSED = "E11"
    ADOPTED_CONSENT_DISPENSED = "E12"
    DIED = "E2"
    ANOTHER_AUTHORITY = "E3"
    HOME_AS_PLANNED = "E4A"
    HOME_NOT_AS_PLANNED = "E4B"
    WITH_NO_PARENTAL_RESPONSIBILITY = "E13"
    CHILD_ARRANGEMENTS_ORDER = "E41"
    SPECIAL_GUARDIANSHIP_FOSTER_CARERS = "E43"  # older returns
    SPECIAL_GUARDIANSHIP_OTHER_CARERS = "E44"  # older returns
    SPECIAL_GUARDIANSHIP_FOSTER_RELATIVES = "E45"
    SPECIAL_GUARDIANSHIP_FOSTER_OTHER = "E46"
    SPECIAL_GUARDIANSHIP_RELATIVES = "E47"
    SPECIAL_GUARDIANSHIP_OTHER = "E48"
    INDEPENDENT_WITH_SUPPORT = "E5"
    INDEPENDENT_WITHOUT_SUPPORT = "E6"
    ADULT_SOCIAL_CARE = "E7"
    OTHER = "E8"
    SENTENCED_TO_CUSTODY = "E9"
    REMAND_ENDED = "E14"
    AGE_ASSESSED_AS_ADULT = "E15"
    MOVED_ABROAD = "E16"
    STAYED_WITH_CARERS_AT_18 = "E17"


SPECIAL_GUARDIANSHIP = frozenset(
    {
        EpisodeEndReason.SPECIAL_GUARDIANSHIP_FOSTER_CARERS,
        EpisodeEndReason.SPECIAL_GUARDIANSHIP_OTHER_CARERS,
        EpisodeEndReason.SPECIAL_GUARDIANSHIP_FOSTER_RELATIVES,
        EpisodeEndReason.SPECIAL_GUARDIANSHIP_FOSTER_OTHER,
        EpisodeEndReason.SPECIAL_GUARDIANSHIP_RELATIVES,
        EpisodeEndReason.SPECIAL_GUARDIANSHIP_OTHER,
    }
)

# The column each episode field comes from, to name it in a row's problems.
COLUMN_OF = {
    "start_on": "DECOM",
    "end_on": "DEC",
    "legal_basis": "LS",
    "planned_short_break": "LS",
    "placement_type": "PLACE",
}

ChildId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class EpisodeRow(InputModel):
    """One row of the Episodes table, by its column names; blank cells are absent."""

    child: ChildId = Field(alias="CHILD")
    decom: CsvDate = Field(alias="DECOM")
    rne: NewEpisodeReason = Field(alias="RNE")
    ls: LegalBasis = Field(alias="LS")
    place: PlacementType | None = Field(default=None, alias="PLACE")
    dec: CsvDate | None = Field(default=None, alias="DEC")
    rec: EpisodeEndReason | None = Field(default=None, alias="REC")


def header_name(name: str) -> str:
    return name.strip().upper()


def sequence_problems(rows: Sequence[tuple[int, EpisodeRow]]) -> list[tuple[int, str, str]]:
    """One child's rows, by DECOM: what breaks the return's own shape, as (line, column, why)."""
    found: list[tuple[int, str, str]] = []
    for line, row in rows:
        if row.dec is not None and row.rec is None:
            found.append((line, "REC", "required with DEC: why the episode ceased"))
        if row.rec is not None and row.dec is None:
            found.append((line, "DEC", f"required with REC {row.rec.value}: the day the episode ceased"))
    for (before_line, before), (line, row) in pairwise(rows):
        if before.decom == row.decom:
            found.append((line, "DECOM", f"the same as line {before_line}: one episode per day"))
        elif before.rec is EpisodeEndReason.NEW_EPISODE and before.dec is not None:
            if row.decom != before.dec:
                found.append(
                    (
                        before_line,
                        "REC",
                        f"X1 says the next episode began on {before.dec:%d/%m/%Y}, but it began on "
                        f"{row.decom:%d/%m/%Y} (line {line})",
                    )
                )
            if row.rne is NewEpisodeReason.STARTED:
                found.append(
                    (line, "RNE", f"S starts a period of care, but line {before_line} continued it (REC X1)")
                )
        elif before.rec is not None and row.rne is not NewEpisodeReason.STARTED:
            found.append(
                (
                    line,
                    "RNE",
                    f"line {before_line} ended the period of care (REC {before.rec.value}): the next episode "
                    "starts one (S)",
                )
            )
    if rows and (last := rows[-1][1]).rec is EpisodeEndReason.NEW_EPISODE and last.dec is not None:
        found.append(
            (rows[-1][0], "REC", f"X1, but the file has no episode beginning on {last.dec:%d/%m/%Y}")
        )
    return found
