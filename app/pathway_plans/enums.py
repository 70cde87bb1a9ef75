"""The words of a pathway plan, with their sources. Standard library only (the pure modules use them)."""

from enum import StrEnum


class PlanStatus(StrEnum):
    """A version's place in its lifecycle (`app.pathway_plans.lifecycle` holds the transitions)."""

    DRAFT = "draft"  # being written; the only state in which content changes
    SUBMITTED = "submitted"  # waiting for a team manager; content fixed
    AUTHORISED = "authorised"  # the young person's current plan; content fixed for ever
    SUPERSEDED = "superseded"  # an earlier plan, replaced by a later authorised version; kept as it was


class SectionKind(StrEnum):
    """The plan's sections, covering the Care Leavers (England) Regulations 2010 Schedule 1, in the councils'
    words.

    Schedule 1 (1) contact and personal support is `people_involved`; (2) and (3) are education, training
    and employment; (4) is `contingency_plan`; (5) accommodation; (6) family and relationships; (7)
    practical and life skills; (8) money; (9) health and wellbeing; (10) identity and culture.
    """

    ACCOMMODATION = "accommodation"
    HEALTH_AND_WELLBEING = "health_and_wellbeing"
    EDUCATION_TRAINING_AND_EMPLOYMENT = "education_training_and_employment"
    MONEY = "money"
    FAMILY_AND_RELATIONSHIPS = "family_and_relationships"
    IDENTITY_AND_CULTURE = "identity_and_culture"
    PRACTICAL_AND_LIFE_SKILLS = "practical_and_life_skills"
    # Where relevant: added when the young person's circumstances call for them.
    IMMIGRATION_AND_LEGAL_STATUS = "immigration_and_legal_status"
    PARENTING = "parenting"
    CUSTODY = "custody"


CORE_SECTIONS: tuple[SectionKind, ...] = (
    SectionKind.ACCOMMODATION,
    SectionKind.HEALTH_AND_WELLBEING,
    SectionKind.EDUCATION_TRAINING_AND_EMPLOYMENT,
    SectionKind.MONEY,
    SectionKind.FAMILY_AND_RELATIONSHIPS,
    SectionKind.IDENTITY_AND_CULTURE,
    SectionKind.PRACTICAL_AND_LIFE_SKILLS,
)
OPTIONAL_SECTIONS: tuple[SectionKind, ...] = (
    SectionKind.IMMIGRATION_AND_LEGAL_STATUS,
    SectionKind.PARENTING,
    SectionKind.CUSTODY,
)


class ActionOwner(StrEnum):
    """Who does it: the young person, their personal adviser, or a named partner."""

    YOUNG_PERSON = "young_person"
    PERSONAL_ADVISER = "personal_adviser"
    PARTNER = "partner"


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"  # with a reason


# An action is finished when done or dropped: it can no longer be overdue.
FINISHED = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})


class ReviewReason(StrEnum):
    """Why the current plan's review falls due when it does."""

    SIX_MONTHLY = "six_monthly"
    ACCOMMODATION_CHANGED = "accommodation_changed"
    EIGHTEENTH_BIRTHDAY = "eighteenth_birthday"
    STARTED_HIGHER_EDUCATION = "started_higher_education"
    LEFT_HIGHER_EDUCATION = "left_higher_education"
    ENTERED_CUSTODY = "entered_custody"
    BECAME_PARENT = "became_parent"
