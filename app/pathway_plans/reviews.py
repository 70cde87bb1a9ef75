"""When an authorised pathway plan must next be reviewed, and why. Pure: standard library and
`app.core.dates` only, so the rule is tested on its own and the same everywhere.

A plan is reviewed at least every six months (CLR 2010 reg 7; STATUTE.md section 2), and earlier
when the young person's life changes: a move, the 18th birthday, starting or leaving higher
education, entering custody, becoming a parent (issue 6; BRIEF.md "reviewed ... whenever
circumstances change"). The earliest of these dates wins.

Which changes count: those that took effect after the day the plan was authorised, and those
recorded after it was authorised, whatever their date (a move recorded late was not known to
the manager who authorised the plan). For a late-recorded change the clock starts on the day it
was recorded, since nobody could act on it before. Reviewing early is safe; missing a change is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.core.dates import add_months, birthday
from app.pathway_plans.enums import ReviewReason

# CLR 2010 reg 7 and STATUTE.md section 2: "reviewed at least every 6 months".
REVIEW_INTERVAL_MONTHS = 6

# How long after a trigger the review falls due. STATUTE.md section 2 marks the source *check*:
# CLR 2010 reg 7(3) asks for an extra review after the council places a relevant child in
# accommodation, as soon as practicable after the end of 28 days there. We apply 28 days to every
# change of circumstances (time to see how the change has settled, short enough to act on it).
# The 18th birthday is known in advance: the review falls due on the birthday itself, when the
# young person becomes former relevant and their support changes.
REVIEW_WITHIN_DAYS: Mapping[ReviewReason, int] = {
    ReviewReason.ACCOMMODATION_CHANGED: 28,
    ReviewReason.ENTERED_CUSTODY: 28,
    ReviewReason.STARTED_HIGHER_EDUCATION: 28,
    ReviewReason.LEFT_HIGHER_EDUCATION: 28,
    ReviewReason.BECAME_PARENT: 28,
    ReviewReason.EIGHTEENTH_BIRTHDAY: 0,
}

# SSDA903 ACCOM X: custody (STATUTE.md section 5).
CUSTODY = "X"

EXPLANATIONS: Mapping[ReviewReason, str] = {
    ReviewReason.SIX_MONTHLY: "Every plan is reviewed at least every six months.",
    ReviewReason.ACCOMMODATION_CHANGED: "They moved, so the plan is reviewed within 28 days of the move.",
    ReviewReason.EIGHTEENTH_BIRTHDAY: "They turn 18: the plan is reviewed by their birthday.",
    ReviewReason.STARTED_HIGHER_EDUCATION: "They started higher education: the plan is reviewed within 28 days.",
    ReviewReason.LEFT_HIGHER_EDUCATION: "They left higher education: the plan is reviewed within 28 days.",
    ReviewReason.ENTERED_CUSTODY: "They entered custody: the plan is reviewed within 28 days.",
    ReviewReason.BECAME_PARENT: "They became a parent: the plan is reviewed within 28 days.",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated circumstance as recorded (see `app.care_leavers.circumstances`)."""

    kind: str  # "residence", "higher_education", "parenthood"; other kinds are ignored
    valid_from: date
    recorded_at: datetime
    recorded_on: date  # the UK date of `recorded_at`
    details: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Change:
    """A change of circumstances that calls for a review."""

    reason: ReviewReason
    occurred_on: date
    recorded_at: datetime
    recorded_on: date


@dataclass(frozen=True, slots=True)
class ReviewDue:
    due_on: date
    reason: ReviewReason
    trigger_on: date | None  # the day the trigger took effect (None for the six-monthly review)


def _timeline(entries: Iterable[Entry], kind: str) -> list[Entry]:
    """Entries of one kind in date order; of two for the same date, the one recorded later (a correction)."""
    latest: dict[date, Entry] = {}
    for entry in entries:
        if entry.kind != kind:
            continue
        kept = latest.get(entry.valid_from)
        if kept is None or entry.recorded_at > kept.recorded_at:
            latest[entry.valid_from] = entry
    return [latest[day] for day in sorted(latest)]


def _residence_changes(entries: Iterable[Entry]) -> list[Change]:
    changes, previous = [], None
    for entry in _timeline(entries, "residence"):
        place = (entry.details.get("accommodation"), entry.details.get("district_gss_code"))
        reason = None
        if place[0] == CUSTODY and (previous is None or previous[0] != CUSTODY):
            reason = ReviewReason.ENTERED_CUSTODY
        elif previous is not None and (place != previous or not entry.details.get("same_home")):
            # A new dated entry is a move (to another flat of the same type in the same district too)
            # unless the adviser says it is the same home, for example a new suitability judgement.
            reason = ReviewReason.ACCOMMODATION_CHANGED
        if reason is not None:
            changes.append(Change(reason, entry.valid_from, entry.recorded_at, entry.recorded_on))
        previous = place
    return changes


def _flag_changes(
    entries: Iterable[Entry], kind: str, flag: str, on_start: ReviewReason, on_stop: ReviewReason | None
) -> list[Change]:
    changes, before = [], False
    for entry in _timeline(entries, kind):
        now = bool(entry.details.get(flag))
        reason = on_start if now and not before else on_stop if before and not now else None
        if reason is not None:
            changes.append(Change(reason, entry.valid_from, entry.recorded_at, entry.recorded_on))
        before = now
    return changes


def changes_in(entries: Iterable[Entry]) -> list[Change]:
    """Every change in a young person's recorded circumstances that calls for a review, oldest first."""
    entries = list(entries)
    found = (
        _residence_changes(entries)
        + _flag_changes(
            entries,
            "higher_education",
            "studying",
            ReviewReason.STARTED_HIGHER_EDUCATION,
            ReviewReason.LEFT_HIGHER_EDUCATION,
        )
        + _flag_changes(entries, "parenthood", "is_parent", ReviewReason.BECAME_PARENT, None)
    )
    return sorted(found, key=lambda c: (c.occurred_on, c.recorded_at))


def _trigger_day(change: Change, authorised_at: datetime, authorised_on: date) -> date | None:
    if change.occurred_on > authorised_on:
        return change.occurred_on
    if change.recorded_at > authorised_at:
        return change.recorded_on  # learnt of after authorisation
    return None  # known when the plan was authorised


def review_due(
    *, authorised_at: datetime, authorised_on: date, date_of_birth: date, changes: Iterable[Change]
) -> ReviewDue:
    """The next review of a plan authorised at `authorised_at` (`authorised_on` in UK time)."""
    candidates = [
        ReviewDue(add_months(authorised_on, REVIEW_INTERVAL_MONTHS), ReviewReason.SIX_MONTHLY, None)
    ]
    eighteenth = birthday(date_of_birth, 18)
    if eighteenth > authorised_on:
        candidates.append(ReviewDue(eighteenth, ReviewReason.EIGHTEENTH_BIRTHDAY, eighteenth))
    for change in changes:
        day = _trigger_day(change, authorised_at, authorised_on)
        if day is not None:
            due = day + timedelta(days=REVIEW_WITHIN_DAYS[change.reason])
            candidates.append(ReviewDue(due, change.reason, day))
    # The earliest wins; on the same day a trigger explains more than "six months".
    return min(candidates, key=lambda c: (c.due_on, c.reason is ReviewReason.SIX_MONTHLY))
