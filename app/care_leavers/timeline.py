"""Use cases on the record's timeline: the legal status on a date and its overrides, dated circumstances,
closing and reopening. Each loads the person (404 outside scope, 403 read-only) and hands them to
`history`, which keeps the status current and audits the change."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.care_leavers import episodes, history, service, views
from app.care_leavers.circumstances import CircumstanceEntry
from app.care_leavers.enums import CircumstanceKind, ClosureReason, RecordStatus
from app.care_leavers.episode_schemas import CareEpisodeCreate, CareEpisodeUpdate
from app.care_leavers.models import CareEpisode
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.schemas import CareLeaverRead, CircumstanceRead, CircumstancesOn, LegalStatusRead
from app.core.clock import uk_today
from app.db.idempotency import fingerprint, run_once


async def get_legal_status(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, on: date | None
) -> LegalStatusRead:
    when = on or uk_today()
    person = await service.read_person(session, principal, care_leaver_id, "legal_status")
    return views.status_read(await history.decide(session, person, when), when)


async def set_legal_status_override(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, status: RecordStatus, reason: str
) -> LegalStatusRead:
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    decision = await history.set_override(session, principal, person, status, reason)
    return views.status_read(decision, uk_today())


async def end_legal_status_override(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> LegalStatusRead:
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    return views.status_read(await history.end_override(session, principal, person), uk_today())


async def list_circumstances(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, kind: CircumstanceKind | None
) -> list[CircumstanceRead]:
    person = await service.read_person(session, principal, care_leaver_id, "circumstance")
    entries = await CareLeaverRepository(session).circumstances(person.id, kind)
    return [views.circumstance_read(e) for e in entries]


async def add_circumstance(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    body: CircumstanceEntry,
    idempotency_key: str | None,
) -> CircumstanceRead:
    """With an idempotency key, a retry reads back the entry the first request made."""
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
    return views.circumstance_read(entry)


async def get_circumstances_on(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, on: date | None
) -> CircumstancesOn:
    when = on or uk_today()
    person = await service.read_person(session, principal, care_leaver_id, "circumstance")
    return views.circumstances_on(await history.snapshot_on(session, person, when), when)


async def close_case(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    closed_on: date,
    reason: ClosureReason,
) -> CareLeaverRead:
    person, scope = await service.load_for_write(session, principal, care_leaver_id)
    person = await history.close_case(session, principal, person, closed_on, reason)
    return await service.read_back(session, principal, person, scope)


async def reopen_case(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> CareLeaverRead:
    person, scope = await service.load_for_write(session, principal, care_leaver_id)
    person = await history.reopen_case(session, principal, person)
    return await service.read_back(session, principal, person, scope)


# Care episodes: the history the legal status is derived from (app.care_leavers.episodes checks and audits).


async def list_care_episodes(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> list[CareEpisode]:
    person = await service.read_person(session, principal, care_leaver_id, episodes.RESOURCE)
    return await episodes.current(session, person)


async def get_care_episode(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, episode_id: uuid.UUID
) -> CareEpisode:
    person, _ = await service.load_for_read(session, principal, care_leaver_id)
    return await episodes.get_episode(session, principal, person, episode_id)


async def add_care_episode(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, body: CareEpisodeCreate
) -> CareEpisode:
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    return await episodes.add_episode(session, principal, person, body)


async def update_care_episode(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    episode_id: uuid.UUID,
    body: CareEpisodeUpdate,
    if_match: str | None,
) -> CareEpisode:
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    return await episodes.update_episode(session, principal, person, episode_id, body, if_match)


async def remove_care_episode(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    episode_id: uuid.UUID,
    if_match: str | None,
) -> None:
    person, _ = await service.load_for_write(session, principal, care_leaver_id)
    await episodes.remove_episode(session, principal, person, episode_id, if_match)
