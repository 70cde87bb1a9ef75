"""Pull (a snapshot, or the changes since a cursor) and push (changes made offline, each on its own).

A young person's view is built again only when it may have changed (`sync_state.stale`, set by every
change to their records, or a new day: some answers depend on the date), under a lock on their state,
so two phones syncing at once take turns. A pull with nothing new reads one row.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.problems import problem_of
from app.audit.enums import AuditAction
from app.audit.service import Concerned, record_about
from app.auth.principal import Principal
from app.claims import service as claims
from app.contacts import call_backs
from app.core.clock import uk_today, utc_now
from app.core.errors import DomainError
from app.entitlements.published import CurrentOffers
from app.pathway_plans import progress
from app.sync import snapshot
from app.sync.errors import ChangeIdReused, CursorExpired, InvalidSyncCursor
from app.sync.models import SyncItem, SyncPushedChange, SyncState
from app.sync.registry import SyncRepository
from app.sync.schemas import (
    ActionProgressChange,
    CallBackChange,
    Change,
    ClaimDraftChange,
    PlanCommentChange,
    PushResult,
    SyncItemRead,
)
from app.sync.snapshot import ItemType

RESOURCE = "sync"
KEEP_PUSHED = timedelta(days=30)  # a change's id is remembered this long (an app offline for weeks)
KEEP_TOMBSTONES = timedelta(days=30)  # a cursor older than this may answer 410


# Cursors: an opaque position in the young person's change sequence.


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"s1:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, seq = text.split(":")
        if prefix != "s1" or not seq.isdigit():
            raise ValueError(text)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidSyncCursor(
            "Not a sync cursor: send the `cursor` of your last sync, or none for a full snapshot.",
            errors=[
                {
                    "location": "query",
                    "pointer": "#/cursor",
                    "field": "cursor",
                    "message": "not a cursor from this sync",
                    "code": "invalid_cursor",
                }
            ],
        ) from exc


@dataclass(frozen=True, slots=True)
class Pulled:
    rows: list[SyncItem]
    cursor: str
    snapshot: bool
    has_more: bool
    etag: str


def person(principal: Principal) -> uuid.UUID:
    assert principal.care_leaver_id is not None  # the routes admit care leavers only
    return principal.care_leaver_id


async def fresh_state(
    session: AsyncSession, principal: Principal, offers: CurrentOffers | None, *, lock: bool = False
) -> SyncState:
    """The young person's state, their view built again first if it may be out of date."""
    repository, me, today = SyncRepository(session), person(principal), uk_today()
    if not lock:
        state = await repository.state(me)
        if state is not None and not state.stale and state.built_on == today:
            return state
    state = await repository.lock_state(me)
    if state.stale or state.built_on != today:
        await rebuild(session, principal, offers, state)
    return state


async def rebuild(
    session: AsyncSession, principal: Principal, offers: CurrentOffers | None, state: SyncState
) -> None:
    """Compare the young person's view now with what was sent, item by item (their state locked)."""
    snapshot_now = await snapshot.build(session, principal, offers)
    await SyncRepository(session).apply(state, snapshot_now, uk_today(), utc_now())


async def pull(
    session: AsyncSession, principal: Principal, cursor: str | None, limit: int, offers: CurrentOffers | None
) -> Pulled:
    after = 0 if cursor is None else decode_cursor(cursor)
    state = await fresh_state(session, principal, offers)
    if after > state.high_seq or (cursor is not None and after < state.pruned_seq):
        raise CursorExpired(
            "This sync cursor is too old (the changes since it are no longer kept) or not from this "
            "account. Sync again without a cursor to get everything, then carry on from its cursor."
        )
    etag = f'"sync-{state.high_seq}-{after}-{limit}"'
    if after == state.high_seq:  # nothing new: no query beyond the state's row
        return Pulled([], encode_cursor(after), cursor is None, False, etag)
    rows = list(
        await SyncRepository(session).since(
            person(principal), after, limit=limit + 1, live_only=cursor is None
        )
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].seq if has_more else state.high_seq
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        RESOURCE,
        [Concerned(person(principal), state_council(principal))],
        details={"items": len(rows), "snapshot": cursor is None},
    )
    return Pulled(rows, encode_cursor(last), cursor is None, has_more, etag)


def state_council(principal: Principal) -> uuid.UUID:
    assert principal.local_authority_id is not None
    return principal.local_authority_id


def item_read(row: SyncItem) -> dict[str, Any]:
    if row.deleted:
        return {"type": row.item_type, "id": row.item_id, "deleted": True}
    return {
        "type": row.item_type,
        "id": row.item_id,
        "version": row.version,
        "deleted": False,
        "data": row.body,
    }


async def body_of(
    session: AsyncSession, principal: Principal, pulled: Pulled, offers: CurrentOffers | None
) -> bytes:
    """The answer's JSON. The council's offer is the published bytes, as the offer's own route sends."""
    parts = []
    offer: bytes | None = None
    for row in pulled.rows:
        if row.item_type == ItemType.OFFER and not row.deleted:
            if offer is None:
                offer = (await snapshot.offer_of(session, principal, offers)).body
            parts.append(_json_with({**item_read(row), "data": None}, "data", offer))
        else:
            parts.append(json.dumps(item_read(row), separators=(",", ":")).encode())
    envelope = {"cursor": pulled.cursor, "snapshot": pulled.snapshot, "has_more": pulled.has_more}
    return _json_with(envelope, "items", b"[" + b",".join(parts) + b"]")


def _json_with(fields: dict[str, Any], key: str, raw: bytes) -> bytes:
    """`fields` as a JSON object whose last member `key` is `raw`, JSON already serialised."""
    rest = {k: v for k, v in fields.items() if k != key}
    head = json.dumps(rest, separators=(",", ":")).encode()
    return head[:-1] + (b"," if rest else b"") + json.dumps(key).encode() + b":" + raw + b"}"


# Push


def _fingerprint(change: Change) -> str:
    text = json.dumps(change.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


Target = tuple[ItemType, str]


async def _apply(session: AsyncSession, principal: Principal, change: Change) -> Target:
    """Make one change as the young person, through the same service the online app calls."""
    if isinstance(change, PlanCommentChange):
        await progress.add_comment(session, principal, change.plan_id, change.data)
        return ItemType.PATHWAY_PLAN, str(change.plan_id)
    if isinstance(change, ActionProgressChange):
        await progress.record_progress(session, principal, change.plan_id, change.data)
        return ItemType.PLAN_ACTION, str(change.data.action_id)
    if isinstance(change, CallBackChange):
        made = await call_backs.request_call_back(session, principal, change.data)
        return ItemType.CALL_BACK, str(made.id)
    assert isinstance(change, ClaimDraftChange)
    claim = await claims.create_claim(session, principal, person(principal), change.data)
    return ItemType.CLAIM, str(claim.id)


def _base(change: Change) -> tuple[Target, str] | None:
    """The item a change was made against, and the version the device had."""
    if isinstance(change, ActionProgressChange):
        return (ItemType.PLAN_ACTION, str(change.data.action_id)), change.base_version
    return None


async def push(
    session: AsyncSession, principal: Principal, changes: list[Change], offers: CurrentOffers | None
) -> list[PushResult]:
    """Each change on its own (a savepoint each): one refused or in conflict leaves the rest applied."""
    me = person(principal)
    state = await fresh_state(session, principal, offers, lock=True)  # pushes for one person take turns
    repository = SyncRepository(session)
    known = await repository.items(me)
    first = {
        row.id: row
        for row in await session.scalars(
            select(SyncPushedChange).where(SyncPushedChange.id.in_([c.id for c in changes]))
        )
    }
    results: list[PushResult | None] = []
    applied: list[tuple[int, Change, str, Target]] = []
    for change in changes:
        fingerprint = _fingerprint(change)
        earlier = first.get(change.id)
        if earlier is not None:
            if earlier.care_leaver_id == me and earlier.fingerprint == fingerprint:
                results.append(PushResult(id=change.id, status="duplicate", item=earlier.result.get("item")))
            else:
                reused = ChangeIdReused(
                    "A different change was already sent with this id: give each change its own id."
                )
                results.append(PushResult(id=change.id, status="rejected", problem=problem_of(reused)))
            continue
        base = _base(change)
        if base is not None:
            (kind, item_id), version = base
            row = known.get((kind.value, item_id))
            if row is None or row.deleted or row.version != version:
                current = (
                    SyncItemRead(type=kind, id=item_id, deleted=True)
                    if row is None
                    else SyncItemRead.model_validate(item_read(row))
                )
                results.append(PushResult(id=change.id, status="conflict", current=current))
                continue
        try:
            async with session.begin_nested():
                target = await _apply(session, principal, change)
        except DomainError as exc:
            results.append(PushResult(id=change.id, status="rejected", problem=problem_of(exc)))
            continue
        results.append(None)
        applied.append((len(results) - 1, change, fingerprint, target))
        first[change.id] = SyncPushedChange(
            id=change.id, care_leaver_id=me, fingerprint=fingerprint, result={}
        )
    if applied:
        await rebuild(session, principal, offers, state)  # still locked: the applied items' new versions
        known = await repository.items(me)
        for index, change, fingerprint, (kind, item_id) in applied:
            row = known.get((kind.value, item_id))
            item = SyncItemRead.model_validate(item_read(row)) if row is not None else None
            result = PushResult(id=change.id, status="applied", item=item)
            results[index] = result
            session.add(
                SyncPushedChange(
                    id=change.id,
                    care_leaver_id=me,
                    fingerprint=fingerprint,
                    result={"item": None if item is None else item.model_dump(mode="json", exclude={"data"})},
                )
            )
        await session.flush()
    return [r for r in results if r is not None]


# Pruning


async def prune(session: AsyncSession, now: Any) -> int:
    """Forget pushed-change ids after 30 days, and tombstones after 30 days (a cursor from before them
    then answers 410 and the device takes a snapshot)."""
    pushed = await session.execute(
        delete(SyncPushedChange).where(SyncPushedChange.created_at < now - KEEP_PUSHED)
    )
    horizon = now - KEEP_TOMBSTONES
    gone = (
        select(SyncItem.care_leaver_id, func.max(SyncItem.seq).label("seq"))
        .where(SyncItem.deleted.is_(True), SyncItem.changed_at < horizon)
        .group_by(SyncItem.care_leaver_id)
        .subquery()
    )
    await session.execute(
        update(SyncState)
        .where(SyncState.care_leaver_id == gone.c.care_leaver_id, SyncState.pruned_seq < gone.c.seq)
        .values(pruned_seq=gone.c.seq)
    )
    tombstones = await session.execute(
        delete(SyncItem).where(SyncItem.deleted.is_(True), SyncItem.changed_at < horizon)
    )
    return int(getattr(pushed, "rowcount", 0) or 0) + int(getattr(tombstones, "rowcount", 0) or 0)
