from __future__ import annotations

from app.core.errors import DomainError, ErrorKind, Forbidden, NotFound, field_error

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
    title = "Too many failed attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many failed attempts. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


class InvalidInvitation(DomainError):
    """Unknown, mistyped, used, replaced or expired: one answer for all, so a code cannot be probed."""

    code = "auth.invalid_invitation"
    kind = ErrorKind.BAD_REQUEST
    title = "Invitation not valid"

    def __init__(self) -> None:
        super().__init__(
            "This invitation code does not work: it may be mistyped, already used or out of date. "
            "Ask your personal adviser for a new one."
        )


class CurrentPasswordWrong(DomainError):
    code = "auth.current_password_wrong"
    kind = ErrorKind.VALIDATION
    title = "The current password is not right"

    def __init__(self) -> None:
        message = "This is not your current password."
        super().__init__(
            message,
            errors=[field_error("current_password", message, code="current_password_wrong")],
        )


class NoLocalPassword(DomainError):
    code = "auth.no_local_password"
    kind = ErrorKind.CONFLICT
    title = "No password to change here"

    def __init__(
        self,
        detail: str = "You sign in through your council's identity provider: change your password there, "
        "or sign in here with your password first.",
    ) -> None:
        super().__init__(detail)


class DemoAccount(DomainError):
    code = "user.demo_account"
    kind = ErrorKind.CONFLICT
    title = "Demo accounts keep the demo password"

    def __init__(self) -> None:
        super().__init__(
            "Demo accounts keep the demo password, so that everyone trying the demo can use them."
        )


class NotInvitable(DomainError):
    code = "user.not_invitable"
    kind = ErrorKind.CONFLICT
    title = "Invitations are for young people's app accounts"

    def __init__(self) -> None:
        super().__init__(
            "Only a young person's app account is set up by invitation; staff and partners get their "
            "sign-in from their administrator or their council's identity provider."
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


# One sentence for every clash, so the answer never says which council (if any) holds the address.
EMAIL_TAKEN = "That email address cannot be used for a new account; choose another."


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
