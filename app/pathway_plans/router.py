from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.api.conditional import IfNoneMatch, PrivateRead, if_match_header
from app.api.deps import IdempotencyKey, SessionDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, Manager, Staff, StaffOrSelf
from app.core.clock import uk_today
from app.core.schemas import AsOfDate, IsoDate
from app.db.idempotency import fingerprint, run_once
from app.pathway_plans import lists, printable, progress, report, service
from app.pathway_plans.enums import PlanStatus
from app.pathway_plans.schemas import (
    ActionProgressCreate,
    ActionRead,
    CommentCreate,
    CommentRead,
    MyPlan,
    PlanListItem,
    PlanMeasure,
    PlanRead,
    PlanReturn,
    PlanUpdate,
    PlanVersionSummary,
    ReviewDueItem,
)
from app.pathway_plans.views import plan_read

router = APIRouter(prefix="/v1", tags=["Pathway plans"])


PlanId = Annotated[uuid.UUID, Path(description="The id of one version of a pathway plan")]
IfMatch = Annotated[
    str | None,
    if_match_header(
        "the ETag from your last read of this version", '"0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f10.3"'
    ),
]
_ETAG_HEADER = {
    "ETag": {"description": "Send it back in If-Match to change this version", "schema": {"type": "string"}}
}


def _with_etag(*statuses: int, code: int = 200, **extra: Any) -> dict[int | str, dict[str, Any]]:
    return {code: {"headers": _ETAG_HEADER, **extra}, **problem_responses(*statuses)}


def _answer(response: Response, plan: PlanRead) -> PlanRead:
    response.headers["ETag"] = plan.etag
    return plan


@router.get(
    "/care-leavers/{care_leaver_id:uuid}/pathway-plans",
    summary="Every version of a young person's plan",
    responses=problem_responses(401, 403, 404),
)
async def list_pathway_plan_versions(
    care_leaver_id: uuid.UUID,
    request: Request,
    response: Response,
    principal: StaffOrSelf,
    session: SessionDep,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[PlanVersionSummary]:
    """The plan's history, newest version first: each review made a new version and the earlier ones are
    kept as they were. A young person sees the versions that were authorised."""
    listing = open_list(request, principal.user_id, cursor)
    window = await service.list_versions(
        session, principal, care_leaver_id, limit=limit, cursor=listing.after
    )
    return listing.page(response, window.map(PlanVersionSummary.model_validate), limit)


@router.post(
    "/care-leavers/{care_leaver_id:uuid}/pathway-plans",
    summary="Start a plan, or its review",
    status_code=201,
    responses=_with_etag(
        401, 403, 404, 409, code=201, description="The new draft; `Location` is its address"
    ),
)
async def start_pathway_plan(
    care_leaver_id: uuid.UUID, principal: Staff, session: SessionDep, response: Response
) -> PlanRead:
    """A first plan starts with every core section empty (and immigration, parenting or custody where the
    young person's circumstances call for them). A review starts from the current authorised plan, copied
    whole with each action's progress. One version is written at a time (409 otherwise)."""
    plan = await service.start_plan(session, principal, care_leaver_id)
    response.headers["Location"] = f"/v1/pathway-plans/{plan.id}"
    return _answer(response, plan)


@router.get("/pathway-plans", summary="Plans by status", responses=problem_responses(401, 403))
async def list_pathway_plans(
    request: Request,
    response: Response,
    principal: Staff,
    session: SessionDep,
    status: Annotated[
        list[PlanStatus] | None,
        Query(
            description="Repeat for several; default: all but superseded. `submitted`: waiting to be authorised"
        ),
    ] = None,
    adviser_id: Annotated[
        uuid.UUID | None, Query(description="Young people allocated to this adviser")
    ] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Young people allocated to this team")] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[PlanListItem]:
    """Plan versions of the young people you may see, most recently changed first: a manager finds the
    plans waiting for authorisation with `status=submitted`."""
    listing = open_list(request, principal.user_id, cursor)
    statuses = set(status) if status else set(PlanStatus) - {PlanStatus.SUPERSEDED}
    window = await lists.list_plans(
        session,
        principal,
        statuses=statuses,
        adviser_id=adviser_id,
        team_id=team_id,
        limit=limit,
        cursor=listing.after,
    )
    return listing.page(response, window, limit)


@router.get("/pathway-plans/reviews-due", summary="Plan reviews due", responses=problem_responses(401, 403))
async def list_reviews_due(
    request: Request,
    response: Response,
    principal: Staff,
    session: SessionDep,
    adviser_id: Annotated[
        uuid.UUID | None, Query(description="Young people allocated to this adviser")
    ] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Young people allocated to this team")] = None,
    due_before: Annotated[
        IsoDate | None, Query(description="Only reviews due before this date (today: the overdue ones)")
    ] = None,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[ReviewDueItem]:
    """Current plans by review date, most overdue first, with the reason (six-monthly, or a change such as
    a move that brought it forward) and the days overdue. For an adviser, a team or the council."""
    listing = open_list(request, principal.user_id, cursor)
    window = await lists.reviews_due(
        session,
        principal,
        adviser_id=adviser_id,
        team_id=team_id,
        due_before=due_before,
        limit=limit,
        cursor=listing.after,
    )
    return listing.page(response, window, limit)


@router.get(
    "/pathway-plans/{plan_id:uuid}", summary="Get a version of a plan", responses=_with_etag(401, 403, 404)
)
async def get_pathway_plan(
    plan_id: PlanId, principal: StaffOrSelf, session: SessionDep, response: Response
) -> PlanRead:
    """The version whole: sections with goals and actions (with progress), the young person's comments,
    the contingency plan, and the review date. A young person reads their authorised versions."""
    return _answer(response, await service.get_plan(session, principal, plan_id))


@router.patch(
    "/pathway-plans/{plan_id:uuid}",
    summary="Edit a draft",
    responses=_with_etag(401, 403, 404, 409, 412, 428),
)
async def update_pathway_plan(
    plan_id: PlanId,
    body: PlanUpdate,
    principal: Staff,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> PlanRead:
    """Change a draft: fields sent change, each section sent is replaced whole. Send `If-Match` with the ETag
    you read: if someone saved first you get 412 and nothing is overwritten."""
    return _answer(response, await service.update_plan(session, principal, plan_id, if_match, body))


@router.post(
    "/pathway-plans/{plan_id:uuid}/submit",
    summary="Submit a draft for authorisation",
    responses=_with_etag(401, 403, 404, 409, 412, 422, 428),
)
async def submit_pathway_plan(
    plan_id: PlanId, principal: Staff, session: SessionDep, response: Response, if_match: IfMatch = None
) -> PlanRead:
    """The draft goes to a team manager and its content is fixed. Every core section needs its needs and
    risks written, and the plan a contingency (422 `pathway_plan.incomplete` lists what is missing)."""
    return _answer(response, await service.submit_plan(session, principal, plan_id, if_match))


@router.post(
    "/pathway-plans/{plan_id:uuid}/authorise",
    summary="Authorise a submitted plan",
    responses=_with_etag(401, 403, 404, 409, 412, 428),
)
async def authorise_pathway_plan(
    plan_id: PlanId, principal: Manager, session: SessionDep, response: Response, if_match: IfMatch = None
) -> PlanRead:
    """By a team manager (or an admin) who did not write or submit it (403 `pathway_plan.self_authorisation`).
    It becomes the current plan, the previous version is superseded, and the review falls due in six months
    or earlier (the 18th birthday, a move, custody, starting or leaving higher education, becoming a parent)."""
    return _answer(response, await service.authorise_plan(session, principal, plan_id, if_match))


@router.post(
    "/pathway-plans/{plan_id:uuid}/return",
    summary="Send a submitted plan back",
    responses=_with_etag(401, 403, 404, 409, 412, 428),
)
async def return_pathway_plan(
    plan_id: PlanId,
    body: PlanReturn,
    principal: Manager,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> PlanRead:
    """Not ready to authorise: the version becomes a draft again, with the reason for its author."""
    return _answer(response, await service.return_plan(session, principal, plan_id, if_match, body.reason))


@router.post(
    "/pathway-plans/{plan_id:uuid}/comments",
    summary="Add my comment to my plan",
    status_code=201,
    responses=problem_responses(401, 403, 404, 409),
)
async def add_pathway_plan_comment(
    plan_id: PlanId,
    body: CommentCreate,
    principal: CareLeaverSelf,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> CommentRead:
    """Your own views on any section of your current plan. They stay yours: staff cannot change them, and
    they are kept with this version of the plan. With an `Idempotency-Key` (an app sending what it saved
    offline), a retry returns the comment the first request made instead of adding it twice."""
    return await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "add_pathway_plan_comment",
        fingerprint(str(plan_id), body.model_dump(mode="json")),
        create=lambda: progress.add_comment(session, principal, plan_id, body),
        load=lambda comment_id: progress.recorded_comment(session, principal, plan_id, comment_id),
        id_of=lambda comment: comment.id,
    )


@router.post(
    "/pathway-plans/{plan_id:uuid}/action-progress",
    summary="Record progress on an action",
    status_code=201,
    responses=problem_responses(401, 403, 404, 409),
)
async def record_action_progress(
    plan_id: PlanId,
    body: ActionProgressCreate,
    principal: StaffOrSelf,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionRead:
    """Progress on an action of the current plan (started, done, dropped with a reason), kept beside the
    authorised plan, never written into it. A young person marks their own actions started or done, but not
    one dropped with their adviser (409 `pathway_plan.action_dropped`). When the next version is authorised,
    progress recorded here while it was being written is carried to the same action in it. With an
    `Idempotency-Key`, a retry returns what the first request recorded instead of recording it twice."""
    recorded = await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "record_action_progress",
        fingerprint(str(plan_id), body.model_dump(mode="json")),
        create=lambda: progress.record_progress(session, principal, plan_id, body),
        load=lambda update_id: progress.recorded_progress(session, principal, plan_id, update_id),
        id_of=lambda result: result.update_id,
    )
    return recorded.action


@router.get(
    "/pathway-plans/{plan_id:uuid}/printable",
    summary="A plan to print or share",
    response_class=HTMLResponse,
    response_model=str,
    responses={
        200: {
            "description": "One self-contained HTML page with print styles (no scripts or external assets)",
            "content": {"text/html": {"example": printable.EXAMPLE}},
        },
        **problem_responses(401, 403, 404),
    },
)
async def get_printable_pathway_plan(
    plan_id: PlanId, principal: StaffOrSelf, session: SessionDep
) -> HTMLResponse:
    """The plan in plain words for the young person to keep or a personal adviser to share at a review
    meeting (print it, or save it as PDF from the browser). Recorded in the audit trail as an export."""
    loaded = await service.printable_plan(session, principal, plan_id)
    person = loaded.person
    page = printable.render(
        plan_read(loaded, uk_today()),
        person.display_name,
        loaded.adviser.display_name if loaded.adviser else None,
        principal.local_authority_name or "",
    )
    headers = {"Content-Security-Policy": printable.CONTENT_SECURITY_POLICY, "Cache-Control": "no-store"}
    return HTMLResponse(page, headers=headers)


MY_PLAN = PrivateRead(MyPlan)


@router.get(
    "/me/pathway-plan",
    summary="My pathway plan",
    response_model=MyPlan,
    responses={**MY_PLAN.doc(), **problem_responses(401, 403, 404)},
)
async def get_my_pathway_plan(
    principal: CareLeaverSelf, session: SessionDep, if_none_match: IfNoneMatch = None
) -> Response:
    """Your plan as your manager agreed it, in plain words: your goals and actions, what is due next and
    when your plan is next reviewed. 404 until you have an agreed plan."""
    return MY_PLAN.answer(await service.my_pathway_plan(session, principal), if_none_match)


@router.get(
    "/reports/pathway-plans",
    summary="Plans authorised in the last six months",
    responses=problem_responses(401, 403),
)
async def get_pathway_plan_report(
    principal: Manager,
    session: SessionDep,
    on: Annotated[
        AsOfDate | None, Query(description="As on this date (default today); 2000-01-01 to today")
    ] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="One team (a manager: their own)")] = None,
) -> PlanMeasure:
    """The board measure (target 95%): of the young people who should have a plan on the date, how many
    had one authorised in the six months up to it, with the counts by legal status and the definition."""
    return await report.pathway_plan_measure(session, principal, on or uk_today(), team_id)
