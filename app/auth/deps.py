"""Route dependencies: every operation declares who may call it, or that it is public.

    router = APIRouter(route_class=PublicRoute)                   # anyone, no token
    async def handler(principal: Annotated[Principal, Depends(allow(Role.LA_ADMIN))]): ...

An architecture test fails for a route that does neither.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.openapi.models import OAuth2 as OAuth2Model
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlowPassword, OAuthFlows
from fastapi.security import OAuth2PasswordBearer

from app.api.deps import PublicRoute, SessionDep, SettingsDep, is_public
from app.auth import service
from app.auth.enums import Role
from app.auth.errors import NotAuthenticated, RoleNotAllowed
from app.auth.jwks import JwksCache
from app.auth.principal import Principal
from app.core.clock import utc_now

# Swagger UI's Authorize button signs in through this (password grant, form-encoded); partners' systems
# use the client credentials flow at the same endpoint (app/auth/clients.py).
oauth2 = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", scheme_name="OAuth2", auto_error=False)
oauth2.model = OAuth2Model(
    flows=OAuthFlows(
        password=OAuthFlowPassword(tokenUrl="/v1/auth/token"),
        clientCredentials=OAuthFlowClientCredentials(tokenUrl="/v1/auth/token"),
    )
)


__all__ = [
    "CareLeaverSelf",
    "CurrentPrincipal",
    "LaAdmin",
    "Manager",
    "PublicRoute",
    "Staff",
    "StaffOrSelf",
    "allow",
    "current_principal",
    "is_public",
]


async def jwks_cache(request: Request) -> JwksCache:
    cache: JwksCache = request.app.state.jwks
    return cache


async def current_principal(
    session: SessionDep,
    settings: SettingsDep,
    jwks: Annotated[JwksCache, Depends(jwks_cache)],
    token: Annotated[str | None, Depends(oauth2)],
) -> Principal:
    if not token:
        raise NotAuthenticated()
    return await service.authenticate(session, settings, jwks, token, utc_now())


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def allow(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that admits a signed-in principal holding any of `roles` (403 otherwise)."""
    allowed = frozenset(roles)

    async def admitted(principal: CurrentPrincipal) -> Principal:
        if not principal.has(*allowed):
            names = ", ".join(sorted(r.value for r in allowed))
            raise RoleNotAllowed(f"This needs one of these roles: {names}.")
        return principal

    return admitted


# Council staff who work with young people's records, and the same plus the young person themself.
STAFF_ROLES = (Role.LA_ADMIN, Role.TEAM_MANAGER, Role.PERSONAL_ADVISER)
Staff = Annotated[Principal, Depends(allow(*STAFF_ROLES))]
StaffOrSelf = Annotated[Principal, Depends(allow(*STAFF_ROLES, Role.CARE_LEAVER))]
Manager = Annotated[Principal, Depends(allow(Role.LA_ADMIN, Role.TEAM_MANAGER))]
CareLeaverSelf = Annotated[Principal, Depends(allow(Role.CARE_LEAVER))]
LaAdmin = Annotated[Principal, Depends(allow(Role.LA_ADMIN))]
