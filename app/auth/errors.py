from __future__ import annotations

from app.core.errors import DomainError, ErrorKind, Forbidden, NotFound

_BEARER = 'Bearer realm="local-offer"'


class NotAuthenticated(DomainError):
    code = "auth.unauthenticated"
    kind = ErrorKind.UNAUTHENTICATED
    title = "Not signed in"

    def __init__(
        self, detail: str = "Sign in first: send a bearer token in the Authorization header."
    ) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": _BEARER})


class InvalidToken(DomainError):
    """Expired, tampered, revoked, or from an issuer or audience we do not accept (RFC 6750)."""

    code = "auth.invalid_token"
    kind = ErrorKind.UNAUTHENTICATED
    title = "The token is not valid"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": f'{_BEARER}, error="invalid_token"'})


class InvalidGrant(DomainError):
    """A refused sign-in or refresh. Same answer whether or not the account exists."""

    code = "auth.invalid_grant"
    kind = ErrorKind.UNAUTHENTICATED
    title = "Sign-in refused"

    def __init__(self, detail: str = "The email address or password is not right.") -> None:
        # `error` is the OAuth 2.0 (RFC 6749 section 5.2) member clients look for.
        super().__init__(detail, headers={"WWW-Authenticate": _BEARER}, error="invalid_grant")


class TooManyAttempts(DomainError):
    code = "auth.too_many_attempts"
    kind = ErrorKind.RATE_LIMITED
    title = "Too many sign-in attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many failed sign-ins. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


class RoleNotAllowed(Forbidden):
    code = "auth.role_not_allowed"
    title = "Your role cannot do this"


class IdentityProviderUnavailable(DomainError):
    code = "auth.identity_provider_unavailable"
    kind = ErrorKind.UNAVAILABLE
    title = "Identity provider unavailable"


class UserNotFound(NotFound):
    code = "user.not_found"
    title = "Account not found"


class EmailTaken(DomainError):
    code = "user.email_taken"
    kind = ErrorKind.CONFLICT
    title = "Email address already in use"


class NameTaken(DomainError):
    # A base: each subclass names its own code, so none is documented for this one.
    kind = ErrorKind.CONFLICT
    title = "That name is already in use"


class TeamNameTaken(NameTaken):
    code = "team.name_taken"


class PartnerNameTaken(NameTaken):
    code = "partner_organisation.name_taken"
