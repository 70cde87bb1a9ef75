"""Care episodes: the care history as dated periods, and what it says on any date. Pure.

Each period looked after is an episode with its legal basis and placement type in the Department for
Education's own SSDA903 codes (the Episodes table of the children-looked-after return: LS and
PLACE), so the return reads these rows one to one. Two more kinds of entry complete the history the
leaving-care law asks about: a special guardianship order (Children Act 1989 s24(1A)) and custody or
hospital on the 16th birthday (Care Leavers (England) Regulations 2010 reg 3).

From them, for any date, `care_facts` computes what the status rules need: looked after on that
date or not, when they last left, and how many weeks they were looked after since the 14th birthday
up to that date (planned short breaks do not count: Care Planning, Placement and Case Review
(England) Regulations 2010 reg 48 and Children Act 1989 Schedule 2 para 19B(3)(b)). Nothing is a
hand-kept counter: the weeks accrue by themselves, and `changes_on` says when the answer changes
(the day the 13th week completes, a leaving date).

Records made before episodes existed were converted into one *summary* episode holding the old
counters (`converted_from_summary`): its weeks are the weeks recorded on its `as_of` date, accruing
from then while it stays open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.core.dates import birthday

# Children Act 1989 Schedule 2 para 19B and CPPCR 2010 reg 40: 13 weeks since the 14th birthday.
QUALIFYING_DAYS = 13 * 7


class EpisodeKind(StrEnum):
    LOOKED_AFTER = "looked_after"
    SPECIAL_GUARDIANSHIP_ORDER = "special_guardianship_order"
    CUSTODY_OR_HOSPITAL_ON_16TH_BIRTHDAY = "custody_or_hospital_on_16th_birthday"


class LegalBasis(StrEnum):
    """SSDA903 legal status (LS) codes: under what the child was looked after in the episode."""

    INTERIM_CARE_ORDER = "C1"
    FULL_CARE_ORDER = "C2"
    FREEING_ORDER = "D1"
    PLACEMENT_ORDER = "E1"
    SECTION_20_SINGLE_PERIOD = "V2"  # accommodated under Children Act 1989 s20
    SHORT_BREAKS_EPISODES = "V3"  # an agreed series of short-term breaks, each episode recorded
    SHORT_BREAKS_AGREEMENT = "V4"  # an agreed series of short-term breaks, the agreement recorded
    POLICE_PROTECTION = "L1"
    EMERGENCY_PROTECTION_ORDER = "L2"
    CHILD_ASSESSMENT_ORDER = "L3"
    REMANDED = "J1"  # remanded to local authority or youth detention accommodation
    PACE_ACCOMMODATION = "J2"  # placed under the Police and Criminal Evidence Act 1984
    YOUTH_REHABILITATION_ORDER = "J3"  # with a residence or intensive fostering requirement


SHORT_BREAKS = frozenset({LegalBasis.SHORT_BREAKS_EPISODES, LegalBasis.SHORT_BREAKS_AGREEMENT})


class PlacementType(StrEnum):
    """SSDA903 placement type (PLACE) codes."""

    ADOPTION_CONSENT_CURRENT_FOSTER_CARER = "A3"
    ADOPTION_CONSENT_OTHER = "A4"
    ADOPTION_PLACEMENT_ORDER_CURRENT_FOSTER_CARER = "A5"
    ADOPTION_PLACEMENT_ORDER_OTHER = "A6"
    SEMI_INDEPENDENT_LIVING = "H5"
    SECURE_CHILDRENS_HOME = "K1"
    CHILDRENS_HOME = "K2"
    SUPPORTED_ACCOMMODATION = "K3"
    WITH_PARENTS = "P1"
    INDEPENDENT_LIVING = "P2"
    RESIDENTIAL_EMPLOYMENT = "P3"
    RESIDENTIAL_CARE_HOME = "R1"
    NHS_OR_HEALTH_TRUST = "R2"
    FAMILY_CENTRE_OR_MOTHER_AND_BABY_UNIT = "R3"
    YOUNG_OFFENDER_INSTITUTION = "R5"
    RESIDENTIAL_SCHOOL = "S1"
    TEMPORARY_MOVE = "T0"
    TEMPORARY_HOSPITAL = "T1"
    TEMPORARY_HOLIDAY = "T2"
    TEMPORARY_CARER_ON_HOLIDAY = "T3"
    TEMPORARY_SEVEN_DAYS_OR_LESS = "T4"
    FOSTER_RELATIVE_LONG_TERM = "U1"
    FOSTER_RELATIVE_FOR_ADOPTION = "U2"
    FOSTER_RELATIVE_OTHER = "U3"
    FOSTER_OTHER_LONG_TERM = "U4"
    FOSTER_OTHER_FOR_ADOPTION = "U5"
    FOSTER_OTHER = "U6"
    OTHER = "Z1"


class Detention(StrEnum):
    CUSTODY = "custody"
    HOSPITAL = "hospital"


@dataclass(frozen=True, slots=True)
class Summary:
    """The counters of a record converted from before episodes, as they stood on `as_of`."""

    as_of: date
    weeks_since_14: int | None
    weeks_after_16: int | None


@dataclass(frozen=True, slots=True)
class Episode:
    kind: EpisodeKind
    start_on: date | None  # None only for a converted summary that never said when care began
    end_on: date | None  # looked after until the day before; None: still looked after (or not known)
    legal_basis: LegalBasis | None = None
    planned_short_break: bool = False
    detention: Detention | None = None
    summary: Summary | None = None
    # A converted summary that was not "still looked after" but had no leaving date: end not known.
    end_unknown: bool = False

    def covers(self, on: date) -> bool:
        if self.kind is not EpisodeKind.LOOKED_AFTER or self.end_unknown:
            return False
        return (self.start_on is None or self.start_on <= on) and (self.end_on is None or on < self.end_on)


@dataclass(frozen=True, slots=True)
class CareFacts:
    """What the history says on one date."""

    on: date
    ever_looked_after: bool  # some episode had begun by `on`
    still_looked_after: bool  # an open episode covers `on`
    left_care_on: date | None  # the end of the episode covering `on` (planned), or of the last one before
    entered_care_on: date | None
    weeks_since_14: int | None  # None: a converted summary that never recorded them
    weeks_after_16: int | None
    changes_on: tuple[date, ...]  # later dates on which these facts change the status by themselves
    special_guardianship_order_on: date | None = None  # an order made straight from care, in force
    detained_on_16th_birthday: Detention | None = None  # after 13 weeks looked after since 14


def _days(start: date | None, end: date | None, since: date, until: date) -> int:
    """Days in [start, end) that fall in [since, until)."""
    first = max(start, since) if start is not None else since
    last = min(end, until) if end is not None else until
    return max(0, (last - first).days)


def days_looked_after(
    episodes: Iterable[Episode], since: date, until: date, *, after_16: bool = False
) -> int | None:
    """Days looked after from `since` up to, not including, `until`; planned short breaks do not count
    (CPPCR 2010 reg 40(2)). None when a converted summary never recorded its weeks."""
    total = 0
    for episode in episodes:
        if episode.kind is not EpisodeKind.LOOKED_AFTER or episode.planned_short_break:
            continue
        summary = episode.summary
        if summary is None:
            total += _days(episode.start_on, episode.end_on, since, until)
            continue
        weeks = summary.weeks_after_16 if after_16 else summary.weeks_since_14
        if weeks is None:
            return None
        if episode.start_on is not None and until <= episode.start_on:
            continue
        # The recorded weeks stand for the history up to `as_of`; while open it accrues from then on.
        accrued = 0 if episode.end_unknown else _days(summary.as_of, episode.end_on, since, until)
        total += weeks * 7 + accrued
    return total


def care_facts(date_of_birth: date, episodes: Sequence[Episode], on: date) -> CareFacts:
    fourteenth, sixteenth = birthday(date_of_birth, 14), birthday(date_of_birth, 16)
    looked_after = [e for e in episodes if e.kind is EpisodeKind.LOOKED_AFTER]
    begun = [e for e in looked_after if e.start_on is None or e.start_on <= on]
    covering = next((e for e in begun if e.covers(on)), None)
    if covering is not None:
        still, left = covering.end_on is None, covering.end_on
    else:
        ended = [e.end_on for e in begun if e.end_on is not None and e.end_on <= on]
        still, left = False, max(ended) if ended else None
    since_14 = days_looked_after(looked_after, fourteenth, on)
    after_16 = days_looked_after(looked_after, sixteenth, on, after_16=True)
    starts = [e.start_on for e in looked_after if e.start_on is not None]
    changes = {d for e in episodes for d in (e.start_on, e.end_on) if d is not None and d > on}
    if (completes := _thirteenth_week(covering, since_14, fourteenth, on)) is not None:
        changes.add(completes)
    return CareFacts(
        on=on,
        ever_looked_after=bool(begun),
        still_looked_after=still,
        left_care_on=left,
        entered_care_on=min(starts) if starts else None,
        weeks_since_14=None if since_14 is None else since_14 // 7,
        weeks_after_16=None if after_16 is None else after_16 // 7,
        changes_on=tuple(sorted(changes)),
        special_guardianship_order_on=_special_guardianship(episodes, looked_after, on),
        detained_on_16th_birthday=_detained(episodes, looked_after, fourteenth, sixteenth, on),
    )


def _thirteenth_week(covering: Episode | None, so_far: int | None, fourteenth: date, on: date) -> date | None:
    """The day the 13th week since the 14th birthday completes, if the episode in force reaches it."""
    if covering is None or covering.planned_short_break or so_far is None or so_far >= QUALIFYING_DAYS:
        return None
    completes = max(on, fourteenth) + timedelta(days=QUALIFYING_DAYS - so_far)
    return completes if covering.end_on is None or completes <= covering.end_on else None


def _special_guardianship(episodes: Sequence[Episode], looked_after: list[Episode], on: date) -> date | None:
    """An order made by `on`, straight from care (an episode ended on the day or the day before), with
    no care since: Children Act 1989 s24(1A)."""
    for order in episodes:
        if order.kind is not EpisodeKind.SPECIAL_GUARDIANSHIP_ORDER or order.start_on is None:
            continue
        made = order.start_on
        if made > on or (order.end_on is not None and order.end_on <= on):
            continue
        straight_from_care = any(
            e.end_on is not None and made - timedelta(days=1) <= e.end_on <= made for e in looked_after
        )
        later_care = any(e.start_on is not None and made <= e.start_on <= on for e in looked_after)
        if straight_from_care and not later_care:
            return made
    return None


def _detained(
    episodes: Sequence[Episode], looked_after: list[Episode], fourteenth: date, sixteenth: date, on: date
) -> Detention | None:
    """In custody or hospital on the 16th birthday, after 13 weeks looked after since 14 before being
    detained or admitted (Care Leavers (England) Regulations 2010 reg 3)."""
    if on < sixteenth:
        return None
    for entry in episodes:
        if entry.kind is not EpisodeKind.CUSTODY_OR_HOSPITAL_ON_16TH_BIRTHDAY or entry.start_on is None:
            continue
        if entry.start_on > sixteenth or (entry.end_on is not None and entry.end_on <= sixteenth):
            continue
        before = days_looked_after(looked_after, fourteenth, entry.start_on)
        if before is not None and before >= QUALIFYING_DAYS:
            return entry.detention or Detention.CUSTODY
    return None


def overlapping(episodes: Sequence[Episode]) -> list[tuple[int, int]]:
    """Pairs of looked-after periods (by index) that share a day; one may end the day the next begins."""
    found = []
    for i, first in enumerate(episodes):
        for j in range(i + 1, len(episodes)):
            second = episodes[j]
            if first.kind is not EpisodeKind.LOOKED_AFTER or second.kind is not EpisodeKind.LOOKED_AFTER:
                continue
            a_start, b_start = first.start_on or date.min, second.start_on or date.min
            a_end, b_end = first.end_on or date.max, second.end_on or date.max
            if a_start < b_end and b_start < a_end:
                found.append((i, j))
    return found
