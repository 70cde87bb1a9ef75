"""The legal status on a date from the care episodes: the facts for that date go to the one derivation
(`legal_status.decide_status`, which calls the rules engine), and what the 13-week test does not cover
(a special guardianship order, custody or hospital on the 16th birthday) is added with its reason. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from app.care_leavers.care_history import CareFacts, Episode, care_facts
from app.care_leavers.enums import RecordStatus
from app.care_leavers.legal_status import CareHistory, Reason, StatusDecision, decide_status
from app.core.dates import age_on, birthday
from app.entitlements.rules.dates import long_date

# What the history alone gave, that a special guardianship order made straight from care improves on.
_NO_MORE_THAN_QUALIFYING = {None, RecordStatus.NOT_A_CARE_LEAVER, RecordStatus.QUALIFYING}


def history_on(date_of_birth: date, episodes: Sequence[Episode], on: date) -> tuple[CareHistory, CareFacts]:
    """The facts the status rules read, as the episodes give them on `on`."""
    facts = care_facts(date_of_birth, episodes, on)
    left = facts.left_care_on
    sixteenth = birthday(date_of_birth, 16)
    if (
        facts.detained_on_16th_birthday
        and not facts.still_looked_after
        and (left is None or left < sixteenth)
    ):
        # CLR 2010 reg 3: relevant as if they had left care on the 16th birthday after 13 weeks.
        left = sixteenth
    history = CareHistory(
        date_of_birth=date_of_birth,
        still_looked_after=facts.still_looked_after,
        left_care_on=left,
        weeks_looked_after_since_14=facts.weeks_since_14,
        changes_on=facts.changes_on,
    )
    return history, facts


def decide_from_episodes(
    date_of_birth: date,
    episodes: Sequence[Episode],
    on: date,
    *,
    in_education_or_training: bool | None = None,
    override: tuple[RecordStatus, str] | None = None,
) -> StatusDecision:
    history, facts = history_on(date_of_birth, episodes, on)
    if not facts.ever_looked_after:
        return _not_yet_looked_after(history, facts, on, override)
    decision = decide_status(
        history, on, in_education_or_training=in_education_or_training, override=override
    )
    if facts.detained_on_16th_birthday is not None:
        where = "in custody" if facts.detained_on_16th_birthday.value == "custody" else "in hospital"
        decision = replace(
            decision,
            reasons=(
                Reason(
                    "history.detained_on_16th_birthday",
                    f"They were {where} on their 16th birthday after being looked after for 13 weeks or more "
                    "since their 14th birthday, so they count as having left care then (Care Leavers "
                    "(England) Regulations 2010 reg 3).",
                ),
                *decision.reasons,
            ),
        )
    if facts.special_guardianship_order_on is not None and not decision.overridden:
        decision = _special_guardianship(decision, date_of_birth, facts.special_guardianship_order_on, on)
    return decision


def _special_guardianship(decision: StatusDecision, born: date, made: date, on: date) -> StatusDecision:
    if decision.derived not in _NO_MORE_THAN_QUALIFYING:
        return decision  # the history already gives a status with more support
    age = age_on(born, on)
    if age >= 21:
        return decision
    reason = Reason(
        "history.special_guardianship_order",
        f"A special guardianship order was made on {long_date(made)}, straight from care, so they qualify "
        "for advice and assistance from 16 until their 21st birthday (Children Act 1989 s24(1A)).",
    )
    if age < 16:
        until = _earliest(decision.valid_until, birthday(born, 16) - timedelta(days=1))
        return replace(decision, reasons=(*decision.reasons, reason), valid_until=until)
    until = _earliest(decision.valid_until, birthday(born, 21) - timedelta(days=1))
    return StatusDecision(RecordStatus.QUALIFYING, RecordStatus.QUALIFYING, (reason,), until)


def _not_yet_looked_after(
    history: CareHistory, facts: CareFacts, on: date, override: tuple[RecordStatus, str] | None
) -> StatusDecision:
    reason = Reason(
        "history.not_yet_looked_after",
        f"Their care history has no period looked after that had begun by {long_date(on)}.",
    )
    until = facts.changes_on[0] - timedelta(days=1) if facts.changes_on else None
    if override is None:
        none = RecordStatus.NOT_A_CARE_LEAVER
        return StatusDecision(none, none, (reason,), until)
    # Keep the override rules in one place: derive as if never looked after, then say why.
    never = replace(history, still_looked_after=False, left_care_on=history.date_of_birth)
    decision = decide_status(replace(never, weeks_looked_after_since_14=0), on, override=override)
    return replace(decision, reasons=(reason, *decision.reasons[1:]))


def _earliest(first: date | None, second: date) -> date:
    return second if first is None else min(first, second)
