"""The words a plan is shown in: section titles for staff, and plain language for the young person."""

from __future__ import annotations

from collections.abc import Mapping

from app.pathway_plans.enums import ActionOwner, ActionStatus, SectionKind

TITLES: Mapping[SectionKind, str] = {
    SectionKind.ACCOMMODATION: "Accommodation",
    SectionKind.HEALTH_AND_WELLBEING: "Health and wellbeing",
    SectionKind.EDUCATION_TRAINING_AND_EMPLOYMENT: "Education, training and employment",
    SectionKind.MONEY: "Money and financial capability",
    SectionKind.FAMILY_AND_RELATIONSHIPS: "Family and relationships",
    SectionKind.IDENTITY_AND_CULTURE: "Identity and culture",
    SectionKind.PRACTICAL_AND_LIFE_SKILLS: "Practical and life skills",
    SectionKind.IMMIGRATION_AND_LEGAL_STATUS: "Immigration and legal status",
    SectionKind.PARENTING: "Parenting",
    SectionKind.CUSTODY: "Custody",
}

# The young person's view (co-produced apps such as Notts Next Steps speak to them directly).
PLAIN_TITLES: Mapping[SectionKind, str] = {
    SectionKind.ACCOMMODATION: "Where you live",
    SectionKind.HEALTH_AND_WELLBEING: "Your health and wellbeing",
    SectionKind.EDUCATION_TRAINING_AND_EMPLOYMENT: "Education, training and work",
    SectionKind.MONEY: "Money",
    SectionKind.FAMILY_AND_RELATIONSHIPS: "Family, friends and relationships",
    SectionKind.IDENTITY_AND_CULTURE: "Who you are",
    SectionKind.PRACTICAL_AND_LIFE_SKILLS: "Everyday skills",
    SectionKind.IMMIGRATION_AND_LEGAL_STATUS: "Your immigration and legal status",
    SectionKind.PARENTING: "Being a parent",
    SectionKind.CUSTODY: "While you are in custody",
}

PLAIN_STATUS: Mapping[ActionStatus, str] = {
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.IN_PROGRESS: "Started",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "No longer needed",
}


def plain_owner(owner: ActionOwner, partner_name: str | None, adviser_name: str | None) -> str:
    """Who does it, in the young person's words: "You", "Priya (your personal adviser)", "Job Centre Plus"."""
    if owner is ActionOwner.YOUNG_PERSON:
        return "You"
    if owner is ActionOwner.PARTNER:
        return partner_name or "Someone who supports you"
    return f"{adviser_name} (your personal adviser)" if adviser_name else "Your personal adviser"
