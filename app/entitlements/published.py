"""Published offers, prepared once per version: pre-serialised bytes, strong ETags and compiled rules.

A published version never changes, so everything derived from it is cached in the process keyed by
the version's id (`cache`): shared by every app in the process, and never stale, because a new version
has a new id. Publishing evicts the council's entries to free memory.

Which version is current is another matter: `CurrentOffers`, one per app, remembers each council's
current version for `RECHECK_SECONDS` after reading it, so a poll of the offer (or its 304) touches no
database. The worker that publishes forgets the council once the publication commits, so its next
answer is the new version; every other worker reads the pointer again within `RECHECK_SECONDS`.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.api.conditional import Prepared
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
# How long a worker trusts its knowledge of a council's current version before reading it again: how
# late, at most, a worker that did not publish serves a new version. One indexed query a second per
# council per worker is nothing; a second's delay on a council's publication is nothing either.
RECHECK_SECONDS = 1.0
# Once a council's memory is stale, one request reads it again while the others are answered from the
# stale memory (not all 64 at once: that stalled every request for a moment each second). If that
# request fails, another tries once this has passed.
REREAD_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class PublishedOffer:
    pointer: VersionPointer
    document: Prepared  # the whole offer, as OfferRead
    entitlements: Mapping[str, Prepared]  # code -> EntitlementRead, in code order
    categories: Mapping[str, str]  # code -> category, for filtering the list
    compiled: CompiledOffer

    @property
    def body(self) -> bytes:
        return self.document.body

    @property
    def etag(self) -> str:
        return self.document.etag


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


# A council's version now (None), or in force at the end of a date asked (the instant before the next
# UK midnight): the GSS code and that instant.
OfferKey = tuple[str, datetime | None]
MAX_REMEMBERED = 256  # keys: the councils' current versions and the dates people ask about


class CurrentOffers:
    """Which version answers for a council now, or on a date, trusted for `recheck_seconds` after it was
    read and for as long as one request is reading it again (at most `REREAD_TIMEOUT_SECONDS` more).

    A date's version can change only by a publication before that date ends, so the same rules hold for
    it: today's or a later date's changes with a publication now, an earlier date's never does.
    `generation` moves whenever a council is forgotten, so a read that began before a publication
    committed cannot store the version it replaced (`remember` refuses it).
    """

    def __init__(
        self, recheck_seconds: float = RECHECK_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.recheck_seconds = recheck_seconds
        self.clock = clock
        self.generation = 0
        self._entries: dict[OfferKey, tuple[PublishedOffer, float]] = {}
        self._rereading: dict[OfferKey, float] = {}  # when a request began reading it again

    def answerable(self, gss_code: str, before: datetime | None = None) -> PublishedOffer | None:
        """The version for a council (now, or up to `before`), if memory may answer now (no side effect)."""
        key = (gss_code, before)
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self.clock()
        if now - entry[1] < self.recheck_seconds:
            return entry[0]
        began = self._rereading.get(key)
        return entry[0] if began is not None and now - began < REREAD_TIMEOUT_SECONDS else None

    def answerable_or_reread(self, gss_code: str, before: datetime | None = None) -> PublishedOffer | None:
        """As `answerable`; when that is None, the caller is the one to read it again (and `remember`)."""
        found = self.answerable(gss_code, before)
        if found is None:
            self._rereading[(gss_code, before)] = self.clock()
        return found

    def remember(
        self, offer: PublishedOffer, before: datetime | None = None, *, generation: int, read_at: float
    ) -> None:
        """Store the version a read found at `read_at`, unless a council was forgotten since."""
        key = (offer.pointer.gss_code, before)
        self._rereading.pop(key, None)
        if generation != self.generation:
            return
        self._entries.pop(key, None)  # to the end: the oldest go first when there are too many
        self._entries[key] = (offer, read_at)
        while len(self._entries) > MAX_REMEMBERED:
            del self._entries[next(iter(self._entries))]

    def forget(self, gss_code: str) -> None:
        self.generation += 1
        for table in (self._entries, self._rereading):
            for key in [key for key in table if key[0] == gss_code]:
                del table[key]

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._rereading.clear()


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
    modified = pointer.published_at
    by_code = sorted(reads, key=lambda r: r.code)
    return PublishedOffer(
        pointer=pointer,
        document=Prepared.of(document.model_dump_json().encode(), modified),
        entitlements={r.code: Prepared.of(r.model_dump_json().encode(), modified) for r in by_code},
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
