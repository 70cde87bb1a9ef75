"""The offer-management use cases as a signed-in council administrator reaches them over HTTP.

Around each use case in `management`: the council must be the administrator's own (403 otherwise;
the offer is public, so naming another council's reveals nothing); a change names the draft it
was made against (`If-Match` with the draft's ETag, 412 when someone changed it first, 428 when
missing or `*`, as app/api/conditional.py decides for every change); and every change leaves an
audit event in the same transaction.

The draft's ETag is a hash of what the administrator sees, prefixed with the version number it
will have. Publishing consumes the draft, so a publication request that names a draft already
published is answered from the version it became: 200 with that version for the administrator who
published it (a retry after a lost response publishes nothing twice), 409 for anyone else.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import if_match_tags, require_if_match, stale, strong_match
from app.audit.enums import AuditAction
from app.audit.repository import AuditRepository
from app.audit.service import record
from app.auth.policy import may_manage_offer
from app.auth.principal import Principal
from app.entitlements import management
from app.entitlements.enums import OfferStatus
from app.entitlements.errors import DraftNotFound, NotYourCouncil, OfferAlreadyPublished
from app.entitlements.models import Entitlement, OfferVersion
from app.entitlements.published import PublishedOffer, entitlement_read, prepared
from app.entitlements.repository import OfferRepository, VersionPointer
from app.entitlements.schemas import (
    EntitlementRead,
    EntitlementWrite,
    OfferDraftCreate,
    OfferDraftRead,
    OfferPublicationCreate,
)
from app.local_authorities.errors import LocalAuthorityNotFound
from app.local_authorities.models import LocalAuthority
from app.local_authorities.schemas import LocalAuthorityRef

VERSION = "offer_version"
ENTITLEMENT = "entitlement"
DRAFT = "the draft"
_DRAFT_ETAG = re.compile(r'^"(\d{1,9})-[0-9a-f]{32}"$')


@dataclass(frozen=True, slots=True)
class DraftView:
    read: OfferDraftRead
    etag: str


@dataclass(frozen=True, slots=True)
class EntitlementView:
    read: EntitlementRead
    etag: str  # the draft's, after the change


@dataclass(frozen=True, slots=True)
class Publication:
    offer: PublishedOffer
    created: bool  # False: the draft named was already published by this administrator


async def own_council(session: AsyncSession, principal: Principal, gss_code: str) -> LocalAuthority:
    authority = await OfferRepository(session).local_authority(gss_code=gss_code)
    if authority is None:
        raise LocalAuthorityNotFound(f"No local authority has the GSS code {gss_code}.")
    if not may_manage_offer(principal, authority.id):
        raise NotYourCouncil(f"You administer another council's offer, not {authority.name}'s.")
    return authority


async def get_draft(session: AsyncSession, principal: Principal, gss_code: str) -> DraftView:
    authority = await own_council(session, principal, gss_code)
    draft = await OfferRepository(session).draft(authority.id)
    if draft is None:
        raise _no_draft(authority)
    return _view(authority, draft)


async def start_draft(
    session: AsyncSession, principal: Principal, gss_code: str, body: OfferDraftCreate, *, now: datetime
) -> DraftView:
    authority = await own_council(session, principal, gss_code)
    draft = await management.start_draft(session, authority.id, now=now, notes=body.notes)
    await _audit(session, principal, AuditAction.CREATE, VERSION, draft, {"version": draft.number})
    return _view(authority, draft)


async def discard_draft(
    session: AsyncSession, principal: Principal, gss_code: str, *, if_match: str | None
) -> None:
    authority, draft = await _draft_for_change(session, principal, gss_code, if_match)
    await _audit(session, principal, AuditAction.DELETE, VERSION, draft, {"version": draft.number})
    await management.discard_draft(session, authority.id)


async def add_entitlement(
    session: AsyncSession,
    principal: Principal,
    gss_code: str,
    body: EntitlementWrite,
    *,
    if_match: str | None,
) -> EntitlementView:
    authority, draft = await _draft_for_change(session, principal, gss_code, if_match)
    entitlement = await management.add_entitlement(session, authority.id, body)
    await _audit(session, principal, AuditAction.CREATE, ENTITLEMENT, entitlement, _about(draft, entitlement))
    return _entitlement_view(authority, draft, entitlement)


async def replace_entitlement(
    session: AsyncSession,
    principal: Principal,
    gss_code: str,
    code: str,
    body: EntitlementWrite,
    *,
    if_match: str | None,
    today: date,
) -> EntitlementView:
    authority, draft = await _draft_for_change(session, principal, gss_code, if_match)
    before = _dump(next((e for e in draft.entitlements if e.code == code), None))
    entitlement = await management.update_entitlement(session, authority.id, code, body, today=today)
    after = _dump(entitlement)
    changed = sorted(k for k in after if before.get(k) != after[k])
    details = {**_about(draft, entitlement), "fields": changed}
    await _audit(session, principal, AuditAction.UPDATE, ENTITLEMENT, entitlement, details)
    return _entitlement_view(authority, draft, entitlement)


async def withdraw_entitlement(
    session: AsyncSession,
    principal: Principal,
    gss_code: str,
    code: str,
    *,
    withdrawn_from: date,
    if_match: str | None,
    today: date,
) -> EntitlementView:
    authority, draft = await _draft_for_change(session, principal, gss_code, if_match)
    entitlement = await management.withdraw_entitlement(
        session, authority.id, code, withdrawn_from=withdrawn_from, today=today
    )
    details = {**_about(draft, entitlement), "withdrawn_from": withdrawn_from.isoformat()}
    await _audit(session, principal, AuditAction.UPDATE, ENTITLEMENT, entitlement, details)
    return _entitlement_view(authority, draft, entitlement)


async def remove_entitlement(
    session: AsyncSession, principal: Principal, gss_code: str, code: str, *, if_match: str | None
) -> str:
    """Takes out an entitlement added in this draft; returns the draft's new ETag."""
    authority, draft = await _draft_for_change(session, principal, gss_code, if_match)
    entitlement = next((e for e in draft.entitlements if e.code == code), None)
    await management.remove_from_draft(session, authority.id, code)
    assert entitlement is not None  # remove_from_draft refuses a code the draft does not have
    await _audit(session, principal, AuditAction.DELETE, ENTITLEMENT, entitlement, _about(draft, entitlement))
    return draft_etag(authority, draft)


async def publish_draft(
    session: AsyncSession,
    principal: Principal,
    gss_code: str,
    body: OfferPublicationCreate,
    *,
    if_match: str | None,
    now: datetime,
) -> Publication:
    """The draft named by `if_match` becomes the current offer; see the module docstring for repeats."""
    authority = await own_council(session, principal, gss_code)
    repository = OfferRepository(session)
    draft = await repository.draft(authority.id, lock=True)  # a second publisher waits here
    named = _named_version(if_match or "")
    if draft is None and named is None:
        raise _no_draft(authority)
    tags = if_match_tags(if_match, what=DRAFT)
    if draft is not None and strong_match(tags, draft_etag(authority, draft)):
        version = await management.publish_draft(session, authority.id, now=now, notes=body.notes)
        await _audit(session, principal, AuditAction.PUBLISH, VERSION, version, {"version": version.number})
        return Publication(await _prepared(repository, authority, version), created=True)
    if named is not None and (draft is None or draft.number != named):
        earlier = await repository.version(authority.id, named)
        if earlier is not None and earlier.status is OfferStatus.PUBLISHED:
            if await _published_by(session, principal, earlier):
                return Publication(await _prepared(repository, authority, earlier), created=False)
            assert earlier.published_at is not None
            raise OfferAlreadyPublished(
                f"That draft was published as version {earlier.number} at "
                f"{earlier.published_at.isoformat()} by another administrator; nothing was published now.",
                version=earlier.number,
            )
    if draft is None:
        raise _no_draft(authority)
    raise stale(draft_etag(authority, draft), what=DRAFT)


def draft_etag(authority: LocalAuthority, draft: OfferVersion) -> str:
    """A strong ETag of the draft as its administrators see it (sub-resources share it)."""
    return _etag(draft.number, _read(authority, draft))


async def _draft_for_change(
    session: AsyncSession, principal: Principal, gss_code: str, if_match: str | None
) -> tuple[LocalAuthority, OfferVersion]:
    """The council and its draft, locked for this change, if the caller saw its current state."""
    authority = await own_council(session, principal, gss_code)
    draft = await management.get_draft(session, authority.id)
    # Preconditions are judged only on something that exists (RFC 9110 s13.2.1): 404 comes first.
    require_if_match(if_match, draft_etag(authority, draft), what=DRAFT)
    return authority, draft


def _no_draft(authority: LocalAuthority) -> DraftNotFound:
    return DraftNotFound(f"{authority.name} has no draft of its offer: start one first.")


def _named_version(header: str) -> int | None:
    tags = [tag.strip() for tag in header.split(",")]
    found = [int(m.group(1)) for m in map(_DRAFT_ETAG.match, tags) if m]
    return found[0] if len(found) == 1 else None


async def _published_by(session: AsyncSession, principal: Principal, version: OfferVersion) -> bool:
    """Whether the audit trail (written in the publication's own transaction) names this admin."""
    return await AuditRepository(session).has_event(
        actor_id=principal.user_id,
        action=AuditAction.PUBLISH,
        resource_type=VERSION,
        resource_id=str(version.id),
    )


async def _prepared(
    repository: OfferRepository, authority: LocalAuthority, version: OfferVersion
) -> PublishedOffer:
    assert version.published_at is not None
    pointer = VersionPointer(
        version.id, version.number, version.published_at, authority.id, authority.gss_code, authority.name
    )
    return await prepared(repository, pointer)


def _read(authority: LocalAuthority, draft: OfferVersion) -> OfferDraftRead:
    return OfferDraftRead(
        local_authority=LocalAuthorityRef(gss_code=authority.gss_code, name=authority.name),
        version=draft.number,
        created_at=draft.created_at,
        notes=draft.notes,
        entitlements=[entitlement_read(e) for e in draft.entitlements],
    )


def _etag(number: int, read: OfferDraftRead) -> str:
    # Keys sorted: the hash depends on the content, not on the order JSON columns kept it in.
    canonical = json.dumps(read.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return f'"{number}-{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"'


def _view(authority: LocalAuthority, draft: OfferVersion) -> DraftView:
    read = _read(authority, draft)
    return DraftView(read, _etag(draft.number, read))


def _entitlement_view(
    authority: LocalAuthority, draft: OfferVersion, entitlement: Entitlement
) -> EntitlementView:
    return EntitlementView(entitlement_read(entitlement), draft_etag(authority, draft))


def _dump(entitlement: Entitlement | None) -> dict[str, Any]:
    return entitlement_read(entitlement).model_dump(mode="json") if entitlement is not None else {}


def _about(draft: OfferVersion, entitlement: Entitlement) -> dict[str, Any]:
    return {"code": entitlement.code, "version": draft.number}


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: AuditAction,
    resource_type: str,
    resource: OfferVersion | Entitlement,
    details: dict[str, Any],
) -> None:
    # Reference data, not personal data: no subjects.
    await record(
        session,
        principal.as_actor(),
        action,
        resource_type,
        resource_id=resource.id,
        local_authority_id=resource.local_authority_id,
        details=details,
    )
