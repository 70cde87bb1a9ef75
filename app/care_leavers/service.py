"""Use cases on the care-leaver record. Each checks access through the policy and records an audit event."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth import invitations
from app.auth.enums import ConsentRecipient, Role, SubjectKind
from app.auth.errors import EMAIL_TAKEN, EmailTaken
from app.auth.invitations import IssuedInvitation
from app.auth.models import UserAccount
from app.auth.policy import PersonScope, may_read, may_write
from app.auth.principal import Principal
from app.auth.repository import AuthRepository
from app.auth.schemas import InvitedUserRead
from app.care_leavers import episodes, history, hooks, views
from app.care_leavers.errors import AccountExists, CareLeaverNotFound, CaseReferenceTaken, ReadOnlyAccess
from app.care_leavers.facts import facts_from_record
from app.care_leavers.history import check_care_history, refresh_stale_statuses, refresh_status
from app.care_leavers.models import CareLeaver, Circumstance, Consent
from app.care_leavers.repository import CareLeaverFilters, CareLeaverRepository
from app.care_leavers.schemas import (
    CareLeaverAccountCreate,
    CareLeaverCreate,
    CareLeaverRead,
    CareLeaverUpdate,
)
from app.core.clock import uk_today, utc_now
from app.core.errors import InvalidInput, field_error
from app.core.settings import Settings
from app.db.idempotency import fingerprint, run_once
from app.db.pagination import Position, Window
from app.db.session import insert_or_raise
from app.entitlements import service as entitlements
from app.entitlements.published import PublishedOffer
from app.entitlements.rules.engine import Result
from app.local_authorities.repository import LocalAuthorityRepository

RESOURCE = "care_leaver"
REQUIRED_FIELDS = {"given_name", "family_name", "date_of_birth", "still_looked_after"}
# Changing any of these may change the legal status (and when contact is due).
STATUS_FIELDS = {
    "date_of_birth",
    "still_looked_after",
    "left_care_on",
    "weeks_looked_after_since_14",
    "weeks_looked_after_after_16",
}


async def load_for_read(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, today: date | None = None
) -> tuple[CareLeaver, PersonScope]:
    """The person, if the principal may read them; otherwise 404, the same as for an unknown id."""
    found = await CareLeaverRepository(session).scope(care_leaver_id, today or uk_today())
    if found is None or not may_read(principal, found[1]):
        raise CareLeaverNotFound("No care leaver with that id is yours to see.")
    return found


async def load_for_write(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, today: date | None = None
) -> tuple[CareLeaver, PersonScope]:
    person, scope = await load_for_read(session, principal, care_leaver_id, today)
    if not may_write(principal, scope):
        # They can see the record exists, so 403 reveals nothing new.
        raise ReadOnlyAccess(
            "You can read this record but only their personal adviser, team manager or admin can change it."
        )
    return person, scope


async def get_care_leaver(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> CareLeaverRead:
    person, scope = await load_for_read(session, principal, care_leaver_id)
    today = uk_today()
    # Weeks looked after accrue every day someone is in care: their derived fields are kept for today.
    stale = person.legal_status_until is not None and person.legal_status_until < today
    if stale or person.still_looked_after:
        await refresh_status(session, person, today)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        RESOURCE,
        [person],
        resource_id=person.id,
    )
    return await read_back(session, principal, person, scope)


async def list_care_leavers(
    session: AsyncSession,
    principal: Principal,
    filters: CareLeaverFilters,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[CareLeaverRead]:
    """A page of the people the principal may see, each with their current adviser."""
    repo = CareLeaverRepository(session)
    today = uk_today()
    if principal.local_authority_id is not None:
        await refresh_stale_statuses(session, principal.local_authority_id, today)
    window = await repo.page_visible(principal, filters, today, limit=limit, cursor=cursor)
    advisers = await repo.current_advisers([p.id for p in window.items], today)
    # One event for the request, linked to each person shown (so each one's access log has it).
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        RESOURCE,
        window.items,
        local_authority_id=principal.local_authority_id,
        details={"count": len(window.items)},
    )
    gss = principal.local_authority_gss or ""
    return window.map(lambda p: views.care_leaver_read(p, gss, advisers.get(p.id), today))


async def create_care_leaver(
    session: AsyncSession, principal: Principal, body: CareLeaverCreate, idempotency_key: str | None
) -> CareLeaverRead:
    """A new record; with an idempotency key, a retry reads back the record the first request created."""
    person = await run_once(
        session,
        principal.user_id,
        idempotency_key,
        "create_care_leaver",
        fingerprint(body.model_dump(mode="json")),
        create=lambda: _create_care_leaver(session, principal, body),
        load=lambda person_id: read_person(session, principal, person_id, RESOURCE),
        id_of=lambda p: p.id,
    )
    return views.care_leaver_read(person, principal.local_authority_gss or "", None, uk_today())


async def _create_care_leaver(
    session: AsyncSession, principal: Principal, body: CareLeaverCreate
) -> CareLeaver:
    assert principal.local_authority_id is not None  # only council staff reach here
    person = CareLeaver(
        local_authority_id=principal.local_authority_id, **body.model_dump(exclude={"care_episodes"})
    )
    check_care_history(person)
    await insert_or_raise(
        session,
        person,
        CaseReferenceTaken(f"Another record in this council has case reference {body.case_reference}."),
    )
    counters = body.model_fields_set & set(episodes.COUNTER_FIELDS)
    await episodes.record_initial(session, principal, person, body.care_episodes or [], counters)
    await refresh_status(session, person, uk_today())
    await hooks.record_changed(session, person.id)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        RESOURCE,
        [person],
        resource_id=person.id,
    )
    return person


async def update_care_leaver(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, body: CareLeaverUpdate
) -> CareLeaverRead:
    """Correct the record: their adviser, manager or admin only."""
    person, scope = await load_for_write(session, principal, care_leaver_id)
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name in REQUIRED_FIELDS:
            raise InvalidInput(f"{name} cannot be removed.", errors=[field_error(name, "cannot be null")])
        setattr(person, name, value)
    if "date_of_birth" in changes:
        await episodes.check_birth_change(session, person)
    check_care_history(person)
    await session.flush()
    if counters := changes.keys() & set(episodes.COUNTER_FIELDS):
        await episodes.counters_changed(session, principal, person, set(counters))
    if changes.keys() & STATUS_FIELDS:
        await refresh_status(session, person, uk_today())
        await hooks.record_changed(session, person.id)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        RESOURCE,
        [person],
        resource_id=person.id,
        details={"fields": sorted(changes)},
    )
    return await read_back(session, principal, person, scope)


async def current_adviser(session: AsyncSession, scope: PersonScope) -> UserAccount | None:
    if scope.adviser_id is None:
        return None
    return (await CareLeaverRepository(session).advisers({scope.adviser_id})).get(scope.adviser_id)


async def read_back(
    session: AsyncSession, principal: Principal, person: CareLeaver, scope: PersonScope
) -> CareLeaverRead:
    """The record as it reads now, with its current adviser."""
    # Whoever may read a person works in that person's council, so the caller's council is theirs.
    gss = principal.local_authority_gss or ""
    return views.care_leaver_read(person, gss, await current_adviser(session, scope), uk_today())


async def list_consents(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> list[Consent]:
    person = await read_person(session, principal, care_leaver_id, "consent")
    return await CareLeaverRepository(session).consents(person.id)


async def give_consent(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    recipient: ConsentRecipient,
    organisation_id: uuid.UUID | None = None,
) -> Consent:
    """The young person themself, or staff who may change the record, records an agreement to share with
    one named organisation. A district-council consent naming none names the billing authority where they
    live now (the partner organisation of their council that bills there), or, if none bills there, no one."""
    person = await _load_for_consent(session, principal, care_leaver_id)
    repo = CareLeaverRepository(session)
    organisation = await repo.consent_organisation(person, recipient, organisation_id)
    existing = await repo.active_consent(person.id, recipient, organisation)
    if existing is not None:
        return existing  # giving consent twice is the same as once
    consent = Consent(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        recipient=recipient,
        partner_organisation_id=organisation,
        given_at=utc_now(),
        recorded_by=principal.user_id,
    )
    session.add(consent)
    await session.flush()
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "consent",
        [person],
        resource_id=consent.id,
        details={
            "recipient": recipient.value,
            "organisation_id": str(organisation) if organisation else None,
        },
    )
    return consent


async def withdraw_consent(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    recipient: ConsentRecipient,
    organisation_id: uuid.UUID | None = None,
) -> None:
    """Takes effect at once: the partner's next request no longer finds the person. Without an
    organisation, every consent of that kind is withdrawn; with one, that organisation's."""
    person = await _load_for_consent(session, principal, care_leaver_id)
    withdrawn = utc_now()
    for consent in await CareLeaverRepository(session).active_consents(person.id):
        if consent.recipient != recipient:
            continue
        if organisation_id is not None and consent.partner_organisation_id != organisation_id:
            continue
        consent.withdrawn_at = withdrawn  # already withdrawn: nothing to do (withdrawing is idempotent)
        await session.flush()
        await record_about(
            session,
            principal.as_actor(),
            AuditAction.UPDATE,
            "consent",
            [person],
            resource_id=consent.id,
            details={"recipient": recipient.value, "withdrawn": True},
        )


async def _load_for_consent(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID
) -> CareLeaver:
    if principal.care_leaver_id == care_leaver_id and principal.has(Role.CARE_LEAVER):
        person, _ = await load_for_read(session, principal, care_leaver_id)
        return person
    person, _ = await load_for_write(session, principal, care_leaver_id)
    return person


async def create_account(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    body: CareLeaverAccountCreate,
) -> tuple[UserAccount, IssuedInvitation]:
    """The account has no password: the young person sets their own with the invitation returned."""
    person, _ = await load_for_write(session, principal, care_leaver_id)
    existing = await session.execute(select(UserAccount.id).where(UserAccount.care_leaver_id == person.id))
    if existing.first() is not None:
        raise AccountExists("This young person already has an app account.")
    user = UserAccount(
        email=body.email,
        display_name=person.display_name,
        kind=SubjectKind.CARE_LEAVER,
        roles=[Role.CARE_LEAVER.value],
        password_hash=None,
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
    )
    # The same answer as POST /v1/users, wherever (whichever council) the address is already used.
    await insert_or_raise(session, user, EmailTaken(EMAIL_TAKEN))
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "user_account",
        [person],
        resource_id=user.id,
    )
    return user, await invitations.issue(session, settings, principal, user, utc_now())


async def create_care_leaver_account(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    body: CareLeaverAccountCreate,
) -> InvitedUserRead:
    user, issued = await create_account(session, settings, principal, care_leaver_id, body)
    return views.invited_user_read(await reload_user(session, user.id), issued)


async def advisers_by_id(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, UserAccount]:
    return await CareLeaverRepository(session).advisers(ids)


async def reload_user(session: AsyncSession, user_id: uuid.UUID) -> UserAccount:
    user = await AuthRepository(session).user(user_id)
    assert user is not None
    return user


async def read_person(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, what: str
) -> CareLeaver:
    """Load a person the principal may read, and record that they read `what` about them."""
    person, _ = await load_for_read(session, principal, care_leaver_id)
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        what,
        [person],
        resource_id=person.id,
    )
    return person


async def evaluate_for_person(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, on: date
) -> tuple[PublishedOffer, list[Result]]:
    """What the young person is entitled to on `on`, from their record as it stood that day."""
    person, _ = await load_for_read(session, principal, care_leaver_id)
    snapshot = await history.snapshot_on(session, person, on)
    decision = await history.decide(session, person, on, snapshot)
    authority = await LocalAuthorityRepository(session).get_by_id(person.local_authority_id)
    assert authority is not None
    care = await history.care_history_on(session, person, on)
    facts = facts_from_record(
        person, authority.gss_code, {k: e.details for k, e in snapshot.items()}, decision.status, on, care
    )
    offer, results = await entitlements.evaluate_entitlements(
        session, person.local_authority_id, facts, on=on, now=utc_now()
    )
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        "entitlements",
        [person],
        resource_id=person.id,
        details={"on": on.isoformat()},
    )
    return offer, results


async def circumstance(
    session: AsyncSession, principal: Principal, person: CareLeaver, entry_id: uuid.UUID
) -> Circumstance:
    """One entry, read back (a retried create answers with it): the read is audited like any other."""
    entry = await session.get(Circumstance, entry_id)
    if entry is None or entry.care_leaver_id != person.id:
        raise CareLeaverNotFound("The entry this key made is no longer there.")
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        "circumstance",
        [person],
        resource_id=entry.id,
    )
    return entry
