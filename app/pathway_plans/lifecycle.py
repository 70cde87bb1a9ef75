"""The lifecycle of a plan version, as data. Pure: standard library only.

    draft --submit--> submitted --authorise--> authorised --supersede--> superseded
      ^                   |
      +------return-------+

Only a draft changes. Authorising fixes the content of that version for ever; a review starts a new
draft copied from the authorised one, and authorising that draft supersedes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.pathway_plans.enums import CORE_SECTIONS, PlanStatus, SectionKind


class Transition(StrEnum):
    SUBMIT = "submit"
    AUTHORISE = "authorise"
    RETURN = "return"  # a manager sends a submitted plan back to its author
    SUPERSEDE = "supersede"  # a later version is authorised


_NEXT: Mapping[tuple[PlanStatus, Transition], PlanStatus] = {
    (PlanStatus.DRAFT, Transition.SUBMIT): PlanStatus.SUBMITTED,
    (PlanStatus.SUBMITTED, Transition.AUTHORISE): PlanStatus.AUTHORISED,
    (PlanStatus.SUBMITTED, Transition.RETURN): PlanStatus.DRAFT,
    (PlanStatus.AUTHORISED, Transition.SUPERSEDE): PlanStatus.SUPERSEDED,
}

# Versions that are still being worked on: at most one per young person.
OPEN = frozenset({PlanStatus.DRAFT, PlanStatus.SUBMITTED})
# What the young person sees: the plan their manager authorised, and the ones before it.
SHOWN_TO_YOUNG_PERSON = frozenset({PlanStatus.AUTHORISED, PlanStatus.SUPERSEDED})


def next_status(current: PlanStatus, transition: Transition) -> PlanStatus | None:
    """The status after `transition`, or None when the transition is not allowed from `current`."""
    return _NEXT.get((current, transition))


def may_authorise(authoriser_id: uuid.UUID, contributors: Collection[uuid.UUID]) -> bool:
    """A manager authorises only a plan they did not write: not its author, an editor or its submitter."""
    return authoriser_id not in contributors


@dataclass(frozen=True, slots=True)
class SectionFacts:
    needs_and_risks: str | None


def missing_for_submission(
    contingency_plan: str | None, sections: Mapping[SectionKind, SectionFacts]
) -> list[tuple[str, str]]:
    """What a plan needs before a manager can authorise it, as (field, message) pairs.

    CLR 2010 Schedule 1: every core area is assessed (needs and risks written, even "none now"), and
    the plan says what happens if it fails (the contingency plan, dimension 4).
    """
    missing = []
    for kind in CORE_SECTIONS:
        section = sections.get(kind)
        if section is None or not (section.needs_and_risks or "").strip():
            missing.append((f"sections.{kind.value}.needs_and_risks", "write the needs and risks"))
    if not (contingency_plan or "").strip():
        missing.append(("contingency_plan", "say what happens if the plan does not work out"))
    return missing


def relevant_sections(circumstances: Mapping[str, Mapping[str, Any]]) -> list[SectionKind]:
    """The where-relevant sections a first plan starts with, from the circumstances in force (by kind)."""
    found = []
    immigration = circumstances.get("immigration_status")
    if immigration is not None and immigration.get("status") not in (None, "british_or_irish"):
        found.append(SectionKind.IMMIGRATION_AND_LEGAL_STATUS)
    parenthood = circumstances.get("parenthood")
    if parenthood is not None and parenthood.get("is_parent"):
        found.append(SectionKind.PARENTING)
    residence = circumstances.get("residence")
    if residence is not None and residence.get("accommodation") == "X":  # SSDA903 ACCOM X: custody
        found.append(SectionKind.CUSTODY)
    return found
