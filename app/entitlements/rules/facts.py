"""The facts a rule may refer to, and the words the engine uses to talk about each one.

Fact names are snake_case and shared with the API (`POST /v1/eligibility/check`), the care-leaver
record and the council's rule data: a rule that names a fact not listed here is refused when the
council saves it. A fact that is absent is unknown, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    BOOL = "bool"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"  # one of a fixed list of values
    AUTHORITY = "authority"  # GSS code of a council with children's services
    AREA = "area"  # GSS code of a place someone lives: a district, or a unitary council's area


class LegalStatus:
    """The statutory statuses (STATUTE.md section 1; Children Act 1989 ss19B, 23A, 23C, 24)."""

    ELIGIBLE = "eligible"
    RELEVANT = "relevant"
    FORMER_RELEVANT = "former_relevant"
    QUALIFYING = "qualifying"
    # Derived only, never sent: the care history shows no leaving-care status on that date.
    NONE = "not_a_care_leaver"

    ALL = (ELIGIBLE, RELEVANT, FORMER_RELEVANT, QUALIFYING)


@dataclass(frozen=True, slots=True)
class FactSpec:
    """How the engine reads a fact and speaks about it.

    `label` completes "Tell us ..."; `statement` is a sentence about the young person with `{}` for
    the value; `yes`/`no` are the two sentences for a true/false fact; `audience` describes who a
    list of values is for ("homes in {}"); `change` is what would change a failing true/false test.
    """

    name: str
    kind: Kind
    label: str
    statement: str = ""
    yes: str = ""
    no: str = ""
    audience: str = ""
    change: str = ""
    event: str = ""  # for dates: "your course started", completing "You were 19 when ..."
    event_future: str = ""  # the same event still to come: "your course starts"
    choices: Mapping[str, str] = field(default_factory=dict)  # value -> words
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""  # for numbers: the parameter unit a limit on this fact must use


def _bool(name: str, label: str, yes: str, no: str, change: str = "") -> FactSpec:
    return FactSpec(name, Kind.BOOL, label, yes=yes, no=no, change=change)


def _date(name: str, label: str, event: str, future: str) -> FactSpec:
    statement = f"{event[0].upper()}{event[1:]} on {{}}"
    return FactSpec(name, Kind.DATE, label, statement=statement, event=event, event_future=future)


LEGAL_STATUS_WORDS = {
    LegalStatus.ELIGIBLE: "eligible",
    LegalStatus.RELEVANT: "relevant",
    LegalStatus.FORMER_RELEVANT: "former relevant",
    LegalStatus.QUALIFYING: "qualifying",
    LegalStatus.NONE: "not a care leaver in law",
}

IMMIGRATION_STATUS_WORDS = {
    "british_or_irish": "British or Irish citizen",
    "settled": "settled status or indefinite leave to remain",
    "refugee_or_humanitarian_protection": "refugee status or humanitarian protection",
    "leave_with_recourse_to_public_funds": "leave to remain that lets you claim benefits",
    "leave_no_recourse_to_public_funds": "leave to remain with no recourse to public funds",
    "awaiting_home_office_decision": "waiting for a Home Office decision",
}

UNIVERSITY_WORDS = {
    "nottingham_trent_university": "Nottingham Trent University",
    "university_of_nottingham": "the University of Nottingham",
    "other": "another university or college",
}

_SPECS = (
    _date("date_of_birth", "your date of birth", "you were born", "you are born"),
    FactSpec(
        "local_authority",
        Kind.AUTHORITY,
        "which council looked after you",
        statement="You were looked after by {}",
        audience="young people looked after by {}",
    ),
    FactSpec(
        "legal_status",
        Kind.CHOICE,
        "your leaving-care status",
        statement="Your leaving-care status is {}",
        audience="young people whose status is {}",
        choices={k: v for k, v in LEGAL_STATUS_WORDS.items() if k != LegalStatus.NONE},
    ),
    FactSpec(
        "district",
        Kind.AREA,
        "where you live",
        statement="You live in {}",
        audience="homes in {}",
    ),
    _bool(
        "liable_for_council_tax",
        "whether you would have to pay council tax on your home",
        "You would have to pay council tax on your home",
        "You would not have to pay council tax on your home",
        "if you become responsible for council tax, for example with your own tenancy",
    ),
    _bool(
        "in_higher_education",
        "whether you are in higher education",
        "You are in higher education (a degree or similar course)",
        "You are not in higher education",
        "if you start a university or other higher-education course",
    ),
    _date(
        "course_start",
        "when your course started (or will start)",
        "your course started",
        "your course starts",
    ),
    _date("course_end", "when your course ends", "your course ended", "your course ends"),
    _bool(
        "in_further_education",
        "whether you are at school, sixth form or college",
        "You are in further education (school, sixth form or college)",
        "You are not in further education",
        "if you start a sixth-form or college course",
    ),
    _bool(
        "in_residential_further_education",
        "whether you live away from home for a college course",
        "You live away from home for a further-education course",
        "You do not live away from home for a further-education course",
    ),
    FactSpec(
        "weekly_work_hours",
        Kind.NUMBER,
        "how many hours a week you work",
        statement="You work {} hours a week",
        minimum=0,
        maximum=168,
        unit="hours_per_week",
        change="if you work {} or more",
    ),
    _bool(
        "in_apprenticeship",
        "whether you are doing an apprenticeship",
        "You are doing (or starting) an apprenticeship",
        "You are not doing an apprenticeship",
        "if you start an apprenticeship",
    ),
    _date(
        "apprenticeship_start",
        "when your apprenticeship started (or will start)",
        "your apprenticeship started",
        "your apprenticeship starts",
    ),
    _bool(
        "living_independently",
        "whether you live in your own home",
        "You live in your own home",
        "You do not live in your own home yet",
        "when you move into your own home",
    ),
    _bool(
        "moving_into_first_home",
        "whether you are moving into your first home",
        "You are moving into your first home",
        "You are not moving into your first home yet",
        "when you move into your first home",
    ),
    _date(
        "first_home_on",
        "when you moved (or move) into your first home",
        "you moved into your first home",
        "you move into your first home",
    ),
    _bool(
        "pursuing_programme_in_pathway_plan",
        "whether you are on the education or training programme set out in your pathway plan",
        "You are on the education or training programme set out in your pathway plan",
        "You are not on an education or training programme in your pathway plan",
        "if your pathway plan sets out a course or training you are on: talk to your personal adviser",
    ),
    _bool(
        "staying_put",
        "whether you live with your former foster carers",
        "You live with your former foster carers (Staying Put)",
        "You do not live with your former foster carers",
        "if you and your foster carers agree that you stay with them after 18",
    ),
    _bool(
        "has_mental_health_need",
        "whether you need support with your mental health",
        "You have told us you need support with your mental health",
        "You have not told us about a mental-health need",
        "if you need support with your mental health: talk to your personal adviser",
    ),
    FactSpec(
        "immigration_status",
        Kind.CHOICE,
        "your immigration status",
        statement="Your immigration status is: {}",
        audience="people with {}",
        choices=IMMIGRATION_STATUS_WORDS,
    ),
    _bool("is_parent", "whether you are a parent", "You are a parent", "You are not a parent"),
    FactSpec(
        "university",
        Kind.CHOICE,
        "which university you study at",
        statement="You study at {}",
        audience="students at {}",
        choices=UNIVERSITY_WORDS,
    ),
    # The care history, from which the legal status is derived when it is not given (status.py).
    _bool(
        "still_looked_after",
        "whether you are still in care",
        "You are still looked after (in care)",
        "You are no longer looked after",
    ),
    FactSpec(
        "looked_after_weeks_since_14",
        Kind.NUMBER,
        "how many weeks in all you were looked after after your 14th birthday",
        statement="You were looked after for {} weeks after your 14th birthday",
        minimum=0,
        maximum=800,
        unit="weeks",
    ),
    _date("left_care_on", "when you left care", "you left care", "you leave care"),
)

FACTS: Mapping[str, FactSpec] = {spec.name: spec for spec in _SPECS}

# Dates a rule or a parameter may be keyed on besides the date facts: the date asked about, and
# birthdays derived from the date of birth (a council may decide an amount by when someone turned 18).
ON = "on"
DERIVED_DATES: Mapping[str, tuple[str, int]] = {"eighteenth_birthday": ("date_of_birth", 18)}
# Dates worked out from the date asked. The 16 to 19 Bursary Fund counts ages on 31 August at the
# start of the academic year (which runs from 1 August): a student who was 18 then keeps it all year.
ACADEMIC_YEAR_AGE_DAY = "academic_year_age_day"
# A setting-up-home allowance is the amount in force when the young person sets up home: the date
# they moved into their first home, or, not given, the date asked (the claim).
SETTING_UP_HOME_ON = "setting_up_home_on"
DATES_FROM_ON = (ACADEMIC_YEAR_AGE_DAY, SETTING_UP_HOME_ON)
DERIVED_DATE_EVENTS: Mapping[str, tuple[str, str]] = {
    "eighteenth_birthday": ("you turned 18", "you turn 18"),
    ACADEMIC_YEAR_AGE_DAY: (
        "this academic year began (ages count on 31 August)",
        "this academic year begins (ages count on 31 August)",
    ),
    SETTING_UP_HOME_ON: ("you set up home", "you set up home"),
}


# Date facts that a true/false fact settles as on or before the date asked: someone in higher education
# on that date began their course by then. An age "at" such a date is then at most the age on the date
# asked, so "under 25 when your course started" needs no start date from someone who is under 25 now.
ON_OR_BEFORE_ON: Mapping[str, str] = {"course_start": "in_higher_education"}


def known_dates() -> frozenset[str]:
    """Every name a parameter's `basis` or a rule's `at` may use."""
    dates = {name for name, spec in FACTS.items() if spec.kind is Kind.DATE}
    return frozenset({ON, *dates, *DERIVED_DATES, *DATES_FROM_ON})


def event_words(name: str, *, future: bool = False) -> str:
    """'your course started' (or, still to come, 'your course starts'); 'you turned 18'."""
    if name in DERIVED_DATE_EVENTS:
        past, to_come = DERIVED_DATE_EVENTS[name]
    else:
        past, to_come = FACTS[name].event, FACTS[name].event_future
    return to_come if future else past
