"""Use cases on care episodes: record, correct and remove them, checked against each other and the person.

Every change derives the legal status again and runs the record-change hooks (next contact, plan review)
in the same unit of work, and is audited. A removed episode is kept, marked removed. Callers load the
person first (`service.load_for_write` / `service.read_person`), which decides access.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import require_if_match
from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.care_leavers import hooks
from app.care_leavers.care_history import SHORT_BREAKS, EpisodeKind, overlapping
from app.care_leavers.episode_repository import EpisodeRepository, to_episode
from app.care_leavers.episode_schemas import CareEpisodeCreate, CareEpisodeUpdate
from app.care_leavers.history import refresh_status
from app.care_leavers.models import CareEpisode, CareLeaver
from app.core.clock import uk_today, utc_now
from app.core.dates import birthday
from app.core.errors import InvalidInput, NotFound, field_error

RESOURCE = "care_episode"
WHAT = "this care episode"
# The record's old care-history fields: sent by an older client, they become a summary episode.
COUNTER_FIELDS = (
    "entered_care_on",
    "left_care_on",
    "still_looked_after",
    "weeks_looked_after_since_14",
    "weeks_looked_after_after_16",
)


class CareEpisodeNotFound(NotFound):
    code = "care_episode.not_found"
    title = "Care episode not found"


def etag_of(row: CareEpisode) -> str:
    return f'"{row.version}"'


async def current(session: AsyncSession, person: CareLeaver) -> list[CareEpisode]:
    return (await EpisodeRepository(session).current([person.id]))[person.id]


async def get_episode(
    session: AsyncSession, principal: Principal, person: CareLeaver, episode_id: Any
) -> CareEpisode:
    row = await _one(session, person, episode_id)
    await _audit(session, principal, person, AuditAction.READ, row)
    return row


async def add_episode(
    session: AsyncSession, principal: Principal, person: CareLeaver, body: CareEpisodeCreate
) -> CareEpisode:
    row = _new_row(principal, person, body)
    existing = await current(session, person)
    _check(person.date_of_birth, [*existing, row], report={len(existing): ""})
    session.add(row)
    await session.flush()
    status = await _changed(session, person)
    await _audit(session, principal, person, AuditAction.CREATE, row, status)
    return row


async def update_episode(
    session: AsyncSession,
    principal: Principal,
    person: CareLeaver,
    episode_id: Any,
    body: CareEpisodeUpdate,
    if_match: str | None,
) -> CareEpisode:
    row = await _one(session, person, episode_id)
    require_if_match(if_match, etag_of(row), what=WHAT)
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        setattr(row, name, value)
    if "legal_basis" in changes and "planned_short_break" not in changes:
        row.planned_short_break = row.legal_basis in SHORT_BREAKS
    episodes = await current(session, person)
    _check(person.date_of_birth, episodes, report={episodes.index(row): ""})
    row.version += 1
    row.updated_at, row.updated_by = utc_now(), principal.user_id
    await session.flush()
    status = await _changed(session, person)
    await _audit(session, principal, person, AuditAction.UPDATE, row, {"fields": sorted(changes), **status})
    return row


async def remove_episode(
    session: AsyncSession, principal: Principal, person: CareLeaver, episode_id: Any, if_match: str | None
) -> None:
    """The episode stops counting; it is kept, marked removed, so the history shows what was recorded."""
    row = await _one(session, person, episode_id)
    require_if_match(if_match, etag_of(row), what=WHAT)
    row.removed_at, row.removed_by = utc_now(), principal.user_id
    row.version += 1
    await session.flush()
    status = await _changed(session, person)
    await _audit(session, principal, person, AuditAction.DELETE, row, status)


async def record_initial(
    session: AsyncSession,
    principal: Principal,
    person: CareLeaver,
    bodies: Sequence[CareEpisodeCreate],
    counters_sent: set[str],
) -> None:
    """The episodes sent with a new record (or, from an older client, its counters as a summary)."""
    if bodies and counters_sent:
        raise InvalidInput(
            "Send the care history as care_episodes, or as the old summary fields, not both.",
            errors=[field_error(name, "not with care_episodes") for name in sorted(counters_sent)],
        )
    rows = [_new_row(principal, person, body) for body in bodies]
    _check(person.date_of_birth, rows, report={i: f"care_episodes.{i}." for i in range(len(rows))})
    if counters_sent:
        rows = [row] if (row := _summary_row(principal, person, "api")) else []
    for row in rows:
        session.add(row)
    await session.flush()
    for row in rows:
        await _audit(session, principal, person, AuditAction.CREATE, row)


async def counters_changed(
    session: AsyncSession, principal: Principal, person: CareLeaver, fields: set[str]
) -> None:
    """An older client corrected the counters: they replace the summary episode (the old one is kept,
    removed). A history kept as real episodes is changed through them instead."""
    episodes = await current(session, person)
    if any(not e.converted_from_summary for e in episodes):
        raise InvalidInput(
            "This record's care history is kept as care episodes: change them at /care-episodes.",
            errors=[field_error(name, "kept as care episodes") for name in sorted(fields)],
        )
    now = utc_now()
    for old in episodes:
        old.removed_at, old.removed_by, old.version = now, principal.user_id, old.version + 1
    if (row := _summary_row(principal, person, "api")) is not None:
        session.add(row)
    await session.flush()
    for old in episodes:
        await _audit(session, principal, person, AuditAction.DELETE, old, {"replaced_by_summary": True})
    if row is not None:
        await _audit(session, principal, person, AuditAction.CREATE, row)


async def check_birth_change(session: AsyncSession, person: CareLeaver) -> None:
    """A corrected date of birth must still fit the episodes recorded (a period looked after that began
    before it, or ran past the new 18th birthday, cannot be true): refused naming `date_of_birth`."""
    today = uk_today()
    problems = [
        f"{row.kind.replace('_', ' ')} from {row.start_on.isoformat()}: {error['message']}"
        for row in await current(session, person)
        if row.start_on is not None
        for error in _row_errors(row, person.date_of_birth, today, "")
    ]
    if problems:
        raise InvalidInput(
            "That date of birth does not fit the care episodes recorded; correct them first.",
            errors=[field_error("date_of_birth", problem) for problem in problems],
        )


async def has_real_episodes(session: AsyncSession, ids: list[Any]) -> set[Any]:
    """Of these people, those whose history is kept as real episodes (not a converted summary)."""
    found = await EpisodeRepository(session).current(ids)
    return {i for i, rows in found.items() if any(not r.converted_from_summary for r in rows)}


async def summaries_for_import(session: AsyncSession, principal: Principal, people: list[CareLeaver]) -> None:
    """An import's counters become each person's summary episode (the previous one kept, removed), in
    one query; the import's own audit event names every person."""
    now = utc_now()
    found = await EpisodeRepository(session).current([p.id for p in people])
    for person in people:
        for old in found[person.id]:
            old.removed_at, old.removed_by, old.version = now, principal.user_id, old.version + 1
        if (row := _summary_row(principal, person, "import")) is not None:
            session.add(row)
    await session.flush()


def _summary_row(principal: Principal, person: CareLeaver, source: str) -> CareEpisode | None:
    original = {name: getattr(person, name) for name in COUNTER_FIELDS}
    if not any(original.values()) and original["weeks_looked_after_since_14"] is None:
        return None
    return CareEpisode(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        kind=EpisodeKind.LOOKED_AFTER,
        start_on=person.entered_care_on,
        end_on=None if person.still_looked_after else person.left_care_on,
        converted_from_summary=True,
        details={
            "as_of": uk_today().isoformat(),
            "original": {k: v.isoformat() if isinstance(v, date) else v for k, v in original.items()},
            "converted_by": source,
        },
        recorded_by=principal.user_id,
        updated_by=principal.user_id,
    )


def _new_row(principal: Principal, person: CareLeaver, body: CareEpisodeCreate) -> CareEpisode:
    values = body.model_dump()
    if values["planned_short_break"] is None:
        values["planned_short_break"] = body.legal_basis in SHORT_BREAKS
    now = utc_now()
    return CareEpisode(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        details={},
        version=1,
        recorded_at=now,
        updated_at=now,
        recorded_by=principal.user_id,
        updated_by=principal.user_id,
        **values,
    )


def _check(born: date, rows: list[CareEpisode], *, report: dict[int, str]) -> None:
    """Refuse a history that cannot be true, naming each field; only the rows in `report` (index:
    field prefix) are being written, the others are the episodes already recorded."""
    errors = [
        field_error(f"{report[i]}{e['field']}", e["message"], code=e["code"])
        for i, e in history_problems(born, rows, report)
    ]
    if errors:
        raise InvalidInput(
            f"{len(errors)} thing{'s' if len(errors) != 1 else ''} in the care history cannot be true.",
            errors=errors,
        )


def history_problems(
    born: date, rows: Sequence[CareEpisode], writing: Collection[int]
) -> list[tuple[int, dict[str, str]]]:
    """What cannot be true about the rows being written (by index; the others are the episodes kept), each
    with the index of its row: the checks every change to the history goes through, the API's and the
    SSDA903 import's."""
    today = uk_today()
    found = [(i, e) for i in writing for e in _row_errors(rows[i], born, today, "")]
    episodes = [to_episode(r) for r in rows]
    for first, second in overlapping(episodes):
        later, other = (second, first) if second in writing else (first, second)
        if later in writing:
            since = rows[other].start_on
            message = f"overlaps the period looked after from {since.isoformat() if since else 'the summary'}"
            found.append((later, field_error("start_on", message, code="overlap")))
    return found


def _row_errors(row: CareEpisode, born: date, today: date, prefix: str) -> list[dict[str, str]]:
    def error(name: str, message: str) -> dict[str, str]:
        return field_error(f"{prefix}{name}", message)

    found: list[dict[str, str]] = []
    start, end = row.start_on, row.end_on
    if start is None:
        return [error("start_on", "required")] if not row.converted_from_summary else []
    if start < born:
        found.append(error("start_on", "before their date of birth"))
    if start > today:
        found.append(error("start_on", "in the future: record it when it happens"))
    if end is not None and end < start:
        found.append(error("end_on", "before start_on"))
    eighteenth, sixteenth = birthday(born, 18), birthday(born, 16)
    kind = EpisodeKind(row.kind)
    if kind is EpisodeKind.LOOKED_AFTER:
        if row.legal_basis is None and not row.converted_from_summary:
            found.append(error("legal_basis", "required for a period looked after"))
        if start >= eighteenth:
            found.append(error("start_on", "on or after their 18th birthday: only a child is looked after"))
        if end is not None and end > eighteenth:
            found.append(error("end_on", "after their 18th birthday, when care ends"))
        if row.legal_basis in SHORT_BREAKS and not row.planned_short_break:
            found.append(error("planned_short_break", "legal status V3 and V4 are planned short breaks"))
        if row.planned_short_break and row.legal_basis is not None and row.legal_basis not in SHORT_BREAKS:
            found.append(error("planned_short_break", "planned short breaks have legal status V3 or V4"))
        if row.detention is not None:
            found.append(error("detention", "only for custody or hospital on the 16th birthday"))
        return found
    for name in ("legal_basis", "placement_type", "planned_short_break"):
        if getattr(row, name):
            found.append(error(name, f"not for {kind.value.replace('_', ' ')}"))
    if kind is EpisodeKind.SPECIAL_GUARDIANSHIP_ORDER:
        if start >= eighteenth:
            found.append(error("start_on", "on or after their 18th birthday: the order is for a child"))
        if row.detention is not None:
            found.append(error("detention", "not for a special guardianship order"))
        return found
    if row.detention is None:
        found.append(error("detention", "custody or hospital"))
    if start > sixteenth:
        found.append(error("start_on", "after their 16th birthday: they were not detained on it"))
    if end is not None and end <= sixteenth:
        found.append(error("end_on", "on or before their 16th birthday: they were not detained on it"))
    return found


async def _one(session: AsyncSession, person: CareLeaver, episode_id: Any) -> CareEpisode:
    row = await EpisodeRepository(session).one(person.id, episode_id)
    if row is None:
        raise CareEpisodeNotFound("No care episode with that id in this record.")
    return row


async def _changed(session: AsyncSession, person: CareLeaver) -> dict[str, Any]:
    """Derive the status again and run the hooks; a status this change moved is said in the audit event."""
    before = person.legal_status
    await refresh_status(session, person, uk_today())
    await hooks.record_changed(session, person.id)
    if person.legal_status == before:
        return {}
    return {"legal_status": {"from": before.value if before else None, "to": _value(person.legal_status)}}


def _value(status: Any) -> str | None:
    return None if status is None else str(status.value)


async def _audit(
    session: AsyncSession,
    principal: Principal,
    person: CareLeaver,
    action: AuditAction,
    row: CareEpisode,
    details: dict[str, Any] | None = None,
) -> None:
    await record_about(
        session,
        principal.as_actor(),
        action,
        RESOURCE,
        [person],
        resource_id=row.id,
        details={"kind": EpisodeKind(row.kind).value, **(details or {})},
    )
