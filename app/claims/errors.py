from app.core.errors import Conflict, DomainError, ErrorKind, Forbidden, InvalidInput, NotFound


class ClaimNotFound(NotFound):
    code = "claim.not_found"
    title = "Claim not found"


class PaymentNotFound(NotFound):
    code = "payment.not_found"
    title = "Payment not found"


class EvidenceNotFound(NotFound):
    code = "claim.evidence_not_found"
    title = "No such evidence on this claim"


class ClaimNotEligible(InvalidInput):
    code = "claim.not_eligible"
    title = "Not entitled to this on that date"


class NotClaimable(InvalidInput):
    code = "claim.not_claimable"
    title = "This entitlement is not claimed through the Leaving Care Service"


class OverAllowance(InvalidInput):
    code = "claim.over_allowance"
    title = "More than is left of the allowance"


class WrongStatus(Conflict):
    code = "claim.wrong_status"
    title = "The claim is not in a state that allows this"


class SelfApproval(Forbidden):
    code = "claim.self_approval"
    title = "You cannot approve a claim you asked for, wrote or already approved"


class NotAnApprover(Forbidden):
    code = "claim.not_an_approver"
    title = "Only a team manager or an admin approves claims"


class ExceedsApproved(InvalidInput):
    code = "payment.exceeds_approved"
    title = "More than is left to pay of what was approved"


class AlreadyReversed(Conflict):
    code = "payment.already_reversed"
    title = "This payment was already reversed"


class EvidenceRejected(InvalidInput):
    code = "claim.evidence_rejected"
    title = "This file cannot be kept as evidence"


class ActionNotInPlan(InvalidInput):
    code = "claim.action_not_in_plan"
    title = "No such action in the young person's pathway plan"


class EvidenceTooLarge(DomainError):
    code = "claim.evidence_too_large"
    kind = ErrorKind.TOO_LARGE
    title = "The file is too large"
