"""Notifications: made where the thing happens (`notify`, in the same unit of work), for a whole council at
once (a new offer), or by the daily command (reviews, actions, birthdays); read by the young person.

Every notification made is also a `notification.created` webhook event for the council's push gateway,
held back until the council's quiet hours end. The event carries the notification's id, kind and fixed
title and the care leaver's id (the gateway maps it to the young person's phones): no push tokens, which
no table here holds, and no provider credentials, which belong to the gateway.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.conditional import require_if_match
from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.models import CareLeaver
from app.care_leavers.service import load_for_read
from app.core.clock import utc_now
from app.db.changes import people_changed
from app.db.pagination import Position, Window
from app.events.enums import EventType
from app.events.outbox import emit, emit_many
from app.notifications import quiet_hours, wording
from app.notifications.errors import NotificationNotFound
from app.notifications.models import QUIET_FROM, QUIET_UNTIL, Notification, NotificationSettings
from app.notifications.repository import NotificationRepository
from app.notifications.schemas import (
    NotificationRead,
    NotificationSettingsRead,
    NotificationSettingsUpdate,
    Subject,
)
from app.notifications.wording import Message

RESOURCE = "notification"
# How far ahead the daily command looks: a review two weeks before it is due, the young person's own
# actions three days before theirs. The dedupe key makes each one notify once, whichever day finds it.
REVIEW_NOTICE = timedelta(days=14)
ACTION_NOTICE = timedelta(days=3)
# The 21Plus service: care leavers aged 21 to 24 (up to their 25th birthday).
TWENTY_ONE_PLUS = (21, 24)


def read_of(row: Notification) -> NotificationRead:
    return NotificationRead(
        id=row.id,
        kind=row.kind,
        title=row.title,
        body=row.body,
        subject=Subject(type=row.subject_type, id=row.subject_id),
        created_at=row.created_at,
        read_at=row.read_at,
    )


async def _held_until(session: AsyncSession, local_authority_id: uuid.UUID, now: datetime) -> datetime | None:
    found = await NotificationRepository(session).settings(local_authority_id)
    start, end = (found.quiet_from, found.quiet_until) if found else (QUIET_FROM, QUIET_UNTIL)
    return quiet_hours.held_until(now, start, end)


def _payload(notification_id: uuid.UUID, care_leaver_id: uuid.UUID, message: Message) -> dict[str, object]:
    return {
        "notification_id": notification_id,
        "kind": message.kind.value,
        "title": message.title,
        "care_leaver_id": care_leaver_id,
    }


async def notify(
    session: AsyncSession,
    local_authority_id: uuid.UUID,
    care_leaver_id: uuid.UUID,
    message: Message,
    *,
    now: datetime | None = None,
) -> uuid.UUID | None:
    """Store `message` for the young person and enqueue its push, unless they already have it (then None).

    Called by the use case where the thing happens, in its unit of work: a rolled-back approval notifies
    nobody."""
    now = now or utc_now()
    repo = NotificationRepository(session)
    notification_id = await repo.add_once(local_authority_id, care_leaver_id, message, now)
    if notification_id is None:
        return None
    await people_changed(session, [care_leaver_id])
    await emit(
        session,
        EventType.NOTIFICATION_CREATED,
        _payload(notification_id, care_leaver_id, message),
        local_authority_id=local_authority_id,
        not_before=await _held_until(session, local_authority_id, now),
    )
    return notification_id


async def offer_published(session: AsyncSession, local_authority_id: uuid.UUID) -> int:
    """A new version of the council's offer: one notification for each of its young people with an open
    record, written by one INSERT ... SELECT, and their pushes in one multi-row INSERT each for events
    and deliveries. Subscribed to `app.entitlements.hooks` by `app.wiring`."""
    repo = NotificationRepository(session)
    version = await repo.offer_version(local_authority_id)
    if version is None:
        return 0
    version_id, number, council = version
    message = wording.offer_changed(version_id, council, number)
    now = utc_now()
    added = await repo.add_for_council(local_authority_id, message, now)
    await people_changed(session, [person for _, person in added])
    await emit_many(
        session,
        EventType.NOTIFICATION_CREATED,
        [_payload(notification_id, person, message) for notification_id, person in added],
        local_authority_id=local_authority_id,
        not_before=await _held_until(session, local_authority_id, now),
    )
    return len(added)


@dataclass(frozen=True, slots=True)
class Council:
    id: uuid.UUID
    name: str
    duty_phone: str | None


async def councils(session: AsyncSession) -> list[Council]:
    return [Council(*row) for row in await NotificationRepository(session).councils()]


async def notify_due(session: AsyncSession, council: Council, today: date) -> Counter[str]:
    """What is due on `today` in one council: reviews within two weeks, the young person's own actions
    within three days, and (where the council sends it) the 21Plus birthday-month message. Idempotent:
    run it daily; a second run the same day notifies nobody twice, and a missed day is caught up."""
    repo = NotificationRepository(session)
    settings = await repo.settings(council.id)
    due: list[tuple[str, uuid.UUID, Message]] = [
        ("reviews", person, wording.plan_review_due(plan, on))
        for plan, person, on in await repo.reviews_due(council.id, today, today + REVIEW_NOTICE)
    ]
    due += [
        ("actions", person, wording.action_due(action, what, on))
        for action, person, what, on in await repo.actions_due(council.id, today, today + ACTION_NOTICE)
    ]
    if settings is not None and settings.birthday_month_message:
        due += [
            (
                "birthdays",
                person,
                wording.birthday_month(person, today.year, council.name, council.duty_phone),
            )
            for person in await repo.birthdays_in_month(council.id, today, *TWENTY_ONE_PLUS)
        ]
    made: Counter[str] = Counter({"reviews": 0, "actions": 0, "birthdays": 0})
    now = utc_now()
    for what, person, message in due:
        if await notify(session, council.id, person, message, now=now) is not None:
            made[what] += 1
    return made


# The young person's own list


async def _own(session: AsyncSession, principal: Principal) -> CareLeaver:
    if principal.care_leaver_id is None:
        raise CareLeaverNotFound("Your account is not linked to a care-leaver record.")
    person, _ = await load_for_read(session, principal, principal.care_leaver_id)
    return person


async def list_for_person(
    session: AsyncSession, care_leaver_id: uuid.UUID, *, since: datetime | None = None
) -> list[NotificationRead]:
    """Every notification of one young person (made after `since`, if given), newest first. Unaudited and
    unscoped: for a caller that has already checked who may see them and records its own audit event (the
    sync feed)."""
    return [
        read_of(row) for row in await NotificationRepository(session).of_person(care_leaver_id, since=since)
    ]


async def list_my_notifications(
    session: AsyncSession, principal: Principal, *, limit: int, cursor: Position | None
) -> Window[NotificationRead]:
    person = await _own(session, principal)
    window = await NotificationRepository(session).page(person.id, limit=limit, cursor=cursor)
    await record_about(
        session, principal.as_actor(), AuditAction.LIST, RESOURCE, [person],
        details={"count": len(window.items)},
    )  # fmt: skip
    return window.map(read_of)


async def mark_read(
    session: AsyncSession, principal: Principal, notification_id: uuid.UUID
) -> NotificationRead:
    """Read once: a second call answers the same, with the first reading's time."""
    person = await _own(session, principal)
    repo = NotificationRepository(session)
    row = await repo.get(person.id, notification_id)
    if row is None:
        raise NotificationNotFound("No notification with that id is yours.")
    if row.read_at is None:
        await repo.mark_read(row, utc_now())
        await people_changed(session, [person.id])
        await record_about(
            session, principal.as_actor(), AuditAction.UPDATE, RESOURCE, [person],
            resource_id=row.id, details={"read": True},
        )  # fmt: skip
    return read_of(row)


# The council's settings


def _etag(settings: NotificationSettings) -> str:
    return f'"notification-settings.{settings.revision}"'


def _settings_read(settings: NotificationSettings) -> NotificationSettingsRead:
    return NotificationSettingsRead(
        quiet_from=settings.quiet_from.strftime("%H:%M"),
        quiet_until=settings.quiet_until.strftime("%H:%M"),
        birthday_month_message=settings.birthday_month_message,
        etag=_etag(settings),
    )


async def _settings(session: AsyncSession, principal: Principal) -> NotificationSettings:
    assert principal.local_authority_id is not None  # council admins only
    found = await NotificationRepository(session).settings(principal.local_authority_id)
    if found is None:  # a council added after migration 0022: the defaults
        found = NotificationSettings(
            local_authority_id=principal.local_authority_id,
            quiet_from=QUIET_FROM,
            quiet_until=QUIET_UNTIL,
            birthday_month_message=False,
            revision=1,
            updated_at=utc_now(),
        )
        session.add(found)
        await session.flush()
    return found


async def get_settings(session: AsyncSession, principal: Principal) -> NotificationSettingsRead:
    return _settings_read(await _settings(session, principal))


async def update_settings(
    session: AsyncSession, principal: Principal, body: NotificationSettingsUpdate, if_match: str | None
) -> NotificationSettingsRead:
    settings = await _settings(session, principal)
    require_if_match(if_match, _etag(settings), what="the notification settings")
    settings.quiet_from = time.fromisoformat(body.quiet_from)
    settings.quiet_until = time.fromisoformat(body.quiet_until)
    settings.birthday_month_message = body.birthday_month_message
    settings.revision += 1
    settings.updated_at, settings.updated_by = utc_now(), principal.user_id
    await session.flush()
    await record_about(
        session, principal.as_actor(), AuditAction.UPDATE, "notification_settings", [],
        local_authority_id=principal.local_authority_id, details=body.model_dump(mode="json"),
    )  # fmt: skip
    return _settings_read(settings)
