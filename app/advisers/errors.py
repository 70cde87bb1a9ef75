from app.core.errors import Conflict, Forbidden, NotFound


class AdviserNotFound(NotFound):
    code = "adviser.not_found"
    title = "Personal adviser not found"


class CaseloadOutOfScope(Forbidden):
    code = "adviser.caseload_out_of_scope"
    title = "Not your team's caseload"


class SupportRequestNotAllowed(Conflict):
    code = "support_request.not_allowed"
    title = "You cannot ask for an adviser this way"


class SupportRequestNotFound(NotFound):
    code = "support_request.not_found"
    title = "Request not found"
