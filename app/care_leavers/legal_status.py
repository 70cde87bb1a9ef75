"""A young person's legal status on a date, from their care history, with the reasons. Pure.

The base derivation (eligible, relevant, former relevant, qualifying, or none) is the rules engine's
(`app.entitlements.rules.status`, STATUTE.md section 1), so the record and the eligibility check can
never disagree about it. The record adds what only it knows: a former relevant young person of 21 to
24 on a course or training keeps the council's support to 25 (CA89 s23CA, and a course that
continues past 21), a qualifying one keeps help with it to 25 (CA89 s24B(3)), and an override staff
recorded with a reason (a special guardianship order after 16, detention on the 16th birthday, a
return home for six months: STATUTE.md section 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.care_leavers.enums import RecordStatus
from app.core.dates import age_on, birthday
from app.entitlements.rules.facts import LegalStatus
from app.entitlements.rules.status import derive_legal_status

_FROM_ENGINE = {
    LegalStatus.ELIGIBLE: RecordStatus.ELIGIBLE,
    LegalStatus.RELEVANT: RecordStatus.RELEVANT,
    LegalStatus.FORMER_RELEVANT: RecordStatus.FORMER_RELEVANT,
    LegalStatus.QUALIFYING: RecordStatus.QUALIFYING,
    LegalStatus.NONE: RecordStatus.NOT_A_CARE_LEAVER,
}


@dataclass(frozen=True, slots=True)
class CareHistory:
    date_of_birth: date
    still_looked_after: bool
    left_care_on: date | None
    weeks_looked_after_since_14: int | None
    # Later dates on which the history itself may change the answer (from care episodes: the day the
    # 13th week completes, an episode's start or end).
    changes_on: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class StatusDecision:
    status: RecordStatus | None  # None: the history recorded is not enough to tell
    derived: RecordStatus | None  # what the history alone gives, before any override
    reasons: tuple[Reason, ...]
    valid_until: date | None  # the last day this answer holds by itself (None: it will not change)
    overridden: bool = False


def decide_status(
    history: CareHistory,
    on: date,
    *,
    in_education_or_training: bool | None = None,
    override: tuple[RecordStatus, str] | None = None,
) -> StatusDecision:
    facts: dict[str, object] = {"still_looked_after": history.still_looked_after}
    if history.left_care_on is not None:
        facts["left_care_on"] = history.left_care_on
    if history.weeks_looked_after_since_14 is not None:
        facts["looked_after_weeks_since_14"] = history.weeks_looked_after_since_14
    # What the record does not say about education counts as not in it: the record is what the
    # council knows, and a qualifying young person of 21 to 24 keeps the status only for a course.
    base = derive_legal_status(facts, on, history.date_of_birth, education=bool(in_education_or_training))
    thresholds = [*base.thresholds, *(d for d in history.changes_on if d > on)]
    valid_until = min(thresholds) - timedelta(days=1) if thresholds else None
    if base.status is None:
        missing = "how many weeks they were looked after since their 14th birthday"
        if not history.still_looked_after and history.left_care_on is None:
            missing = "when they left care (or that they are still looked after)"
        derived, reasons = (
            None,
            [Reason("history.incomplete", f"The care history does not yet say {missing}.")],
        )
    else:
        derived = _FROM_ENGINE[base.status]
        reasons = [Reason(f"history.{derived.value}", base.explanation + ".")]
        age = age_on(history.date_of_birth, on)
        if derived is RecordStatus.FORMER_RELEVANT and age >= 21 and in_education_or_training:
            derived = RecordStatus.FORMER_RELEVANT_IN_EDUCATION
            reasons.append(
                Reason(
                    "education.continues_to_25",
                    f"They are {age} and in education or training, so the council's support continues "
                    "until their 25th birthday (Children Act 1989 s23CA).",
                )
            )
    # An override never outlives the council's duties, which end on the 25th birthday.
    if override is None or age_on(history.date_of_birth, on) >= 25:
        return StatusDecision(derived, derived, tuple(reasons), valid_until)
    status, why = override
    reasons.append(Reason("override", f"Set by staff as {status.value.replace('_', ' ')}: {why}"))
    twenty_fifth = birthday(history.date_of_birth, 25) - timedelta(days=1)
    return StatusDecision(status, derived, tuple(reasons), twenty_fifth, overridden=True)
