from enum import StrEnum


class ConfirmationOutcome(StrEnum):
    """What a billing authority did with a name on its council-tax list."""

    APPLIED = "applied"  # the exemption is on their account, from `applied_from`
    NOT_LIABLE = "not_liable"  # nobody bills them (they live with someone who pays, in student halls...)
    NOT_FOUND = "not_found"  # no account matches: we should check the address
    OTHER = "other"  # anything else, with a note


class ListChange(StrEnum):
    """Why someone is on a month's changes. A leaver's code says only that they are no longer on the
    list: not whether they moved, turned 25, withdrew consent or lost their status."""

    JOINED_LIST = "joined_list"
    LEFT_LIST = "left_list"
