"""Published offers, prepared once per version: pre-serialised bytes, strong ETags and compiled rules.

A published version never changes, so everything derived from it is cached in the process keyed by
the version's id: correct across workers without coordination (each finds the current version
with one query, then uses or fills its own cache). Publishing evicts the council's entries to free
memory; a stale entry could never be served, because a new version has a new id.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.types import format_pence
from app.entitlements.models import Entitlement, OfferVersion
from app.entitlements.repository import OfferRepository, VersionPointer
from app.entitlements.rules import CompiledOffer, EntitlementData, Places, Unit, compile_offer
from app.entitlements.rules.params import describe
from app.entitlements.schemas import (
    AmountRuleRead,
    EntitlementContact,
    EntitlementRead,
    OfferRead,
    ParameterRead,
    ParameterValueRead,
    ProviderRead,
    SourceRead,
)
from app.local_authorities.schemas import LocalAuthorityRef

CACHE_SIZE = 64  # versions: two councils' current offers plus the past versions asked about


@dataclass(frozen=True, slots=True)
class PublishedOffer:
    pointer: VersionPointer
    body: bytes  # the whole offer, as OfferRead
    etag: str
    entitlements: Mapping[str, bytes]  # code -> EntitlementRead, in code order
    categories: Mapping[str, str]  # code -> category, for filtering the list
    compiled: CompiledOffer


class _Cache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[uuid.UUID, PublishedOffer] = OrderedDict()

    def get(self, version_id: uuid.UUID) -> PublishedOffer | None:
        entry = self.entries.get(version_id)
        if entry is not None:
            self.entries.move_to_end(version_id)
        return entry

    def put(self, offer: PublishedOffer) -> None:
        self.entries[offer.pointer.version_id] = offer
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def evict_council(self, local_authority_id: uuid.UUID) -> None:
        for key in [k for k, v in self.entries.items() if v.pointer.local_authority_id == local_authority_id]:
            del self.entries[key]


cache = _Cache(CACHE_SIZE)


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


async def prepared(repository: OfferRepository, pointer: VersionPointer) -> PublishedOffer:
    """The prepared form of a published version, from the cache or built now (two queries)."""
    found = cache.get(pointer.version_id)
    if found is not None:
        return found
    version = await repository.version_with_entitlements(pointer.version_id)
    authorities, areas = await repository.place_names()
    offer = build(pointer, version, Places(authorities=authorities, areas=areas))
    cache.put(offer)
    return offer


def build(pointer: VersionPointer, version: OfferVersion, places: Places) -> PublishedOffer:
    reads = [entitlement_read(e) for e in version.entitlements]
    document = OfferRead(
        local_authority=LocalAuthorityRef(gss_code=pointer.gss_code, name=pointer.name),
        version=pointer.number,
        published_at=pointer.published_at,
        notes=version.notes,
        entitlements=reads,
    )
    body = document.model_dump_json().encode()
    by_code = sorted(reads, key=lambda r: r.code)
    return PublishedOffer(
        pointer=pointer,
        body=body,
        etag=strong_etag(body),
        entitlements={r.code: r.model_dump_json().encode() for r in by_code},
        categories={r.code: r.category.value for r in by_code},
        compiled=compile_offer((engine_data(e) for e in version.entitlements), places),
    )


def engine_data(row: Entitlement) -> EntitlementData:
    """What the pure engine needs of a stored entitlement."""
    return EntitlementData(
        code=row.code,
        title=row.title,
        rule=row.rule,
        parameters=row.parameters,
        amount=row.amount,
        sources={s["id"]: s["citation"] for s in row.sources},
        available_from=row.available_from,
        withdrawn_from=row.withdrawn_from,
    )


def entitlement_read(row: Entitlement) -> EntitlementRead:
    return EntitlementRead(
        code=row.code,
        title=row.title,
        summary=row.summary,
        category=row.category,
        basis=row.basis,
        provider=ProviderRead(kind=row.provider_kind, name=row.provider_name),
        how_to_claim=row.how_to_claim,
        evidence=list(row.evidence),
        contacts=[EntitlementContact.model_validate(c) for c in row.contacts],
        available_from=row.available_from,
        withdrawn_from=row.withdrawn_from,
        amount=AmountRuleRead.model_validate(row.amount) if row.amount else None,
        parameters=[_parameter_read(name, spec) for name, spec in row.parameters.items()],
        rule=row.rule,
        sources=[SourceRead.model_validate(s) for s in row.sources],
    )


def _parameter_read(name: str, spec: Mapping[str, Any]) -> ParameterRead:
    unit = Unit(spec["unit"])
    return ParameterRead(
        name=name,
        unit=unit,
        basis=spec.get("basis", "on"),
        description=spec.get("description", ""),
        values=[
            ParameterValueRead(
                effective_from=date.fromisoformat(v["effective_from"]),
                value=v["value"],
                display=format_pence(v["value"]) if unit is Unit.PENCE else describe(unit, v["value"]),
                source=v["source"],
            )
            for v in spec["values"]
        ],
    )
