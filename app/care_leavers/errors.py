from app.core.errors import Conflict, DomainError, ErrorKind, Forbidden, InvalidInput, NotFound


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


class ImportRejected(InvalidInput):
    """All-or-nothing import with a bad row: nothing was imported; `report` lists every row."""

    code = "care_leaver_import.rows_invalid"
    title = "The file has rows that cannot be imported"


class ImportTooLarge(DomainError):
    code = "care_leaver_import.too_large"
    kind = ErrorKind.TOO_LARGE
    title = "The file is too large"


class EpisodeImportRejected(InvalidInput):
    """All-or-nothing SSDA903 episodes import with a bad row: nothing was imported; `report` lists every row."""

    code = "care_episode_import.rows_invalid"
    title = "The file has rows that cannot be imported"
