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


class InvalidClient(DomainError):
    """A refused client-credentials sign-in (RFC 6749 section 5.2): unknown client, wrong, expired or
    revoked secret, or a signed client assertion (RFC 7523) that is refused. One answer for all."""

    code = "auth.invalid_client"
    kind = ErrorKind.UNAUTHENTICATED
    title = "Client authentication failed"

    def __init__(self, detail: str = "The client id or secret is not right.") -> None:
        super().__init__(
            detail, headers={"WWW-Authenticate": 'Basic realm="local-offer"'}, error="invalid_client"
        )


class PartnerNotFound(NotFound):
    code = "partner_organisation.not_found"
    title = "Partner organisation not found"


class PartnerClientNotFound(NotFound):
    code = "partner_client.not_found"
    title = "Partner client not found"


class PurposeNotAgreed(Forbidden):
    """The partner's agreement with the council (or this client) does not cover what it asked."""

    code = "partner.purpose_not_agreed"
    title = "Not covered by your agreement with the council"


class ClientRevoked(DomainError):
    code = "partner_client.revoked"
    kind = ErrorKind.CONFLICT
    title = "The client has been revoked"

    def __init__(self) -> None:
        super().__init__("A revoked client cannot be given a new secret: create a new client instead.")


class RateLimited(DomainError):
    """More requests than the service allows in a window (a partner's status checks)."""

    code = "auth.rate_limited"
    kind = ErrorKind.RATE_LIMITED
    title = "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )
