"""Facts for the eligibility engine, read from a care-leaver record as it stood on a date.

Only what the record says is passed: a fact the record does not hold stays unknown and the engine
asks for it (`missing_facts`), rather than being guessed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.care_leavers.enums import Accommodation, Activity, CircumstanceKind, RecordStatus
from app.care_leavers.legal_status import CareHistory
from app.care_leavers.models import CareLeaver

# The accommodation types where a young person runs their own home (and may be liable for bills).
_OWN_HOME = {Accommodation.INDEPENDENT_LIVING.value, Accommodation.ORDINARY_LODGINGS.value}
_UNKNOWN_HOME = {Accommodation.NOT_KNOWN.value, Accommodation.NO_INFORMATION.value}
_ENGINE_STATUS = {
    RecordStatus.ELIGIBLE: "eligible",
    RecordStatus.RELEVANT: "relevant",
    RecordStatus.FORMER_RELEVANT: "former_relevant",
    RecordStatus.FORMER_RELEVANT_IN_EDUCATION: "former_relevant",
    RecordStatus.QUALIFYING: "qualifying",
}


def reads_care_history(status: RecordStatus | None) -> bool:
    """Whether `facts_from_record` reads the care history with this status (otherwise the engine is
    given the status itself), so a caller can leave out working it out."""
    return status not in _ENGINE_STATUS


def facts_from_record(
    person: CareLeaver,
    gss_code: str,
    snapshot: dict[CircumstanceKind, dict[str, Any]],
    status: RecordStatus | None,
    on: date,
    care: CareHistory | None = None,
) -> dict[str, object]:
    facts: dict[str, object] = {"date_of_birth": person.date_of_birth, "local_authority": gss_code}
    if status in _ENGINE_STATUS:
        facts["legal_status"] = _ENGINE_STATUS[status]
        if status is RecordStatus.FORMER_RELEVANT_IN_EDUCATION:
            # On a course or training from 21: the personal adviser stays (CA89 s23C(7), s23CA).
            facts["pursuing_programme_in_pathway_plan"] = True
    else:
        # Not a care leaver on this date, or not yet known: give the engine the history to work from
        # (`care`: as the episodes give it on `on`).
        history = care or CareHistory(
            person.date_of_birth,
            person.still_looked_after,
            person.left_care_on,
            person.weeks_looked_after_since_14,
        )
        facts["still_looked_after"] = history.still_looked_after
        if history.left_care_on is not None:
            facts["left_care_on"] = history.left_care_on
        if history.weeks_looked_after_since_14 is not None:
            facts["looked_after_weeks_since_14"] = history.weeks_looked_after_since_14
    _residence(facts, snapshot.get(CircumstanceKind.RESIDENCE))
    _activity(facts, snapshot.get(CircumstanceKind.ACTIVITY))
    _higher_education(facts, snapshot.get(CircumstanceKind.HIGHER_EDUCATION), on)
    if (work := snapshot.get(CircumstanceKind.WORK_HOURS)) is not None:
        facts["weekly_work_hours"] = work["weekly_hours"]
    if (staying := snapshot.get(CircumstanceKind.STAYING_PUT)) is not None:
        facts["staying_put"] = staying["staying_put"]
    if (immigration := snapshot.get(CircumstanceKind.IMMIGRATION_STATUS)) is not None:
        facts["immigration_status"] = immigration["status"]
    if (parent := snapshot.get(CircumstanceKind.PARENTHOOD)) is not None:
        facts["is_parent"] = parent["is_parent"]
    return facts


def _residence(facts: dict[str, object], residence: dict[str, Any] | None) -> None:
    if residence is None:
        return
    if residence.get("district_gss_code"):
        facts["district"] = residence["district_gss_code"]
    if residence["accommodation"] not in _UNKNOWN_HOME:
        facts["living_independently"] = residence["accommodation"] in _OWN_HOME


def _activity(facts: dict[str, object], activity: dict[str, Any] | None) -> None:
    if activity is None or activity["code"] == Activity.NO_INFORMATION.value:
        return
    code = Activity(activity["code"])
    facts["in_further_education"] = code in {
        Activity.OTHER_EDUCATION_FULL_TIME,
        Activity.OTHER_EDUCATION_PART_TIME,
    }
    facts["in_apprenticeship"] = code in {
        Activity.APPRENTICESHIP_FULL_TIME,
        Activity.APPRENTICESHIP_PART_TIME,
    }
    facts.setdefault(
        "in_higher_education",
        code in {Activity.HIGHER_EDUCATION_FULL_TIME, Activity.HIGHER_EDUCATION_PART_TIME},
    )


def _higher_education(facts: dict[str, object], course: dict[str, Any] | None, on: date) -> None:
    if course is None:
        return
    started = date.fromisoformat(course["started_on"])
    facts["in_higher_education"] = bool(course["studying"]) and started <= on
    facts["course_start"] = started
    if course.get("expected_end_on"):
        facts["course_end"] = date.fromisoformat(course["expected_end_on"])
    if course.get("university"):
        facts["university"] = course["university"]
