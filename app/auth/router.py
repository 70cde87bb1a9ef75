from __future__ import annotations

import base64
import uuid
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.conditional import IfNoneMatch, PrivateRead
from app.api.deps import SessionDep, SettingsDep, get_database
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import STATUS_FOR_KIND, problem_response, problem_responses
from app.auth import accounts, clients, invitations, service
from app.auth.deps import CurrentPrincipal, LaAdmin, PublicRoute, Staff, allow
from app.auth.enums import Role, SubjectKind
from app.auth.errors import (
    CurrentPasswordWrong,
    DemoAccount,
    InvalidClient,
    InvalidGrant,
    InvalidInvitation,
    NoLocalPassword,
    NotInvitable,
    TooManyAttempts,
)
from app.auth.principal import Principal
from app.auth.repository import AuthRepository
from app.auth.schemas import (
    InvitationRead,
    InvitationRedemption,
    MeRead,
    PartnerOrganisationCreate,
    PartnerOrganisationRead,
    PartnerRef,
    PasswordChange,
    TeamCreate,
    TeamRead,
    TeamRef,
    TokenRequest,
    TokenResponse,
    UserCreate,
    UserRead,
    UserUpdate,
)
from app.core.clock import utc_now
from app.core.errors import DomainError, InvalidInput, field_error
from app.db.session import Database
from app.local_authorities.schemas import LocalAuthorityRef

# Signing in and redeeming an invitation are open to anyone; the rest of sign-in needs a token.
public_router = APIRouter(prefix="/v1", tags=["Sign-in"], route_class=PublicRoute)
router = APIRouter(prefix="/v1", tags=["Sign-in"])
accounts_router = APIRouter(prefix="/v1", tags=["Accounts"])

Admin = Annotated[Principal, Depends(allow(Role.LA_ADMIN, Role.SYSTEM_ADMIN))]
# Sign-in and invitations count each attempt in a unit of work of their own (app/auth/throttle.py).
DatabaseDep = Annotated[Database, Depends(get_database)]


def _client_host(request: Request) -> str | None:
    # The peer, or the client a trusted proxy names (LOCAL_OFFER_TRUSTED_PROXIES, app.main).
    return request.client.host if request.client else None


@public_router.post(
    "/auth/token",
    summary="Sign in, or refresh a token",
    responses=problem_responses(InvalidGrant(), InvalidClient(), TooManyAttempts(retry_after=30)),
    response_model_exclude_none=True,
)
async def create_token(
    request: Request,
    response: Response,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    form: Annotated[TokenRequest, Form()],
) -> TokenResponse:
    """OAuth 2.0 token endpoint (form-encoded): `grant_type=password` with `username` and `password`,
    or `grant_type=refresh_token`; a partner's system sends `grant_type=client_credentials` with its
    `client_id` and `client_secret` (in the form, or in HTTP Basic authentication), or a signed
    `client_assertion` (RFC 7523, with `client_assertion_type`
    `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`) checked against the public key the
    council registered for it, and gets an access token without a refresh token. After a few failures
    each further try from the same place must wait longer (429 with `Retry-After`); an account is never locked."""
    response.headers["Cache-Control"] = "no-store"
    now = utc_now()
    if form.grant_type == "client_credentials" and (form.client_assertion_type or form.client_assertion):
        # One way of authenticating the client at a time (RFC 6749 s2.3).
        if not form.client_assertion_type or not form.client_assertion:
            raise _missing("client_assertion" if form.client_assertion_type else "client_assertion_type")
        if form.client_secret is not None or request.headers.get("Authorization"):
            raise InvalidClient()
        issued = await clients.sign_in_with_assertion(
            session,
            database,
            settings,
            assertion=form.client_assertion,
            client_id=form.client_id,
            address=_client_host(request),
            now=now,
        )
        return TokenResponse(
            access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
        )
    if form.grant_type == "client_credentials":
        client_id, client_secret = _client_credentials(request, form)
        issued = await clients.sign_in_with_client(
            session,
            database,
            settings,
            client_id=client_id,
            client_secret=client_secret,
            address=_client_host(request),
            now=now,
        )
        return TokenResponse(
            access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
        )
    if form.grant_type == "password":
        if not form.username or form.password is None:
            raise _missing("username" if not form.username else "password")
        pair = await service.sign_in_with_password(
            session,
            database,
            settings,
            username=form.username,
            password=form.password,
            address=_client_host(request),
            now=now,
        )
    else:
        if not form.refresh_token:
            raise _missing("refresh_token")
        pair = await service.refresh_tokens(session, settings, refresh_token=form.refresh_token, now=now)
    return TokenResponse(
        access_token=pair.access_token, expires_in=pair.expires_in, refresh_token=pair.refresh_token
    )


def _client_credentials(request: Request, form: TokenRequest) -> tuple[str, str]:
    """From HTTP Basic authentication (RFC 6749 s2.3.1, form-urlencoded parts) or the form."""
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidClient() from exc
        client_id, sep, client_secret = decoded.partition(":")
        if not sep:
            raise InvalidClient()
        return unquote_plus(client_id), unquote_plus(client_secret)
    if not form.client_id or form.client_secret is None:
        raise _missing("client_id" if not form.client_id else "client_secret")
    return form.client_id, form.client_secret


def _missing(field: str) -> InvalidInput:
    return InvalidInput(
        f"{field} is required for this grant type.",
        errors=[field_error(field, "required for this grant type", code="missing")],
    )


@public_router.post(
    "/auth/invitation",
    summary="Redeem an invitation",
    responses=problem_responses(InvalidInvitation(), TooManyAttempts(retry_after=30)),
)
async def redeem_invitation(
    body: InvitationRedemption,
    request: Request,
    response: Response,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
) -> TokenResponse:
    """A young person sets the password of their new app account with the code their adviser gave
    them, and is signed in. A code works once and expires; unknown, used and expired codes get the
    same answer (400), and failures are slowed like sign-ins."""
    response.headers["Cache-Control"] = "no-store"
    pair = await invitations.redeem(
        session,
        database,
        settings,
        code=body.code,
        password=body.password,
        address=_client_host(request),
        now=utc_now(),
    )
    return TokenResponse(
        access_token=pair.access_token, expires_in=pair.expires_in, refresh_token=pair.refresh_token
    )


@router.post("/auth/logout", summary="Sign out", status_code=204, responses=problem_responses(401))
async def sign_out(principal: CurrentPrincipal, session: SessionDep) -> Response:
    """Revokes this sign-in: its access token and every refresh token rotated from it stop working."""
    await service.sign_out(session, principal, utc_now())
    return Response(status_code=204)


ME = PrivateRead(MeRead)


@router.get(
    "/me", summary="Who am I?", response_model=MeRead, responses={**ME.doc(), **problem_responses(401)}
)
async def get_me(
    principal: CurrentPrincipal, session: SessionDep, if_none_match: IfNoneMatch = None
) -> Response:
    """The signed-in subject: kind, roles, council, team or organisation, a care leaver's own record id,
    and a personal adviser's adviser id."""
    user = await AuthRepository(session).user(principal.user_id)
    assert user is not None  # authentication just loaded it
    me = MeRead(
        user_id=user.id,
        kind=user.kind,
        display_name=user.display_name,
        roles=sorted(principal.roles),
        local_authority=LocalAuthorityRef.model_validate(user.local_authority)
        if user.local_authority
        else None,
        team=TeamRef.model_validate(user.team) if user.team else None,
        partner_organisation=PartnerRef.model_validate(user.partner_organisation)
        if user.partner_organisation
        else None,
        care_leaver_id=user.care_leaver_id,
        adviser_id=user.id if principal.has(Role.PERSONAL_ADVISER) else None,
        signed_in_with=principal.issuer or "local",
    )
    return ME.answer(me, if_none_match)


@router.post(
    "/me/password",
    summary="Change your password",
    status_code=204,
    responses=problem_responses(
        401,
        NoLocalPassword(),
        DemoAccount(),
        CurrentPasswordWrong(),
        TooManyAttempts(retry_after=30),
    ),
)
async def change_password(
    body: PasswordChange,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Any account with a password here: give the current one and a new one. Every other sign-in of the
    account ends; this one goes on. Wrong current passwords are slowed like sign-ins."""
    refused = await service.change_password(
        session,
        settings,
        principal,
        current_password=body.current_password,
        new_password=body.new_password,
        address=_client_host(request),
        now=utc_now(),
    )
    if refused is not None:
        # Answered, not raised: the unit of work commits the failed attempt before the client hears.
        return _problem(refused)
    return Response(status_code=204)


def _problem(error: DomainError) -> JSONResponse:
    return problem_response(
        STATUS_FOR_KIND[error.kind],
        error.code,
        error.title,
        error.detail,
        headers=error.headers,
        **error.extensions,
    )


@accounts_router.get("/users", summary="List accounts", responses=problem_responses(401, 403))
async def list_users(
    request: Request,
    response: Response,
    principal: Admin,
    session: SessionDep,
    kind: Annotated[SubjectKind | None, Query(description="Only accounts of this kind")] = None,
    role: Annotated[Role | None, Query(description="Only accounts holding this role")] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[UserRead]:
    """An la_admin sees its council's accounts; a system admin sees administrators' accounts only."""
    listing = open_list(request, principal.user_id, cursor)
    window = await accounts.list_users(
        session, principal, kind=kind, role=role, limit=limit, cursor=listing.after
    )
    return listing.page(response, window.map(UserRead.model_validate), limit)


@accounts_router.post(
    "/users", summary="Create an account", status_code=201, responses=problem_responses(401, 403, 409)
)
async def create_user(
    body: UserCreate, principal: Admin, session: SessionDep, response: Response
) -> UserRead:
    """Staff or partner accounts in the caller's council (an la_admin may create other la_admins).
    A system admin creates only administrators' accounts, to set up a council."""
    user = await accounts.create_user(session, principal, body)
    response.headers["Location"] = f"/v1/users/{user.id}"
    return UserRead.model_validate(user)


@accounts_router.get(
    "/users/{user_id:uuid}", summary="Get an account", responses=problem_responses(401, 403, 404)
)
async def get_user(user_id: uuid.UUID, principal: Admin, session: SessionDep) -> UserRead:
    """One account of the caller's council."""
    return UserRead.model_validate(await accounts.get_user(session, principal, user_id))


@accounts_router.patch(
    "/users/{user_id:uuid}", summary="Change an account", responses=problem_responses(401, 403, 404)
)
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, principal: Admin, session: SessionDep
) -> UserRead:
    """Roles, team, name, phone, job title, or deactivation (which signs the account out everywhere)."""
    return UserRead.model_validate(await accounts.update_user(session, principal, user_id, body))


@accounts_router.post(
    "/users/{user_id:uuid}/invitations",
    summary="Reissue a young person's invitation",
    status_code=201,
    responses=problem_responses(401, 403, 404, NotInvitable()),
)
async def create_invitation(
    user_id: uuid.UUID, principal: LaAdmin, session: SessionDep, settings: SettingsDep, response: Response
) -> InvitationRead:
    """A new code for a young person's app account (a lost code, or a forgotten password); any earlier
    code stops working. Their password, if they set one, works until they redeem the new code."""
    response.headers["Cache-Control"] = "no-store"
    issued = await invitations.reissue(session, settings, principal, user_id, utc_now())
    return InvitationRead(code=issued.code, expires_at=issued.expires_at)


@accounts_router.get("/teams", summary="List your council's teams", responses=problem_responses(401, 403))
async def list_teams(principal: Staff, session: SessionDep) -> list[TeamRead]:
    """Teams of personal advisers in the caller's council, with their duty lines."""
    return [TeamRead.model_validate(t) for t in await accounts.list_teams(session, principal)]


@accounts_router.post(
    "/teams", summary="Create a team", status_code=201, responses=problem_responses(401, 403)
)
async def create_team(body: TeamCreate, principal: LaAdmin, session: SessionDep) -> TeamRead:
    """A new team in the caller's council."""
    return TeamRead.model_validate(await accounts.create_team(session, principal, body))


@accounts_router.get(
    "/partner-organisations", summary="List partner organisations", responses=problem_responses(401, 403)
)
async def list_partner_organisations(
    principal: LaAdmin, session: SessionDep
) -> list[PartnerOrganisationRead]:
    """District councils, universities and housing providers the council shares narrow data with."""
    items = await accounts.list_partner_organisations(session, principal)
    return [PartnerOrganisationRead.model_validate(p) for p in items]


@accounts_router.post(
    "/partner-organisations",
    summary="Add a partner organisation",
    status_code=201,
    responses=problem_responses(401, 403),
)
async def create_partner_organisation(
    body: PartnerOrganisationCreate, principal: LaAdmin, session: SessionDep
) -> PartnerOrganisationRead:
    """A district council (with its district), university or housing provider the council works with."""
    return PartnerOrganisationRead.model_validate(
        await accounts.create_partner_organisation(session, principal, body)
    )
