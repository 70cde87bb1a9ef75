from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import PublicRoute, SessionDep
from app.api.pagination import PUBLIC_LIST, CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.local_authorities import service
from app.local_authorities.errors import LocalAuthorityNotFound
from app.local_authorities.schemas import LocalAuthorityRead

router = APIRouter(prefix="/v1/local-authorities", tags=["Local authorities"], route_class=PublicRoute)

GssPath = Annotated[
    str, Path(pattern=r"^E\d{8}$", description="ONS GSS code of the council", examples=["E10000024"])
]


@router.get("", summary="List the councils")
async def list_local_authorities(
    request: Request,
    response: Response,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[LocalAuthorityRead]:
    """Every council using the service, with its districts, ordered by GSS code. Public."""
    listing = open_list(request, PUBLIC_LIST, cursor)
    window = await service.list_local_authorities(session, limit=limit, cursor=listing.after)
    return listing.page(response, window.map(LocalAuthorityRead.model_validate), limit)


@router.get(
    "/{gss_code}",
    summary="Get a council and its districts",
    responses=problem_responses(LocalAuthorityNotFound("No local authority has the GSS code E06000099.")),
)
async def get_local_authority(gss_code: GssPath, session: SessionDep) -> LocalAuthorityRead:
    """One council by its GSS code, with its district and borough councils. Public."""
    return LocalAuthorityRead.model_validate(await service.get_local_authority(session, gss_code))
