from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class OfferNotPublished(NotFound):
    code = "offer.not_published"
    title = "No published offer"


class EntitlementNotFound(NotFound):
    code = "entitlement.not_found"
    title = "Entitlement not found"


class DraftNotFound(NotFound):
    code = "offer.draft_not_found"
    title = "No draft offer"


class DraftExists(Conflict):
    code = "offer.draft_exists"
    title = "A draft already exists"


class EntitlementCodeTaken(Conflict):
    code = "entitlement.code_taken"
    title = "The code is already used"


class PublicationOutOfOrder(Conflict):
    code = "offer.publication_out_of_order"
    title = "A later version is already published"


class OfferAlreadyPublished(Conflict):
    """The draft a request named has since been published by someone else."""

    code = "offer.already_published"
    title = "That draft is already published"


class NotYourCouncil(Forbidden):
    """An administrator manages only their own council's offer. The offer is public, so saying that
    another council's exists reveals nothing (403, not 404)."""

    code = "offer.not_your_council"
    title = "Not your council's offer"


class EntitlementInvalid(InvalidInput):
    """Rule data that refers to an unknown fact, date, parameter or source, or breaks the language."""

    code = "entitlement.invalid"
    title = "The entitlement's rule data is not valid"


class HistoryRewrite(InvalidInput):
    code = "entitlement.history_rewrite"
    title = "Dated values already in force cannot change"


class FactsInvalid(InvalidInput):
    code = "eligibility.facts_invalid"
    title = "The facts do not fit together"
