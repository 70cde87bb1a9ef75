from app.core.errors import InvalidInput, NotFound


class LetterNotFound(NotFound):
    code = "status_letter.not_found"
    title = "Status letter not found"


class NoLeavingCareStatus(InvalidInput):
    code = "status_letter.no_status"
    title = "No leaving-care status to confirm"
