from app.core.errors import Conflict, Forbidden, NotFound


class CareLeaverNotFound(NotFound):
    code = "care_leaver.not_found"
    title = "Care leaver not found"


class CaseReferenceTaken(Conflict):
    code = "care_leaver.case_reference_taken"
    title = "Case reference already in use"


class ReadOnlyAccess(Forbidden):
    code = "care_leaver.read_only"
    title = "You can read this record but not change it"


class AccountExists(Conflict):
    code = "care_leaver.account_exists"
    title = "This young person already has an account"
