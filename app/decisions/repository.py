"""All SQL for stored decisions: the inputs a timeline is computed from, replacing timelines in bulk,
and the range lookups the lists make ("whose answer for X on day D is Y")."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, Text, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from app.auth.enums import ConsentRecipient
from app.care_leavers.care_history import Episode
from app.care_leavers.episode_repository import EpisodeRepository, to_episode
from app.care_leavers.models import CareLeaver, Circumstance, Consent
from app.care_leavers.repository import BY_NAME, CareLeaverRepository
from app.db.pagination import Position, Window, keyset_page
from app.decisions import bulk
from app.decisions.bulk import Row
from app.decisions.models import EntitlementDecision, StatusPeriod
from app.local_authorities.models import LocalAuthority

DECISION_TABLE: Table = EntitlementDecision.__table__  # type: ignore[assignment]
STATUS_TABLE: Table = StatusPeriod.__table__  # type: ignore[assignment]
# The rows `timeline.rows` makes, in this column order; the id is added when they are written.
DECISION_COLUMNS = (
    "local_authority_id",
    "care_leaver_id",
    "entitlement_code",
    "valid_from",
    "valid_to",
    "outcome",
    "amount_pence",
    "offer_version_id",
    "offer_version",
    "district_gss_code",
    "missing_facts",
    "reasons",
    "computed_at",
)
STATUS_COLUMNS = ("local_authority_id", "care_leaver_id", "valid_from", "valid_to", "status", "computed_at")
# The columns of those that are in an index: a stored row found by them is updated in place (`bulk`).
DECISION_KEY = ("local_authority_id", "care_leaver_id", "entitlement_code", "valid_from", "district_gss_code")
STATUS_KEY = ("local_authority_id", "care_leaver_id", "valid_from")


@dataclass(frozen=True, slots=True)
class PersonInputs:
    """Everything one person's timeline is computed from, loaded in a few queries for a batch."""

    person: CareLeaver
    circumstances: list[Circumstance]
    overrides: list[Any]
    episodes: list[Episode]


def decision_on(day: date) -> ColumnElement[bool]:
    """The stored answer in force on `day`: one range on the (…, valid_from) indexes."""
    return and_(
        EntitlementDecision.valid_from <= day,
        or_(EntitlementDecision.valid_to.is_(None), EntitlementDecision.valid_to >= day),
    )


def status_on(day: date) -> ColumnElement[bool]:
    return and_(
        StatusPeriod.valid_from <= day, or_(StatusPeriod.valid_to.is_(None), StatusPeriod.valid_to >= day)
    )


def answered(outcome: str, *, or_unknown_only_for: str | None = None) -> ColumnElement[bool]:
    """The stored outcome is `outcome`; or, with `or_unknown_only_for`, unknown for want of that one fact
    alone (missing facts are stored as the JSON text the engine's list serialises to)."""
    if or_unknown_only_for is None:
        return EntitlementDecision.outcome == outcome
    only = json.dumps([or_unknown_only_for])
    return or_(
        EntitlementDecision.outcome == outcome,
        and_(EntitlementDecision.outcome == "unknown", cast(EntitlementDecision.missing_facts, Text) == only),
    )


class DecisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def inputs(self, care_leaver_ids: Collection[uuid.UUID]) -> list[PersonInputs]:
        ids = list(care_leaver_ids)
        if not ids:
            return []
        found_people = await self.session.execute(select(CareLeaver).where(CareLeaver.id.in_(ids)))
        people = {person.id: person for person in found_people.scalars()}
        entries: dict[uuid.UUID, list[Circumstance]] = {i: [] for i in ids}
        found = select(Circumstance).where(Circumstance.care_leaver_id.in_(ids))
        for entry in (await self.session.execute(found)).scalars():
            entries[entry.care_leaver_id].append(entry)
        overrides = await CareLeaverRepository(self.session).overrides(ids)
        episodes = await EpisodeRepository(self.session).current(ids)
        return [
            PersonInputs(p, entries[i], overrides[i], [to_episode(r) for r in episodes[i]])
            for i, p in people.items()
        ]

    async def count(self) -> int:
        return int(
            (await self.session.execute(select(func.count()).select_from(EntitlementDecision))).scalar_one()
        )

    async def councils(self, gss_code: str | None = None) -> list[tuple[uuid.UUID, str]]:
        """(id, name) of every council, or of the one with `gss_code`."""
        stmt = select(LocalAuthority.id, LocalAuthority.name).order_by(LocalAuthority.gss_code)
        if gss_code is not None:
            stmt = stmt.where(LocalAuthority.gss_code == gss_code)
        return [(i, n) for i, n in (await self.session.execute(stmt)).all()]

    async def people_without_decisions(self) -> list[uuid.UUID]:
        """Care leavers with no stored decision at all (recorded before decisions were stored)."""
        stored = select(EntitlementDecision.id).where(EntitlementDecision.care_leaver_id == CareLeaver.id)
        stmt = select(CareLeaver.id).where(~stored.exists()).order_by(CareLeaver.id)
        return list((await self.session.execute(stmt)).scalars())

    async def people_of_council(self, local_authority_id: uuid.UUID) -> list[uuid.UUID]:
        stmt = (
            select(CareLeaver.id)
            .where(CareLeaver.local_authority_id == local_authority_id)
            .order_by(CareLeaver.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def replace(
        self, care_leaver_ids: Sequence[uuid.UUID], decisions: list[Row], statuses: list[Row]
    ) -> None:
        """Replace these people's timelines by these rows, writing only the rows that differ (`bulk.replace`:
        one read and at most a few writes a table)."""
        if not care_leaver_ids:
            return
        ids = list(care_leaver_ids)
        # Every column but the last (when it was computed) says what a row stores: one equal in those to
        # a new row is left as it is, with the day it was first computed.
        for table, columns, key, rows in (
            (DECISION_TABLE, DECISION_COLUMNS, DECISION_KEY, decisions),
            (STATUS_TABLE, STATUS_COLUMNS, STATUS_KEY, statuses),
        ):
            await bulk.replace(self.session, table, columns, len(columns) - 1, key, ids, rows)

    async def on_day(
        self, care_leaver_ids: Collection[uuid.UUID], code: str, day: date
    ) -> dict[uuid.UUID, EntitlementDecision]:
        """Each person's stored answer for `code` on `day`."""
        if not care_leaver_ids:
            return {}
        stmt = select(EntitlementDecision).where(
            EntitlementDecision.care_leaver_id.in_(list(care_leaver_ids)),
            EntitlementDecision.entitlement_code == code,
            decision_on(day),
        )
        return {d.care_leaver_id: d for d in (await self.session.execute(stmt)).scalars()}

    async def person_on_day(self, care_leaver_id: uuid.UUID, day: date) -> list[EntitlementDecision]:
        stmt = (
            select(EntitlementDecision)
            .where(EntitlementDecision.care_leaver_id == care_leaver_id, decision_on(day))
            .order_by(EntitlementDecision.entitlement_code)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def timeline(self, care_leaver_id: uuid.UUID, code: str) -> list[EntitlementDecision]:
        stmt = (
            select(EntitlementDecision)
            .where(
                EntitlementDecision.care_leaver_id == care_leaver_id,
                EntitlementDecision.entitlement_code == code,
            )
            .order_by(EntitlementDecision.valid_from)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def status_periods(
        self, care_leaver_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[StatusPeriod]]:
        found: dict[uuid.UUID, list[StatusPeriod]] = {i: [] for i in care_leaver_ids}
        if not care_leaver_ids:
            return found
        stmt = (
            select(StatusPeriod)
            .where(StatusPeriod.care_leaver_id.in_(list(care_leaver_ids)))
            .order_by(StatusPeriod.care_leaver_id, StatusPeriod.valid_from)
        )
        for period in (await self.session.execute(stmt)).scalars():
            found[period.care_leaver_id].append(period)
        return found

    async def page_answered(
        self,
        local_authority_id: uuid.UUID,
        code: str,
        day: date,
        answer: ColumnElement[bool],
        *,
        district: str | None,
        consent: ConsentRecipient,
        limit: int,
        cursor: Position | None,
    ) -> Window[CareLeaver]:
        """Open cases of a council whose stored answer for `code` on `day` matches `answer`, who agreed to
        share with `consent`, living in `district` that day (any, if None); by name. One indexed range."""
        stmt = (
            select(CareLeaver)
            .join(EntitlementDecision, EntitlementDecision.care_leaver_id == CareLeaver.id)
            .join(
                Consent,
                and_(
                    Consent.care_leaver_id == CareLeaver.id,
                    Consent.withdrawn_at.is_(None),
                    Consent.recipient == consent,
                ),
            )
            .where(
                EntitlementDecision.local_authority_id == local_authority_id,
                EntitlementDecision.entitlement_code == code,
                decision_on(day),
                answer,
                CareLeaver.closed_on.is_(None),  # a closed case (moved away, died) is not sent to a district
            )
        )
        if district is not None:
            stmt = stmt.where(EntitlementDecision.district_gss_code == district)
        return await keyset_page(self.session, stmt, BY_NAME, limit=limit, cursor=cursor)

    async def later(
        self, care_leaver_ids: Collection[uuid.UUID], code: str, day: date
    ) -> dict[uuid.UUID, list[EntitlementDecision]]:
        """Each person's stored answers for `code` from the one in force on `day` onwards, in order."""
        found: dict[uuid.UUID, list[EntitlementDecision]] = {i: [] for i in care_leaver_ids}
        if not care_leaver_ids:
            return found
        stmt = (
            select(EntitlementDecision)
            .where(
                EntitlementDecision.care_leaver_id.in_(list(care_leaver_ids)),
                EntitlementDecision.entitlement_code == code,
                or_(EntitlementDecision.valid_to.is_(None), EntitlementDecision.valid_to >= day),
            )
            .order_by(EntitlementDecision.care_leaver_id, EntitlementDecision.valid_from)
        )
        for row in (await self.session.execute(stmt)).scalars():
            found[row.care_leaver_id].append(row)
        return found

    async def eligible(
        self, care_leaver_ids: Collection[uuid.UUID], codes: Sequence[str]
    ) -> dict[uuid.UUID, list[EntitlementDecision]]:
        """Each person's stored eligible stretches for any of `codes`, in one query."""
        found: dict[uuid.UUID, list[EntitlementDecision]] = {i: [] for i in care_leaver_ids}
        if not care_leaver_ids:
            return found
        stmt = select(EntitlementDecision).where(
            EntitlementDecision.care_leaver_id.in_(list(care_leaver_ids)),
            EntitlementDecision.entitlement_code.in_(list(codes)),
            EntitlementDecision.outcome == "eligible",
        )
        for row in (await self.session.execute(stmt)).scalars():
            found[row.care_leaver_id].append(row)
        return found

    async def first_days(
        self, care_leaver_ids: Collection[uuid.UUID], codes: Sequence[str]
    ) -> dict[uuid.UUID, date]:
        """The first day each person has any stored answer for `codes` (the first offer version in force)."""
        if not care_leaver_ids:
            return {}
        stmt = (
            select(EntitlementDecision.care_leaver_id, func.min(EntitlementDecision.valid_from))
            .where(
                EntitlementDecision.care_leaver_id.in_(list(care_leaver_ids)),
                EntitlementDecision.entitlement_code.in_(list(codes)),
            )
            .group_by(EntitlementDecision.care_leaver_id)
        )
        return {row[0]: row[1] for row in (await self.session.execute(stmt)).all()}
