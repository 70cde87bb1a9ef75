"""The words of status letters."""

from enum import StrEnum


class LetterPurpose(StrEnum):
    """What the young person will show the letter for (the letter names it, in plain words)."""

    APPRENTICESHIP_BURSARY = "apprenticeship_bursary"
    BURSARY_16_TO_19 = "16_to_19_bursary"
    HIGHER_EDUCATION = "higher_education"
    HOUSING = "housing"
    GENERAL = "general"


class VerificationResult(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"  # not a letter of ours: unreadable, forged (another key) or altered
