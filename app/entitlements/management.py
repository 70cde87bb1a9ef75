"""A council managing its own offer (the la_admin's use cases): draft, edit, withdraw, publish.

Every function takes the council's id: the access layer passes the signed-in admin's council, so
one council can never touch another's offer. Published versions are never changed; a draft is a
copy of the current version, and publishing it makes a new version. Dated values already in force
cannot be changed or removed by an edit, and a withdrawal cannot start in the past: what the app
told a young person yesterday stays explainable. `app.entitlements.drafts` wraps these for the
signed-in administrator (their council only, the draft's ETag, the audit trail).
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import field_error
from app.entitlements import hooks
from app.entitlements.enums import OfferStatus
from app.entitlements.errors import (
    DraftExists,
    DraftNotFound,
    EntitlementCodeTaken,
    EntitlementInvalid,
    EntitlementNotFound,
    HistoryRewrite,
    PublicationOutOfOrder,
)
from app.entitlements.models import Entitlement, OfferVersion
from app.entitlements.published import cache
from app.entitlements.repository import OfferRepository
from app.entitlements.rules import EntitlementData, validate_entitlement
from app.entitlements.rules.dates import long_date
from app.entitlements.schemas import EntitlementWrite
from app.local_authorities.errors import LocalAuthorityNotFound

# Copied from one version to the next unchanged; everything else comes from the council's definition.
_CARRIED = (
    "code",
    "position",
    "title",
    "summary",
    "category",
    "basis",
    "provider_kind",
    "provider_name",
    "how_to_claim",
    "evidence",
    "contacts",
    "rule",
    "parameters",
    "amount",
    "sources",
    "available_from",
    "withdrawn_from",
)


async def get_draft(session: AsyncSession, local_authority_id: uuid.UUID) -> OfferVersion:
    """The draft, locked for the change the caller is about to make (until the unit of work ends)."""
    draft = await OfferRepository(session).draft(local_authority_id, lock=True)
    if draft is None:
        raise DraftNotFound("There is no draft of this council's offer: start one first.")
    return draft


async def start_draft(
    session: AsyncSession, local_authority_id: uuid.UUID, *, now: datetime, notes: str = ""
) -> OfferVersion:
    """A new draft: a copy of the latest published version (or empty for a council's first offer)."""
    repository = OfferRepository(session)
    if await repository.local_authority(local_authority_id=local_authority_id) is None:
        raise LocalAuthorityNotFound("No local authority has that id.")
    if await repository.draft(local_authority_id) is not None:
        raise DraftExists("This council already has a draft: edit it, publish it or discard it.")
    current = await repository.latest_published(local_authority_id)
    draft = OfferVersion(
        local_authority_id=local_authority_id,
        number=await repository.next_number(local_authority_id),
        status=OfferStatus.DRAFT,
        notes=notes,
        created_at=now,
        published_at=None,
        entitlements=[_copy(e) for e in current.entitlements] if current else [],
    )
    repository.add_version(draft)
    await repository.flush()
    return draft


def _copy(row: Entitlement) -> Entitlement:
    twin = Entitlement(local_authority_id=row.local_authority_id)
    for name in _CARRIED:
        # JSON values are copied, so that editing the draft can never reach the published row.
        setattr(twin, name, copy.deepcopy(getattr(row, name)))
    return twin


async def add_entitlement(
    session: AsyncSession, local_authority_id: uuid.UUID, definition: EntitlementWrite
) -> Entitlement:
    draft = await get_draft(session, local_authority_id)
    if any(e.code == definition.code for e in draft.entitlements):
        raise EntitlementCodeTaken(
            f"The draft already has an entitlement {definition.code!r}: edit that one."
        )
    _check_rules(definition)
    entitlement = Entitlement(
        local_authority_id=local_authority_id,
        position=max((e.position for e in draft.entitlements), default=0) + 1,
        withdrawn_from=None,
    )
    _apply(entitlement, definition)
    draft.entitlements.append(entitlement)
    await session.flush()
    return entitlement


async def update_entitlement(
    session: AsyncSession,
    local_authority_id: uuid.UUID,
    code: str,
    definition: EntitlementWrite,
    *,
    today: date,
) -> Entitlement:
    """Replace an entitlement's definition in the draft. Its code is stable; dated values in force stay."""
    draft = await get_draft(session, local_authority_id)
    entitlement = _in(draft, code)
    if definition.code != code:
        raise EntitlementInvalid(
            "An entitlement's code never changes: withdraw it and add a new one instead.",
            errors=[field_error("code", f"must stay {code!r}")],
        )
    _check_rules(definition, withdrawn_from=entitlement.withdrawn_from)
    published = await OfferRepository(session).latest_published(local_authority_id)
    before = next((e for e in published.entitlements if e.code == code), None) if published else None
    if before is not None:
        _check_history(before.parameters, _parameters(definition), today)
    _apply(entitlement, definition)
    await session.flush()
    return entitlement


async def withdraw_entitlement(
    session: AsyncSession, local_authority_id: uuid.UUID, code: str, *, withdrawn_from: date, today: date
) -> Entitlement:
    """Stop offering an entitlement from a date (today or later), once the draft is published."""
    draft = await get_draft(session, local_authority_id)
    entitlement = _in(draft, code)
    if withdrawn_from < today:
        raise HistoryRewrite(
            f"A withdrawal cannot start before today ({long_date(today)}): the offer already said otherwise.",
            errors=[field_error("withdrawn_from", "must be today or later")],
        )
    if entitlement.available_from is not None and withdrawn_from <= entitlement.available_from:
        raise EntitlementInvalid(
            "An entitlement is withdrawn after it starts.",
            errors=[field_error("withdrawn_from", "must be after available_from")],
        )
    entitlement.withdrawn_from = withdrawn_from
    await session.flush()
    return entitlement


async def remove_from_draft(session: AsyncSession, local_authority_id: uuid.UUID, code: str) -> None:
    """Take out an entitlement added in this draft; one already published must be withdrawn instead."""
    draft = await get_draft(session, local_authority_id)
    entitlement = _in(draft, code)
    published = await OfferRepository(session).latest_published(local_authority_id)
    if published is not None and any(e.code == code for e in published.entitlements):
        raise HistoryRewrite(
            f"{code!r} is in the published offer: withdraw it from a date instead of removing it.",
            errors=[field_error("code", "is published; withdraw it")],
        )
    draft.entitlements.remove(entitlement)
    await session.flush()


async def discard_draft(session: AsyncSession, local_authority_id: uuid.UUID) -> None:
    draft = await get_draft(session, local_authority_id)
    await OfferRepository(session).delete_version(draft)
    await session.flush()


async def publish_draft(
    session: AsyncSession, local_authority_id: uuid.UUID, *, now: datetime, notes: str | None = None
) -> OfferVersion:
    """The draft becomes the council's current offer, published at `now`; earlier versions stay readable."""
    repository = OfferRepository(session)
    draft = await get_draft(session, local_authority_id)
    if not draft.entitlements:
        raise EntitlementInvalid("A published offer needs at least one entitlement.")
    current = await repository.latest_published(local_authority_id)
    if current is not None and current.published_at is not None and current.published_at > now:
        raise PublicationOutOfOrder(
            f"Version {current.number} is published at {current.published_at.isoformat()}, "
            "after this one would be."
        )
    draft.status = OfferStatus.PUBLISHED
    draft.published_at = now
    if notes is not None:
        draft.notes = notes
    await repository.flush()
    cache.evict_council(local_authority_id)
    await hooks.offer_published(session, local_authority_id)  # stored decisions follow the new version
    return draft


def _in(draft: OfferVersion, code: str) -> Entitlement:
    for entitlement in draft.entitlements:
        if entitlement.code == code:
            return entitlement
    raise EntitlementNotFound(f"The draft has no entitlement {code!r}.")


def _parameters(definition: EntitlementWrite) -> dict[str, Any]:
    return {name: p.model_dump(mode="json") for name, p in definition.parameters.items()}


def _check_rules(definition: EntitlementWrite, *, withdrawn_from: date | None = None) -> None:
    """The rule may name only known facts, dates, parameters and sources (the engine's own validator)."""
    data = EntitlementData(
        code=definition.code,
        title=definition.title,
        rule=definition.rule,
        parameters=_parameters(definition),
        amount=definition.amount.model_dump(mode="json") if definition.amount else None,
        sources={s.id: s.citation for s in definition.sources},
        available_from=definition.available_from,
        withdrawn_from=withdrawn_from,  # a withdrawal already made in the draft stays after the start
    )
    errors = validate_entitlement(data)
    if errors:
        raise EntitlementInvalid(
            f"The rule data has {len(errors)} problem{'s' if len(errors) != 1 else ''}.",
            errors=[field_error(e.path, e.message, code="rule_language") for e in errors],
        )


def _check_history(before: dict[str, Any], after: dict[str, Any], today: date) -> None:
    """Values that took effect on or before today keep their date, figure, unit and basis."""
    errors = []
    for name, spec in before.items():
        in_force = [v for v in spec["values"] if date.fromisoformat(v["effective_from"]) <= today]
        if not in_force:
            continue
        new = after.get(name)
        if new is None:
            errors.append(field_error(f"parameters.{name}", "has values in force and cannot be removed"))
            continue
        if (new["unit"], new["basis"]) != (spec["unit"], spec.get("basis", "on")):
            errors.append(
                field_error(f"parameters.{name}", "keeps its unit and basis once values are in force")
            )
        kept = {(v["effective_from"], v["value"]) for v in new["values"]}
        for value in in_force:
            if (value["effective_from"], value["value"]) not in kept:
                errors.append(
                    field_error(
                        f"parameters.{name}.values",
                        f"the value from {value['effective_from']} is in force and cannot change; "
                        "add a new value from a later date",
                    )
                )
    if errors:
        raise HistoryRewrite("Dated values already in force cannot be changed.", errors=errors)


def _apply(entitlement: Entitlement, definition: EntitlementWrite) -> None:
    entitlement.code = definition.code
    entitlement.title = definition.title
    entitlement.summary = definition.summary
    entitlement.category = definition.category
    entitlement.basis = definition.basis
    entitlement.provider_kind = definition.provider.kind
    entitlement.provider_name = definition.provider.name
    entitlement.how_to_claim = definition.how_to_claim
    entitlement.evidence = list(definition.evidence)
    entitlement.contacts = [c.model_dump(mode="json") for c in definition.contacts]
    entitlement.rule = definition.rule
    entitlement.parameters = _parameters(definition)
    entitlement.amount = definition.amount.model_dump(mode="json") if definition.amount else None
    entitlement.sources = [s.model_dump(mode="json") for s in definition.sources]
    entitlement.available_from = definition.available_from
