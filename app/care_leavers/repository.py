"""All SQL about care leavers. Every query that returns people is scoped to what the caller may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.enums import ConsentRecipient, PartnerKind, Role
from app.auth.models import PartnerOrganisation, UserAccount
from app.auth.policy import PersonScope
from app.auth.principal import Principal
from app.care_leavers.enums import CircumstanceKind, RecordStatus, SupportRequestStatus
from app.care_leavers.models import (
    AdviserAllocation,
    CareLeaver,
    Circumstance,
    Consent,
    LegalStatusOverride,
    SupportRequest,
)
from app.core.dates import latest_birth_date
from app.core.errors import InvalidInput, field_error
from app.db.pagination import Position, SortKey, Window, keyset_page
from app.db.search import contains

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])

BY_NAME = SortKey("family_name", (CareLeaver.family_name, CareLeaver.given_name, CareLeaver.id))

_current = aliased(AdviserAllocation, name="current_allocation")
_adviser = aliased(UserAccount, name="current_adviser")


def allocation_in_force(
    today: date, allocation: type[AdviserAllocation] = AdviserAllocation
) -> ColumnElement[bool]:
    """The allocation (or an alias of it) is in force on `today`: started, and not yet ended.

    `ended_on` is the first day without the adviser, so an allocation ending today is over."""
    return and_(
        allocation.started_on <= today,
        or_(allocation.ended_on.is_(None), allocation.ended_on > today),
    )


def _current_on(today: date) -> ColumnElement[bool]:
    return and_(_current.care_leaver_id == CareLeaver.id, allocation_in_force(today, _current))


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The SQL form of `app.auth.policy.person_access(...) >= READ`; a test checks they agree."""
    if principal.local_authority_id is None:
        return false()
    by_role: list[ColumnElement[bool]] = []
    if principal.has(Role.LA_ADMIN):
        by_role.append(true())
    if principal.has(Role.TEAM_MANAGER):
        by_role.append(
            or_(
                _current.id.is_(None),
                and_(_adviser.team_id.is_not(None), _adviser.team_id == principal.team_id),
            )
        )
    if principal.has(Role.PERSONAL_ADVISER):
        by_role.append(
            or_(
                _current.adviser_id == principal.user_id,
                and_(_adviser.team_id.is_not(None), _adviser.team_id == principal.team_id),
            )
        )
    if principal.has(Role.CARE_LEAVER) and principal.care_leaver_id is not None:
        by_role.append(CareLeaver.id == principal.care_leaver_id)
    if not by_role:
        return false()
    return and_(CareLeaver.local_authority_id == principal.local_authority_id, or_(*by_role))


# For other domains' lists of people (the contact log's overdue list): join each person's current
# adviser with `join_current_adviser`, then scope with `visible_to`, which reads these same aliases.
current_adviser_id = _current.adviser_id
current_team_id = _adviser.team_id


# Contact duties end on the 25th birthday (CA89 s23CZB; STATUTE.md section 3).
CONTACT_DUTY_ENDS_AT = 25


def contact_overdue(today: date) -> ColumnElement[bool]:
    """Contact is overdue: due before today, the case open, and the young person not yet 25 (a due
    date kept from before the birthday or the closure no longer means anything)."""
    return and_(
        CareLeaver.next_contact_due_on.is_not(None),
        CareLeaver.next_contact_due_on < today,
        CareLeaver.closed_on.is_(None),
        CareLeaver.date_of_birth > latest_birth_date(today, CONTACT_DUTY_ENDS_AT),
    )


def join_current_adviser(stmt: SelectT, today: date) -> SelectT:
    """`stmt`, selecting from care_leaver, outer-joined to the allocation and adviser current on `today`."""
    return stmt.outerjoin(_current, _current_on(today)).outerjoin(
        _adviser, _adviser.id == _current.adviser_id
    )


def visible_people(
    principal: Principal,
    today: date,
    *,
    adviser_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
    include_closed: bool = False,
) -> Select[uuid.UUID]:
    """The ids of the people `principal` may read, as a subquery for other domains' lists (pathway plans),
    scoped exactly as the care-leaver list is; optionally only one adviser's or one team's."""
    stmt = join_current_adviser(select(CareLeaver.id), today).where(visible_to(principal))
    if adviser_id is not None:
        stmt = stmt.where(_current.adviser_id == adviser_id)
    if team_id is not None:
        stmt = stmt.where(_adviser.team_id == team_id)
    if not include_closed:
        stmt = stmt.where(CareLeaver.closed_on.is_(None))
    return stmt


@dataclass(frozen=True, slots=True)
class CareLeaverFilters:
    q: str | None = None
    district: str | None = None
    adviser_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    unallocated: bool | None = None
    statuses: tuple[RecordStatus, ...] = ()
    # Inclusive age range on the day asked about: (16, 17), (18, 20), (21, 24), (25, None).
    min_age: int | None = None
    max_age: int | None = None
    overdue_contact: bool | None = None
    include_closed: bool = False


class CareLeaverRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _with_adviser(self, stmt: SelectT, today: date) -> SelectT:
        return join_current_adviser(stmt, today)

    async def page_visible(
        self,
        principal: Principal,
        filters: CareLeaverFilters,
        today: date,
        *,
        limit: int,
        cursor: Position | None,
    ) -> Window[CareLeaver]:
        stmt = self._with_adviser(select(CareLeaver), today).where(visible_to(principal))
        if filters.q:
            text = filters.q.strip().lower()
            stmt = stmt.where(
                or_(
                    contains(func.lower(CareLeaver.given_name + " " + CareLeaver.family_name), text),
                    contains(func.lower(func.coalesce(CareLeaver.preferred_name, "")), text),
                    func.lower(CareLeaver.case_reference) == text,
                )
            )
        if filters.district:
            stmt = stmt.where(CareLeaver.district_gss_code == filters.district)
        if filters.adviser_id:
            stmt = stmt.where(_current.adviser_id == filters.adviser_id)
        if filters.team_id:
            stmt = stmt.where(_adviser.team_id == filters.team_id)
        if filters.unallocated is not None:
            stmt = stmt.where(_current.id.is_(None) if filters.unallocated else _current.id.is_not(None))
        if filters.statuses:
            stmt = stmt.where(CareLeaver.legal_status.in_(filters.statuses))
        if filters.min_age is not None:
            stmt = stmt.where(CareLeaver.date_of_birth <= latest_birth_date(today, filters.min_age))
        if filters.max_age is not None:
            stmt = stmt.where(CareLeaver.date_of_birth > latest_birth_date(today, filters.max_age + 1))
        if filters.overdue_contact is not None:
            overdue = contact_overdue(today)
            stmt = stmt.where(overdue if filters.overdue_contact else ~overdue)
        if not filters.include_closed:
            stmt = stmt.where(CareLeaver.closed_on.is_(None))
        return await keyset_page(self.session, stmt, BY_NAME, limit=limit, cursor=cursor)

    async def stale_statuses(self, local_authority_id: uuid.UUID, today: date) -> list[CareLeaver]:
        """Records whose derived status may have changed since it was kept (a birthday has passed)."""
        stmt = select(CareLeaver).where(
            CareLeaver.local_authority_id == local_authority_id,
            CareLeaver.legal_status_until.is_not(None),
            CareLeaver.legal_status_until < today,
        )
        return list((await self.session.execute(stmt)).scalars())

    async def circumstances(
        self, care_leaver_id: uuid.UUID, kind: CircumstanceKind | None = None
    ) -> list[Circumstance]:
        stmt = select(Circumstance).where(Circumstance.care_leaver_id == care_leaver_id)
        if kind is not None:
            stmt = stmt.where(Circumstance.kind == kind)
        stmt = stmt.order_by(Circumstance.valid_from, Circumstance.recorded_at)
        return list((await self.session.execute(stmt)).scalars())

    async def snapshots(
        self, care_leaver_ids: list[uuid.UUID], on: date
    ) -> dict[uuid.UUID, dict[CircumstanceKind, Circumstance]]:
        """What was true on `on` for each person: the entry in force for each kind, in one query.

        In force: the latest `valid_from` on or before `on`; of two for the same date, the one
        recorded later (a correction).
        """
        if not care_leaver_ids:
            return {}
        ranked = (
            select(
                Circumstance.id,
                func.row_number()
                .over(
                    partition_by=(Circumstance.care_leaver_id, Circumstance.kind),
                    order_by=(Circumstance.valid_from.desc(), Circumstance.recorded_at.desc()),
                )
                .label("rank"),
            )
            .where(Circumstance.care_leaver_id.in_(care_leaver_ids), Circumstance.valid_from <= on)
            .subquery()
        )
        stmt = select(Circumstance).join(ranked, ranked.c.id == Circumstance.id).where(ranked.c.rank == 1)
        result: dict[uuid.UUID, dict[CircumstanceKind, Circumstance]] = {i: {} for i in care_leaver_ids}
        for entry in (await self.session.execute(stmt)).scalars():
            result[entry.care_leaver_id][CircumstanceKind(entry.kind)] = entry
        return result

    async def overrides(self, care_leaver_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[LegalStatusOverride]]:
        """Every override, ended or not, for a batch of people, oldest first: one query."""
        found: dict[uuid.UUID, list[LegalStatusOverride]] = {i: [] for i in care_leaver_ids}
        if not care_leaver_ids:
            return found
        stmt = (
            select(LegalStatusOverride)
            .where(LegalStatusOverride.care_leaver_id.in_(care_leaver_ids))
            .order_by(LegalStatusOverride.recorded_at)
        )
        for override in (await self.session.execute(stmt)).scalars():
            found[override.care_leaver_id].append(override)
        return found

    async def active_override(self, care_leaver_id: uuid.UUID) -> LegalStatusOverride | None:
        stmt = (
            select(LegalStatusOverride)
            .where(
                LegalStatusOverride.care_leaver_id == care_leaver_id, LegalStatusOverride.ended_at.is_(None)
            )
            .order_by(LegalStatusOverride.recorded_at.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_case_references(
        self, local_authority_id: uuid.UUID, references: list[str]
    ) -> dict[str, CareLeaver]:
        found: dict[str, CareLeaver] = {}
        for start in range(0, len(references), 500):  # stay well under any bind-parameter limit
            chunk = references[start : start + 500]
            stmt = select(CareLeaver).where(
                CareLeaver.local_authority_id == local_authority_id, CareLeaver.case_reference.in_(chunk)
            )
            found.update({p.case_reference: p for p in (await self.session.execute(stmt)).scalars()})
        return found

    async def open_support_requests(self, care_leaver_id: uuid.UUID) -> list[SupportRequest]:
        stmt = select(SupportRequest).where(
            SupportRequest.care_leaver_id == care_leaver_id,
            SupportRequest.status == SupportRequestStatus.OPEN,
        )
        return list((await self.session.execute(stmt)).scalars())

    async def scope(self, care_leaver_id: uuid.UUID, today: date) -> tuple[CareLeaver, PersonScope] | None:
        """The person and the facts the access policy needs, in two queries."""
        stmt = self._with_adviser(select(CareLeaver, _current.adviser_id, _adviser.team_id), today).where(
            CareLeaver.id == care_leaver_id
        )
        row = (await self.session.execute(stmt)).one_or_none()
        if row is None:
            return None
        person, adviser_id, team_id = row
        consents = await self.active_consents(care_leaver_id)
        scope = PersonScope(
            care_leaver_id=person.id,
            local_authority_id=person.local_authority_id,
            adviser_id=adviser_id,
            adviser_team_id=team_id,
            district_gss=person.district_gss_code,
            consents=frozenset(c.recipient for c in consents),
            consent_organisations=frozenset(
                c.partner_organisation_id for c in consents if c.partner_organisation_id is not None
            ),
        )
        return person, scope

    async def active_consents(self, care_leaver_id: uuid.UUID) -> list[Consent]:
        stmt = select(Consent).where(Consent.care_leaver_id == care_leaver_id, Consent.withdrawn_at.is_(None))
        return list((await self.session.execute(stmt)).scalars())

    async def consents(self, care_leaver_id: uuid.UUID) -> list[Consent]:
        stmt = select(Consent).where(Consent.care_leaver_id == care_leaver_id).order_by(Consent.given_at)
        return list((await self.session.execute(stmt)).scalars())

    async def active_consent(
        self, care_leaver_id: uuid.UUID, recipient: ConsentRecipient, organisation_id: uuid.UUID | None
    ) -> Consent | None:
        stmt = select(Consent).where(
            Consent.care_leaver_id == care_leaver_id,
            Consent.recipient == recipient,
            Consent.withdrawn_at.is_(None),
            Consent.partner_organisation_id.is_(None)
            if organisation_id is None
            else Consent.partner_organisation_id == organisation_id,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def consent_organisation(
        self, person: CareLeaver, recipient: ConsentRecipient, organisation_id: uuid.UUID | None
    ) -> uuid.UUID | None:
        """The partner organisation a consent names: the one asked for, which must be a partner of the
        person's council of that kind (422 otherwise); or, for a district council named by no id, the
        council's billing authority where they live now (None if no partner bills there)."""
        kind = PartnerKind(recipient.value)
        stmt = select(PartnerOrganisation.id).where(
            PartnerOrganisation.local_authority_id == person.local_authority_id,
            PartnerOrganisation.kind == kind,
        )
        if organisation_id is not None:
            found = (
                await self.session.execute(stmt.where(PartnerOrganisation.id == organisation_id))
            ).first()
            if found is None:
                raise InvalidInput(
                    f"That is not a {kind.value.replace('_', ' ')} your council shares with.",
                    errors=[field_error("organisation_id", f"a partner organisation of kind {kind.value}")],
                )
            return organisation_id
        if kind is not PartnerKind.DISTRICT_COUNCIL or person.district_gss_code is None:
            return None
        stmt = stmt.where(PartnerOrganisation.district_gss_code == person.district_gss_code).order_by(
            PartnerOrganisation.name
        )
        return (await self.session.execute(stmt)).scalars().first()

    async def allocations(self, care_leaver_id: uuid.UUID) -> list[AdviserAllocation]:
        stmt = (
            select(AdviserAllocation)
            .where(AdviserAllocation.care_leaver_id == care_leaver_id)
            .order_by(AdviserAllocation.started_on, AdviserAllocation.created_at)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def open_allocation(self, care_leaver_id: uuid.UUID) -> AdviserAllocation | None:
        stmt = select(AdviserAllocation).where(
            AdviserAllocation.care_leaver_id == care_leaver_id, AdviserAllocation.ended_on.is_(None)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def advisers(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, UserAccount]:
        if not ids:
            return {}
        stmt = select(UserAccount).where(UserAccount.id.in_(ids))
        return {u.id: u for u in (await self.session.execute(stmt)).scalars()}

    async def current_advisers(
        self, care_leaver_ids: list[uuid.UUID], today: date
    ) -> dict[uuid.UUID, UserAccount]:
        """Each person's current adviser, for a page of people in one query."""
        if not care_leaver_ids:
            return {}
        stmt = (
            select(AdviserAllocation.care_leaver_id, UserAccount)
            .join(UserAccount, UserAccount.id == AdviserAllocation.adviser_id)
            .where(AdviserAllocation.care_leaver_id.in_(care_leaver_ids), allocation_in_force(today))
        )
        return dict((await self.session.execute(stmt)).all())
