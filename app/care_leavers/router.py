from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile

from app.api.deps import IdempotencyKey, SessionDep, SettingsDep
from app.api.pagination import CursorQuery, LimitQuery, Page, open_list
from app.api.problems import problem_responses
from app.auth.deps import CareLeaverSelf, LaAdmin, Manager, Staff, StaffOrSelf
from app.auth.enums import ConsentRecipient
from app.auth.models import UserAccount
from app.auth.schemas import InvitationRead, InvitedUserRead, UserRead
from app.care_leavers import history, imports, service
from app.care_leavers.circumstances import CircumstanceEntry, ssda903_accommodation
from app.care_leavers.enums import CircumstanceKind, RecordStatus
from app.care_leavers.errors import ImportTooLarge
from app.care_leavers.legal_status import StatusDecision
from app.care_leavers.models import CareLeaver, Circumstance
from app.care_leavers.repository import CareLeaverFilters
from app.care_leavers.schemas import (
    AdviserRef,
    AllocationCreate,
    AllocationRead,
    CareLeaverAccountCreate,
    CareLeaverCreate,
    CareLeaverRead,
    CareLeaverUpdate,
    CircumstanceRead,
    CircumstancesOn,
    ClosureCreate,
    ConsentCreate,
    ConsentRead,
    ImportReportRead,
    LegalStatusOverrideCreate,
    LegalStatusRead,
    LegalStatusReason,
    SearchText,
)
from app.care_leavers.service import RESOURCE
from app.core.clock import uk_today
from app.core.dates import age_on
from app.core.errors import InvalidInput, field_error
from app.core.schemas import AsOfDate
from app.db.idempotency import fingerprint, run_once
from app.entitlements import service as entitlements
from app.entitlements.schemas import EligibilityReport
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


_RECORD_FIELDS = [
    name for name in CareLeaverRead.model_fields if name not in {"local_authority", "age", "adviser"}
]


def to_read(person: CareLeaver, gss: str, adviser: UserAccount | None) -> CareLeaverRead:
    return CareLeaverRead(
        local_authority=gss,
        age=age_on(person.date_of_birth, uk_today()),
        adviser=AdviserRef(id=adviser.id, display_name=adviser.display_name) if adviser else None,
        **{name: getattr(person, name) for name in _RECORD_FIELDS},
    )


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
    window, advisers = await service.list_care_leavers(
        session, principal, filters, limit=limit, cursor=listing.after
    )
    gss = principal.local_authority_gss or ""
    page = window.map(lambda p: to_read(p, gss, advisers.get(p.id)))
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
    person = await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "create_care_leaver",
        fingerprint(body.model_dump(mode="json")),
        create=lambda: service.create_care_leaver(session, principal, body),
        load=lambda person_id: service.read_person(session, principal, person_id, RESOURCE),
        id_of=lambda p: p.id,
    )
    response.headers["Location"] = f"/v1/care-leavers/{person.id}"
    return to_read(person, principal.local_authority_gss or "", None)


MAX_IMPORT_BYTES = 10 * 1024 * 1024


_IMPORT_EXAMPLE = (
    "case_reference,given_name,family_name,date_of_birth,district_gss_code,left_care_on,weeks_looked_after_since_14\n"
    "MOSAIC-100234,Aisha,Example,14/05/2006,E06000018,14/05/2024,210\n"
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
    mode: Annotated[imports.ImportMode, Query(description="all_or_nothing: one bad row stops the import")] = (
        imports.ImportMode.ALL_OR_NOTHING
    ),
    dry_run: Annotated[bool, Query(description="Check the file and report, without importing")] = False,
) -> ImportReportRead:
    """Every row is checked and reported by line number. Rows are matched on the case reference, so
    importing the same file twice changes nothing. In all_or_nothing mode a bad row is a 422 whose
    `report` lists every row, and nothing is imported."""
    raw = await file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportTooLarge(f"The file is over {MAX_IMPORT_BYTES // (1024 * 1024)} MB: split the export.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "The file is not UTF-8: save it as 'CSV UTF-8'.", errors=[field_error("file", "not UTF-8")]
        ) from exc
    report = await imports.import_care_leavers(session, principal, text, mode=mode, dry_run=dry_run)
    return ImportReportRead.model_validate(imports.report_dict(report))


@router.get("/{care_leaver_id:uuid}", summary="Get a care leaver", responses=problem_responses(401, 403, 404))
async def get_care_leaver(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> CareLeaverRead:
    """One record, if it is yours to see (404 otherwise, exactly as for an id that does not exist)."""
    person, scope = await service.get_care_leaver(session, principal, care_leaver_id)
    adviser = await service.current_adviser(session, scope)
    # Whoever may read a person works in that person's council, so the caller's council is theirs.
    return to_read(person, principal.local_authority_gss or "", adviser)


@router.patch(
    "/{care_leaver_id:uuid}",
    summary="Correct a care leaver's details",
    responses=problem_responses(401, 403, 404),
)
async def update_care_leaver(
    care_leaver_id: uuid.UUID, body: CareLeaverUpdate, principal: Staff, session: SessionDep
) -> CareLeaverRead:
    """Names and date of birth. Their adviser, manager or admin only; a colleague covering can read, not change."""
    person, scope = await service.load_for_write(session, principal, care_leaver_id)
    person = await service.update_care_leaver(session, principal, person, body)
    return to_read(person, principal.local_authority_gss or "", await service.current_adviser(session, scope))


@router.get(
    "/{care_leaver_id:uuid}/adviser-allocations",
    summary="Personal adviser history",
    responses=problem_responses(401, 403, 404),
)
async def list_adviser_allocations(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[AllocationRead]:
    """Who was this young person's personal adviser, from when to when, oldest first."""
    return [
        AllocationRead.model_validate(a)
        for a in await service.list_allocations(session, principal, care_leaver_id)
    ]


@router.post(
    "/{care_leaver_id:uuid}/adviser-allocations",
    summary="Allocate a personal adviser",
    status_code=201,
    responses=problem_responses(401, 403, 404),
)
async def allocate_adviser(
    care_leaver_id: uuid.UUID, body: AllocationCreate, principal: Manager, session: SessionDep
) -> AllocationRead:
    """Starts a new allocation and ends the current one on the same day."""
    return AllocationRead.model_validate(
        await service.allocate_adviser(session, principal, care_leaver_id, body)
    )


@router.get(
    "/{care_leaver_id:uuid}/consents", summary="Consents to share", responses=problem_responses(401, 403, 404)
)
async def list_consents(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep
) -> list[ConsentRead]:
    """Every consent given, with when it was given and, if so, withdrawn."""
    return [
        ConsentRead.model_validate(c) for c in await service.list_consents(session, principal, care_leaver_id)
    ]


@router.post(
    "/{care_leaver_id:uuid}/consents",
    summary="Record consent to share",
    status_code=201,
    responses=problem_responses(401, 403, 404),
)
async def give_consent(
    care_leaver_id: uuid.UUID, body: ConsentCreate, principal: StaffOrSelf, session: SessionDep
) -> ConsentRead:
    """The young person agrees their status may be shared with this kind of partner. Giving it twice is harmless."""
    return ConsentRead.model_validate(
        await service.give_consent(session, principal, care_leaver_id, body.recipient)
    )


@router.delete(
    "/{care_leaver_id:uuid}/consents/{recipient}",
    summary="Withdraw consent",
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
async def withdraw_consent(
    care_leaver_id: uuid.UUID, recipient: ConsentRecipient, principal: StaffOrSelf, session: SessionDep
) -> Response:
    """Takes effect at once: the partner can no longer see the young person."""
    await service.withdraw_consent(session, principal, care_leaver_id, recipient)
    return Response(status_code=204)


@router.post(
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
    user, issued = await service.create_account(session, settings, principal, care_leaver_id, body)
    read = UserRead.model_validate(await service.reload_user(session, user.id))
    return InvitedUserRead(
        **read.model_dump(), invitation=InvitationRead(code=issued.code, expires_at=issued.expires_at)
    )


OnQuery = Annotated[AsOfDate | None, Query(description="As on this date (default today)")]


def _status_read(decision: StatusDecision, on: date) -> LegalStatusRead:
    return LegalStatusRead(
        on=on,
        status=decision.status,
        derived=decision.derived,
        overridden=decision.overridden,
        valid_until=decision.valid_until,
        reasons=[LegalStatusReason(code=r.code, text=r.text) for r in decision.reasons],
    )


@router.get(
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
    when = on or uk_today()
    person = await service.read_person(session, principal, care_leaver_id, "legal_status")
    return _status_read(await history.decide(session, person, when), when)


@router.put(
    "/{care_leaver_id:uuid}/legal-status/override",
    summary="Override the legal status",
    responses=problem_responses(401, 403, 404),
)
async def set_legal_status_override(
    care_leaver_id: uuid.UUID, body: LegalStatusOverrideCreate, principal: Staff, session: SessionDep
) -> LegalStatusRead:
    """When the history cannot show the status (a special guardianship order after 16, detention on the
    16th birthday, six months back home): staff set it, with the reason, which is kept."""
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    decision = await history.set_override(session, principal, person, body.status, body.reason)
    return _status_read(decision, uk_today())


@router.delete(
    "/{care_leaver_id:uuid}/legal-status/override",
    summary="End the override",
    responses=problem_responses(401, 403, 404),
)
async def end_legal_status_override(
    care_leaver_id: uuid.UUID, principal: Staff, session: SessionDep
) -> LegalStatusRead:
    """The record returns to the status derived from its history. The override stays in the history."""
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    return _status_read(await history.end_override(session, principal, person), uk_today())


def _circumstance_read(entry: Circumstance) -> CircumstanceRead:
    return CircumstanceRead.model_validate(entry)


@router.get(
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
    person = await service.read_person(session, principal, care_leaver_id, "circumstance")
    return [_circumstance_read(e) for e in await service.circumstances(session, person, kind)]


@router.post(
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
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    entry = await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "add_circumstance",
        fingerprint(str(person.id), body.model_dump(mode="json")),
        create=lambda: history.add_circumstance(session, principal, person, body),
        load=lambda entry_id: service.circumstance(session, principal, person, entry_id),
        id_of=lambda e: e.id,
    )
    return _circumstance_read(entry)


@router.get(
    "/{care_leaver_id:uuid}/circumstances/on",
    summary="Circumstances on a date",
    responses=problem_responses(401, 403, 404),
)
async def get_circumstances_on(
    care_leaver_id: uuid.UUID, principal: Staff, session: SessionDep, on: OnQuery = None
) -> CircumstancesOn:
    """What was true on that date: each kind's entry in force, with the SSDA903 accommodation code."""
    when = on or uk_today()
    person = await service.read_person(session, principal, care_leaver_id, "circumstance")
    snapshot = await history.snapshot_on(session, person, when)
    fields: dict[str, dict[str, object] | None] = {kind.value: None for kind in CircumstanceKind}
    for kind, entry in snapshot.items():
        shown: dict[str, object] = {**entry.details, "valid_from": entry.valid_from.isoformat()}
        if kind is CircumstanceKind.RESIDENCE:
            shown["ssda903_accommodation"] = ssda903_accommodation(entry.details)
        fields[kind.value] = shown
    return CircumstancesOn.model_validate({"on": when, **fields})


@router.post(
    "/{care_leaver_id:uuid}/closure", summary="Close the case", responses=problem_responses(401, 403, 404)
)
async def close_case(
    care_leaver_id: uuid.UUID, body: ClosureCreate, principal: Manager, session: SessionDep
) -> CareLeaverRead:
    """Reached 25, moved away, died, declined support...: the record is kept, and leaves the working lists."""
    person, scope = await service.load_for_write(session, principal, care_leaver_id)
    person = await history.close_case(session, principal, person, body.closed_on, body.reason)
    return to_read(person, principal.local_authority_gss or "", await service.current_adviser(session, scope))


@router.delete(
    "/{care_leaver_id:uuid}/closure", summary="Reopen the case", responses=problem_responses(401, 403, 404)
)
async def reopen_case(care_leaver_id: uuid.UUID, principal: Manager, session: SessionDep) -> CareLeaverRead:
    """A care leaver may ask for support again at any time up to 25 (Children Act 1989 s23CZB)."""
    person, scope = await service.load_for_write(session, principal, care_leaver_id)
    person = await history.reopen_case(session, principal, person)
    return to_read(person, principal.local_authority_gss or "", await service.current_adviser(session, scope))


@router.get(
    "/{care_leaver_id:uuid}/entitlements",
    summary="What this young person is entitled to",
    response_model=EligibilityReport,
    responses=problem_responses(401, 403, 404),
)
async def get_care_leaver_entitlements(
    care_leaver_id: uuid.UUID, principal: StaffOrSelf, session: SessionDep, on: OnQuery = None
) -> Response:
    """The council's Local Offer evaluated from the record (as it stood `on` a date, default today): every
    entitlement eligible, not eligible or unknown, with the reasons; unknown ones list the facts to record."""
    when = on or uk_today()
    offer, results = await service.evaluate_for_person(session, principal, care_leaver_id, when)
    return Response(entitlements.report_body(offer, when, results), media_type="application/json")


me_router = APIRouter(prefix="/v1/me", tags=["Care leavers"])


@me_router.get(
    "/entitlements",
    summary="What I am entitled to",
    response_model=EligibilityReport,
    responses=problem_responses(401, 403, 404),
)
async def get_my_entitlements(principal: CareLeaverSelf, session: SessionDep, on: OnQuery = None) -> Response:
    """Everything in your council's Local Offer, and whether you can get it, from your record: with the
    reasons, and what would change the answer."""
    assert principal.care_leaver_id is not None
    when = on or uk_today()
    offer, results = await service.evaluate_for_person(session, principal, principal.care_leaver_id, when)
    return Response(entitlements.report_body(offer, when, results), media_type="application/json")
