"""What a letter says: one sentence a training provider, college or landlord can act on. Pure."""

from __future__ import annotations

from datetime import date

from app.care_leavers.enums import RecordStatus
from app.letters.enums import LetterPurpose

# The statuses a letter confirms, named as the Children Act 1989 names them.
STATUS_WORDS: dict[RecordStatus, str] = {
    RecordStatus.ELIGIBLE: "an eligible child (Children Act 1989, Schedule 2 paragraph 19B) looked after by",
    RecordStatus.RELEVANT: "a relevant child (Children Act 1989, section 23A), a care leaver, of",
    RecordStatus.FORMER_RELEVANT: "a former relevant young person (Children Act 1989, section 23C), a care leaver, of",
    RecordStatus.FORMER_RELEVANT_IN_EDUCATION: (
        "a former relevant young person in education or training (Children Act 1989, sections 23C and 23CA), "
        "a care leaver, of"
    ),
    RecordStatus.QUALIFYING: "a qualifying young person (Children Act 1989, section 24), a care leaver, of",
}

PURPOSE_WORDS: dict[LetterPurpose, str] = {
    LetterPurpose.APPRENTICESHIP_BURSARY: (
        "the apprenticeship care leavers' bursary, which the training provider claims from the Department for "
        "Education"
    ),
    LetterPurpose.BURSARY_16_TO_19: "the 16 to 19 Bursary Fund (vulnerable groups)",
    LetterPurpose.HIGHER_EDUCATION: "a university's or college's support for care leavers",
    LetterPurpose.HOUSING: "a housing application",
    LetterPurpose.GENERAL: "confirming their care-leaver status",
}


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def statement(
    name: str, date_of_birth: date, status: RecordStatus, council: str, purpose: LetterPurpose
) -> str:
    return (
        f"{name}, born {long_date(date_of_birth)}, is {STATUS_WORDS[status]} {council}. "
        f"This letter confirms it for {PURPOSE_WORDS[purpose]}."
    )
