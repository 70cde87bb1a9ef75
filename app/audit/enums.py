from enum import StrEnum


class AuditAction(StrEnum):
    READ = "read"
    LIST = "list"  # one event per list request, linked to every person it showed
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    PUBLISH = "publish"  # a council's offer: a draft became the version young people see
    EXPORT = "export"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    TOKEN_REFRESHED = "token_refreshed"
    TOKEN_REUSE_DETECTED = "token_reuse_detected"
    PASSWORD_CHANGED = "password_changed"  # by the account's holder, or set from an invitation
    PASSWORD_CHANGE_FAILED = "password_change_failed"
    ACCESS_DENIED = "access_denied"


class AuditOutcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"
