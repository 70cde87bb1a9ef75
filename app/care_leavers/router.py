from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile

from app.api.deps import IdempotencyKey, SessionDep, SettingsDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import LaAdmin, Manager, Staff, StaffOrSelf
from app.auth.enums import ConsentRecipient
from app.auth.schemas import InvitedUserRead
from app.care_leavers import episode_imports, import_files, imports, service, ssda903, timeline
from app.care_leavers.circumstances import CircumstanceEntry
from app.care_leavers.enums import CircumstanceKind, RecordStatus
from app.care_leavers.errors import ImportTooLarge
from app.care_leavers.repository import CareLeaverFilters
from app.care_leavers.schemas import (
    CareLeaverAccountCreate,
    CareLeaverCreate,
    CareLeaverRead,
    CareLeaverUpdate,
    CircumstanceRead,
    CircumstancesOn,
    ClosureCreate,
    ConsentCreate,
    ConsentRead,
    EpisodeImportReportRead,
    ImportReportRead,
    LegalStatusOverrideCreate,
    LegalStatusRead,
    SearchText,
)
from app.core.errors import InvalidInput, field_error
from app.core.schemas import AsOfDate
from app.local_authorities.schemas import GssCode

router = APIRouter(prefix="/v1/care-leavers", tags=["Care leavers"])


class AgeBand(StrEnum):
    SIXTEEN_TO_SEVENTEEN = "16-17"
    EIGHTEEN_TO_TWENTY = "18-20"
    TWENTY_ONE_TO_TWENTY_FOUR = "21-24"
    TWENTY_FIVE_AND_OVER = "25+"


# Inclusive ages: the bands councils report on (BRIEF.md: 17-18, 19-21, 21-24 measures).
AGE_BANDS: dict[AgeBand, tuple[int | None, int | None]] = {
    AgeBand.SIXTEEN_TO_SEVENTEEN: (16, 17),
    AgeBand.EIGHTEEN_TO_TWENTY: (18, 20),
    AgeBand.TWENTY_ONE_TO_TWENTY_FOUR: (21, 24),
    AgeBand.TWENTY_FIVE_AND_OVER: (25, None),
}


@router.get("", summary="List care leavers you may see", responses=problem_responses(401, 403))
async def list_care_leavers(
    request: Request,
    response: Response,
    principal: Staff,
    session: SessionDep,
    q: Annotated[
        SearchText | None, Query(description="Name, preferred name, or exact case reference")
    ] = None,
    district: Annotated[GssCode | None, Query(description="Living in this district (GSS code)")] = None,
    adviser_id: Annotated[uuid.UUID | None, Query(description="Allocated to this personal adviser")] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Allocated to an adviser of this team")] = None,
    unallocated: Annotated[
        bool | None, Query(description="True: only those without a personal adviser")
    ] = None,
    status: Annotated[
        list[RecordStatus] | None, Query(description="Legal status (repeat for several)")
    ] = None,
    age_band: Annotated[AgeBand | None, Query(description="Age today")] = None,
    overdue_contact: Annotated[
        bool | None, Query(description="True: contact is overdue under the council's policy")
    ] = None,
    include_closed: Annotated[bool, Query(description="Include closed cases")] = False,
    limit: LimitQuery = 25,
    cursor: CursorQuery = None,
) -> Page[CareLeaverRead]:
    """Your caseload and team (an adviser), your team and the unallocated (a manager), or the whole council
    (an admin), ordered by family name. Each request is recorded once in the audit trail."""
    listing = open_list(request, principal.user_id, cursor, q=q)  # later pages: the search is in the cursor
    min_age, max_age = AGE_BANDS[age_band] if age_band else (None, None)
    filters = CareLeaverFilters(
        q=listing.q,
        district=district,
        adviser_id=adviser_id,
        team_id=team_id,
        unallocated=unallocated,
        statuses=tuple(status or ()),
        min_age=min_age,
        max_age=max_age,
        overdue_contact=overdue_contact,
        include_closed=include_closed,
    )
    page = await service.list_care_leavers(session, principal, filters, limit=limit, cursor=listing.after)
    return listing.page(response, page, limit)


@router.post(
    "", summary="Create a care-leaver record", status_code=201, responses=problem_responses(401, 403, 409)
)
async def create_care_leaver(
    body: CareLeaverCreate,
    principal: Manager,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CareLeaverRead:
    """A new record in your council. The case reference must be unique within the council. With an
    `Idempotency-Key`, a retry returns the record the first request created."""
    person = await service.create_care_leaver(session, principal, body, idempotency_key)
    response.headers["Location"] = f"/v1/care-leavers/{person.id}"
    return person


MAX_IMPORT_BYTES = 10 * 1024 * 1024


# The two imports' options, alike.
ImportModeQuery = Annotated[
    import_files.ImportMode, Query(description="all_or_nothing: one bad row stops the import")
]
DryRunQuery = Annotated[bool, Query(description="Check the file and report, without importing")]


_IMPORT_EXAMPLE = (
    "case_reference,given_name,family_name,date_of_birth,district_gss_code,left_care_on,weeks_looked_after_since_14\n"
    "MOSAIC-100234,Aisha,Example,14/05/2006,E06000018,14/05/2024,200\n"
)


@router.post(
    "/imports",
    summary="Import care leavers from a CSV export",
    responses=problem_responses(401, 403, 413),
    openapi_extra={
        "requestBody": {
            "content": {"multipart/form-data": {"examples": {"export": {"value": {"file": _IMPORT_EXAMPLE}}}}}
        }
    },
)
async def import_care_leavers(
    file: Annotated[
        UploadFile, File(description=f"CSV, UTF-8, header row; columns: {', '.join(imports.COLUMNS)}")
    ],
    principal: LaAdmin,
    session: SessionDep,
    mode: ImportModeQuery = import_files.ImportMode.ALL_OR_NOTHING,
    dry_run: DryRunQuery = False,
) -> ImportReportRead:
    """Every row is checked and reported by line number. Rows are matched on the case reference, so
    importing the same file twice changes nothing. In all_or_nothing mode a bad row is a 422 whose
    `report` lists every row, and nothing is imported."""
    text = _upload_text(await file.read(MAX_IMPORT_BYTES + 1))
    report = await imports.import_care_leavers(session, principal, text, mode=mode, dry_run=dry_run)
    return ImportReportRead.model_validate(imports.report_dict(report))


_EPISODES_EXAMPLE = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "MOSAIC-100234,01/09/2021,S,V2,N1,U6,PR1,01/03/2022,X1,,NG5,NG7,SC012345\n"
    "MOSAIC-100234,01/03/2022,L,C2,N1,U6,PR1,14/05/2024,E17,,NG5,NG7,SC012345\n"
)


@router.post(
    "/care-episode-imports",
    summary="Import care episodes from the SSDA903 Episodes table",
    responses=problem_responses(401, 403, 413),
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"examples": {"episodes": {"value": {"file": _EPISODES_EXAMPLE}}}}
            }
        }
    },
)
async def import_care_episodes(
    file: Annotated[
        UploadFile,
        File(
            description=f"CSV, UTF-8, header row; the SSDA903 Episodes columns: {', '.join(ssda903.COLUMNS)}"
        ),
    ],
    principal: LaAdmin,
    session: SessionDep,
    mode: ImportModeQuery = import_files.ImportMode.ALL_OR_NOTHING,
    dry_run: DryRunQuery = False,
) -> EpisodeImportReportRead:
    """CHILD is a case reference in your council. A child's episodes in the file replace theirs from the
    first DECOM it gives them (earlier episodes stay), so sending this month's extract again changes only
    what changed. Each episode is checked as `/care-episodes` checks it; a child with a bad row has none of
    their rows imported, and in all_or_nothing mode a bad row is a 422 whose `report` lists every row."""
    text = _upload_text(await file.read(MAX_IMPORT_BYTES + 1))
    report = await episode_imports.import_care_episodes(session, principal, text, mode=mode, dry_run=dry_run)
    return EpisodeImportReportRead.model_validate(episode_imports.report_dict(report))


def _upload_text(raw: bytes) -> str:
    """An import's file as text: at most 10 MB (413 over it), UTF-8 (with or without the mark Excel adds)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportTooLarge(f"The file is over {MAX_IMPORT_BYTES // (1024 * 1024)} MB: split the export.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "The file is not UTF-8: save it as 'CSV UTF-8'.", errors=[field_error("file", "not UTF-8")]
        ) from exc


@router.get("/{care_leaver_id:uuid}", summary="Get a care leaver", responses=problem_responses(401, 403, 404))
async def get_care_leaver(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> CareLeaverRead:
    """One record, if it is yours to see (404 otherwise, exactly as for an id that does not exist)."""
    return await service.get_care_leaver(session, principal, care_leaver_id)


@router.patch(
    "/{care_leaver_id:uuid}",
    summary="Correct a care leaver's details",
    responses=problem_responses(401, 403, 404),
)
async def update_care_leaver(
    care_leaver_id: uuid.UUID, body: CareLeaverUpdate, principal: Staff, session: SessionDep
) -> CareLeaverRead:
    """Names and date of birth. Their adviser, manager or admin only; a colleague covering can read, not change."""
    return await service.update_care_leaver(session, principal, care_leaver_id, body)


# Personal adviser allocations (`/{care_leaver_id}/adviser-allocations`) are advisers' work: their
# handlers are in app.advisers.router, documented here in the contract's order (see app.main).
details_router = APIRouter(prefix="/v1/care-leavers", tags=["Care leavers"])


@details_router.get(
    "/{care_leaver_id:uuid}/consents", summary="Consents to share", responses=problem_responses(401, 403, 404)
)
async def list_consents(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[ConsentRead]:
    """Every consent given, with when it was given and, if so, withdrawn."""
    return [
        ConsentRead.model_validate(c) for c in await service.list_consents(session, principal, care_leaver_id)
    ]


@details_router.post(
    "/{care_leaver_id:uuid}/consents",
    summary="Record consent to share",
    status_code=201,
    responses=problem_responses(401, 403, 404),
)
async def give_consent(
    care_leaver_id: uuid.UUID, body: ConsentCreate, principal: StaffOrSelf, session: SessionDep
) -> ConsentRead:
    """The young person agrees their status may be shared with this organisation (for a district council named
    by no id, the billing authority where they live now). Giving it twice is harmless."""
    return ConsentRead.model_validate(
        await service.give_consent(session, principal, care_leaver_id, body.recipient, body.organisation_id)
    )


@details_router.delete(
    "/{care_leaver_id:uuid}/consents/{recipient}",
    summary="Withdraw consent",
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
async def withdraw_consent(
    care_leaver_id: uuid.UUID,
    recipient: ConsentRecipient,
    principal: StaffOrSelf,
    session: SessionDep,
    organisation_id: Annotated[
        uuid.UUID | None,
        Query(description="Only the consent naming this organisation (default: all of that kind)"),
    ] = None,
) -> Response:
    """Takes effect at once: the partner can no longer see the young person, on any list."""
    await service.withdraw_consent(session, principal, care_leaver_id, recipient, organisation_id)
    return Response(status_code=204)


@details_router.post(
    "/{care_leaver_id:uuid}/account",
    summary="Create the young person's app account",
    status_code=201,
    responses=problem_responses(401, 403, 404, 409),
)
async def create_care_leaver_account(
    care_leaver_id: uuid.UUID,
    body: CareLeaverAccountCreate,
    principal: Staff,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> InvitedUserRead:
    """An account for the app, linked to this record: the young person sees only their own data.
    It has no password yet: pass the invitation code on, and they choose their own with it."""
    response.headers["Cache-Control"] = "no-store"
    return await service.create_care_leaver_account(session, settings, principal, care_leaver_id, body)


OnQuery = Annotated[AsOfDate | None, Query(description="As on this date (default today)")]


@details_router.get(
    "/{care_leaver_id:uuid}/legal-status",
    summary="Legal status, with reasons",
    responses=problem_responses(401, 403, 404),
)
async def get_legal_status(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep, on: OnQuery = None
) -> LegalStatusRead:
    """Eligible, relevant, former relevant (in education or training from 21), qualifying, or none, on any
    date, derived from the care history and circumstances as they stood then (Children Act 1989
    Schedule 2 para 19B, ss23A, 23C, 23CA and 24)."""
    return await timeline.get_legal_status(session, principal, care_leaver_id, on)


@details_router.put(
    "/{care_leaver_id:uuid}/legal-status/override",
    summary="Override the legal status",
    responses=problem_responses(401, 403, 404),
)
async def set_legal_status_override(
    care_leaver_id: uuid.UUID, body: LegalStatusOverrideCreate, principal: Staff, session: SessionDep
) -> LegalStatusRead:
    """When the history cannot show the status (a special guardianship order after 16, detention on the
    16th birthday, six months back home): staff set it, with the reason, which is kept."""
    return await timeline.set_legal_status_override(
        session, principal, care_leaver_id, body.status, body.reason
    )


@details_router.delete(
    "/{care_leaver_id:uuid}/legal-status/override",
    summary="End the override",
    responses=problem_responses(401, 403, 404),
)
async def end_legal_status_override(
    care_leaver_id: uuid.UUID, principal: Staff, session: SessionDep
) -> LegalStatusRead:
    """The record returns to the status derived from its history. The override stays in the history."""
    return await timeline.end_legal_status_override(session, principal, care_leaver_id)


@details_router.get(
    "/{care_leaver_id:uuid}/circumstances",
    summary="Circumstances history",
    responses=problem_responses(401, 403, 404),
)
async def list_circumstances(
    care_leaver_id: uuid.UUID,
    principal: Staff,
    session: SessionDep,
    kind: Annotated[CircumstanceKind | None, Query(description="Only this kind")] = None,
) -> list[CircumstanceRead]:
    """Every entry, oldest first: where they lived, what they did, their studies and more, from when."""
    return await timeline.list_circumstances(session, principal, care_leaver_id, kind)


@details_router.post(
    "/{care_leaver_id:uuid}/circumstances",
    summary="Record a change of circumstances",
    status_code=201,
    responses=problem_responses(401, 403, 404, 409),
)
async def add_circumstance(
    care_leaver_id: uuid.UUID,
    body: CircumstanceEntry,
    principal: Staff,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> CircumstanceRead:
    """A move, a new course, a job: true from `valid_from`. Earlier entries stay as they were."""
    return await timeline.add_circumstance(session, principal, care_leaver_id, body, idempotency_key)


@details_router.get(
    "/{care_leaver_id:uuid}/circumstances/on",
    summary="Circumstances on a date",
    responses=problem_responses(401, 403, 404),
)
async def get_circumstances_on(
    care_leaver_id: uuid.UUID, principal: Staff, session: SessionDep, on: OnQuery = None
) -> CircumstancesOn:
    """What was true on that date: each kind's entry in force, with the SSDA903 accommodation code."""
    return await timeline.get_circumstances_on(session, principal, care_leaver_id, on)


@details_router.post(
    "/{care_leaver_id:uuid}/closure", summary="Close the case", responses=problem_responses(401, 403, 404)
)
async def close_case(
    care_leaver_id: uuid.UUID, body: ClosureCreate, principal: Manager, session: SessionDep
) -> CareLeaverRead:
    """Reached 25, moved away, died, declined support...: the record is kept, and leaves the working lists."""
    return await timeline.close_case(session, principal, care_leaver_id, body.closed_on, body.reason)


@details_router.delete(
    "/{care_leaver_id:uuid}/closure", summary="Reopen the case", responses=problem_responses(401, 403, 404)
)
async def reopen_case(care_leaver_id: uuid.UUID, principal: Manager, session: SessionDep) -> CareLeaverRead:
    """A care leaver may ask for support again at any time up to 25 (Children Act 1989 s23CZB)."""
    return await timeline.reopen_case(session, principal, care_leaver_id)
