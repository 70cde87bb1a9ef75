"""Use cases for the published offer and the eligibility check (public: published information)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NoReturn

import pydantic_core
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import Prepared
from app.core.clock import UK
from app.core.errors import field_error
from app.core.types import format_pence
from app.db.pagination import Position, SortKey
from app.entitlements.enums import Category
from app.entitlements.errors import EntitlementNotFound, FactsInvalid, OfferNotPublished
from app.entitlements.models import Entitlement
from app.entitlements.published import CurrentOffers, PublishedOffer, prepared
from app.entitlements.repository import OfferRepository
from app.entitlements.rules import Result
from app.entitlements.rules.dates import long_date
from app.local_authorities.errors import LocalAuthorityNotFound

BY_CODE = SortKey("code", (Entitlement.code,))


def published_before(on: date | None, now: datetime) -> datetime:
    """The instant a version must have been published before to be the one in force on `on` (UK days)."""
    if on is None:
        return now
    next_day = datetime.combine(on + timedelta(days=1), time(0), tzinfo=UK)
    return next_day.astimezone(UTC)


async def get_offer(
    session: AsyncSession,
    gss_code: str,
    *,
    on: date | None,
    now: datetime,
    current: CurrentOffers | None = None,
) -> PublishedOffer:
    """The version of a council's offer in force on `on` (the current one without it).

    With `current`, the version comes from memory while that is fresh, and a read refreshes it.
    """
    if current is None:
        return await _offer_as_of(OfferRepository(session), gss_code, on, now)
    key = None if on is None else published_before(on, now)
    found = current.answerable_or_reread(gss_code, key)
    if found is not None:
        return found
    generation, read_at = current.generation, current.clock()  # before the read: never trusted too long
    offer = await _offer_as_of(OfferRepository(session), gss_code, on, now)
    current.remember(offer, key, generation=generation, read_at=read_at)
    return offer


async def _offer_as_of(
    repository: OfferRepository, gss_code: str, on: date | None, now: datetime
) -> PublishedOffer:
    pointer = await repository.published_as_of(before=published_before(on, now), gss_code=gss_code)
    if pointer is None:
        await _not_published(repository, gss_code, on)
    return await prepared(repository, pointer)


async def _not_published(repository: OfferRepository, gss_code: str, on: date | None) -> NoReturn:
    authority = await repository.local_authority(gss_code=gss_code)
    if authority is None:
        raise LocalAuthorityNotFound(f"No local authority has the GSS code {gss_code}.")
    when = f"on {long_date(on)}" if on else "yet"
    raise OfferNotPublished(f"{authority.name} had not published its Local Offer in this service {when}.")


def entitlement_page(
    offer: PublishedOffer, *, limit: int, cursor: Position | None, category: Category | None
) -> tuple[list[bytes], Position | None]:
    """One page of the offer's entitlements in code order, pre-serialised, and where the next one starts."""
    after = BY_CODE.values_of(cursor)[0] if cursor is not None else None
    codes = [
        code
        for code, kind in offer.categories.items()
        if (category is None or kind == category) and (after is None or code > after)
    ]
    page = codes[:limit]
    next_position = BY_CODE.position([page[-1]]) if len(codes) > limit else None
    return [offer.entitlements[code].body for code in page], next_position


def entitlement(offer: PublishedOffer, code: str) -> Prepared:
    found = offer.entitlements.get(code)
    if found is None:
        raise EntitlementNotFound(
            f"{offer.pointer.name}'s offer (version {offer.pointer.number}) has no entitlement {code!r}."
        )
    return found


async def check_eligibility(
    session: AsyncSession,
    gss_code: str,
    facts: Mapping[str, object],
    *,
    on: date,
    now: datetime,
    dated: bool = True,
    current: CurrentOffers | None = None,
) -> tuple[PublishedOffer, list[Result]]:
    """Evaluate the offer in force on `on` for these facts. Nothing is stored.

    The version is the one `GET .../offer?on=` serves for that date (the current one when no date was
    asked, `dated` false), so the two always agree, down to the same 404 before the first publication.
    """
    _check_consistent(facts, on)  # a body that contradicts itself is refused whatever the date
    offer = await get_offer(session, gss_code, on=on if dated else None, now=now, current=current)
    return offer, _run(offer, facts, on)


async def evaluate_entitlements(
    session: AsyncSession,
    local_authority_id: uuid.UUID,
    facts: Mapping[str, object],
    *,
    on: date,
    now: datetime,
) -> tuple[PublishedOffer, list[Result]]:
    """The same evaluation for a person's record (the care-leaver domain passes facts from the record).

    As for the public check, the offer is the version in force on `on`, never a later one.
    """
    repository = OfferRepository(session)
    before = published_before(on, now)
    pointer = await repository.published_as_of(before=before, local_authority_id=local_authority_id)
    if pointer is None:
        authority = await repository.local_authority(local_authority_id=local_authority_id)
        if authority is None:
            raise OfferNotPublished("No council with that id has published a Local Offer in this service.")
        await _not_published(repository, authority.gss_code, on)
    offer = await prepared(repository, pointer)
    return offer, _evaluate(offer, facts, on)


def evaluate_offer(offer: PublishedOffer, facts: Mapping[str, object], on: date) -> list[Result]:
    """One version's answers for these facts on `on`, with no I/O (the stored decisions use this too)."""
    return _evaluate(offer, facts, on)


def _evaluate(offer: PublishedOffer, facts: Mapping[str, object], on: date) -> list[Result]:
    _check_consistent(facts, on)
    return _run(offer, facts, on)


def _run(offer: PublishedOffer, facts: Mapping[str, object], on: date) -> list[Result]:
    """The engine on facts already checked."""
    # The council asked about is the one that looked after the young person unless the facts say otherwise
    # (STATUTE.md section 1: the responsible council is the one that last looked after them).
    if facts.get("local_authority") is None:
        facts = {**facts, "local_authority": offer.pointer.gss_code}
    return offer.compiled.evaluate(facts, on)


def _check_consistent(facts: Mapping[str, object], on: date) -> None:
    born = facts.get("date_of_birth")
    if not isinstance(born, date):
        return
    errors = []
    if born > on:
        errors.append(field_error("facts.date_of_birth", "is after the date asked about"))
    for name in ("left_care_on", "course_start", "apprenticeship_start"):
        value = facts.get(name)
        if isinstance(value, date) and value < born:
            errors.append(field_error(f"facts.{name}", "is before the date of birth"))
    if errors:
        names = ", ".join(e["field"] for e in errors)
        raise FactsInvalid(f"These facts do not fit together: {names}.", errors=errors)


def report_body(offer: PublishedOffer, on: date, results: list[Result]) -> bytes:
    """The EligibilityReport as JSON bytes: built from the engine's slotted results without re-validation,
    and written by pydantic-core (the same bytes as `json.dumps(..., ensure_ascii=False)`, in a quarter of
    the time)."""
    document = {
        "local_authority": offer.pointer.gss_code,
        "on": on.isoformat(),
        "offer_version": offer.pointer.number,
        "offer_published_at": offer.pointer.published_at.isoformat(),
        "results": [_result(r) for r in results],
    }
    return pydantic_core.to_json(document)


def _result(r: Result) -> dict[str, Any]:
    amount = r.amount
    return {
        "entitlement": r.entitlement,
        "title": r.title,
        "outcome": r.outcome.value,
        "reasons": [
            {
                "code": x.code,
                "result": x.result,
                "message": x.message,
                "source": x.source,
                "facts": list(x.facts),
            }
            for x in r.reasons
        ],
        "missing_facts": list(r.missing_facts),
        "amount": None
        if amount is None
        else {
            "amount_pence": amount.pence,
            "currency": "GBP",
            "display": format_pence(amount.pence),
            "period": amount.period.value,
            "qualifier": amount.qualifier.value,
        },
        "starts_on": r.starts_on.isoformat() if r.starts_on else None,
        "ends_on": r.ends_on.isoformat() if r.ends_on else None,
        "what_would_change": list(r.what_would_change),
    }
