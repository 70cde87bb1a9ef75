from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class ContactNotFound(NotFound):
    code = "contact.not_found"
    title = "Contact not found"


class AmendNotAllowed(Forbidden):
    code = "contact.amend_not_allowed"
    title = "Only the entry's author, the team manager or an admin may amend it"


class ContactActionNotFound(NotFound):
    code = "contact_action.not_found"
    title = "Follow-up action not found"


class ContactRequestNotFound(NotFound):
    code = "contact_request.not_found"
    title = "Call-back request not found"


class ContactRequestAlreadyOpen(Conflict):
    code = "contact_request.already_open"
    title = "You already have a call-back request open"


class ContactRequestClosed(Conflict):
    code = "contact_request.closed"
    title = "The call-back request is already answered or withdrawn"


class ContactPolicyInvalid(InvalidInput):
    code = "contact_policy.invalid"
    title = "The contact policy is not valid"
