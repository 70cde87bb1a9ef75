"""The worker that sends webhook deliveries: `python -m app worker`.

At least once, and nothing lost: every delivery's state is in the database, so the worker holds nothing
a restart could lose. A round claims a batch of due deliveries (a lease: the claim's token and an
expiry, committed), sends them, and records each outcome under the same token. A worker killed
mid-round leaves its claims to expire; the next round, in this worker or another, sends them again,
which is why receivers de-duplicate on `webhook-id`. On PostgreSQL several workers share the work
(`FOR UPDATE SKIP LOCKED`: each claims rows no other is claiming); on SQLite one worker is enough.

A failed attempt (no answer, a timeout, any status but 2xx) is retried after an exponential backoff
with jitter: LOCAL_OFFER_WEBHOOK_BACKOFF_BASE_SECONDS, doubling per attempt up to
LOCAL_OFFER_WEBHOOK_BACKOFF_MAX_SECONDS; after LOCAL_OFFER_WEBHOOK_MAX_ATTEMPTS it is a dead letter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import or_, select, update

from app.core.clock import utc_now
from app.core.settings import Settings
from app.db.session import Database
from app.events import addresses, signing
from app.events.enums import DeliveryStatus
from app.events.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from app.events.outbox import body_of

log = logging.getLogger(__name__)


def backoff_seconds(settings: Settings, attempts: int, rng: random.Random | None = None) -> float:
    """How long after its `attempts`-th failure a delivery is tried again: base x 2^(n-1), capped, then
    jittered by up to a fifth either way so that receivers coming back are not met by a stampede."""
    doubled: float = settings.webhook_backoff_base_seconds * 2.0 ** (attempts - 1)
    delay = min(settings.webhook_backoff_max_seconds, doubled)
    jitter: float = (rng or random).uniform(0.8, 1.2)
    return delay * jitter


@dataclass(frozen=True, slots=True)
class Job:
    delivery_id: uuid.UUID
    url: str
    event_id: str
    body: bytes
    secrets: list[str]
    attempts: int


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    status_code: int | None
    error: str | None


async def claim(database: Database, settings: Settings, token: uuid.UUID, now: datetime) -> list[Job]:
    """Lease up to a batch of due deliveries to this round; each claim counts as an attempt."""
    lease_until = now + timedelta(seconds=settings.webhook_lease_seconds)
    async with database.unit_of_work() as session:
        due = await session.execute(
            select(WebhookDelivery, WebhookEvent, WebhookSubscription)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until <= now),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(settings.webhook_batch_size)
            # PostgreSQL: rows another worker is claiming are skipped, not waited for. SQLite has no row
            # locks (the clause is dropped); its BEGIN IMMEDIATE makes claims take turns instead.
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
        jobs = []
        for delivery, event, subscription in due:
            delivery.lease_token, delivery.lease_until = token, lease_until
            delivery.attempts += 1
            delivery.last_attempt_at = now
            jobs.append(
                Job(delivery.id, subscription.url, str(event.id), body_of(event), _secrets(settings, subscription, now),
                    delivery.attempts)
            )  # fmt: skip
        await session.flush()
    return jobs


def _secrets(settings: Settings, subscription: WebhookSubscription, now: datetime) -> list[str]:
    live = [signing.unseal(settings.signing_key, subscription.id, subscription.secret_sealed)]
    if (
        subscription.previous_secret_sealed
        and subscription.previous_secret_until
        and subscription.previous_secret_until > now
    ):
        live.append(
            signing.unseal(settings.signing_key, subscription.id, subscription.previous_secret_sealed)
        )
    return live


async def send(http: httpx.AsyncClient, job: Job) -> Outcome:
    # Signed at send time: a receiver rejects stale timestamps, and a retry is a new request.
    timestamp = int(utc_now().timestamp())
    try:
        response = await http.post(
            job.url, content=job.body, headers=signing.headers(job.secrets, job.event_id, timestamp, job.body)
        )
    except httpx.HTTPError as exc:
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:200])
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code, None)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}")


async def deliver(http: httpx.AsyncClient, settings: Settings, job: Job) -> Outcome:
    """`send`, unless the URL's host now resolves to a private address (app.events.addresses): then the
    attempt fails without a request, and retries as any failure does."""
    host = urlsplit(job.url).hostname or ""
    if addresses.guarded(settings) and not await addresses.public_host(host):
        return Outcome(False, None, "refused: the URL's host is not a public internet address")
    return await send(http, job)


async def record(
    database: Database, settings: Settings, token: uuid.UUID, results: list[tuple[Job, Outcome]]
) -> None:
    now = utc_now()
    async with database.unit_of_work() as session:
        for job, outcome in results:
            values: dict[str, object] = {
                "lease_token": None, "lease_until": None,
                "last_status_code": outcome.status_code, "last_error": outcome.error,
            }  # fmt: skip
            if outcome.delivered:
                values |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
            elif job.attempts >= settings.webhook_max_attempts:
                values |= {"status": DeliveryStatus.DEAD_LETTER}
            else:
                values |= {
                    "next_attempt_at": now + timedelta(seconds=backoff_seconds(settings, job.attempts))
                }
            # Only if the lease is still ours: a round slower than its lease has been overtaken by another.
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == job.delivery_id, WebhookDelivery.lease_token == token)
                .values(**values)
            )


async def run_round(database: Database, settings: Settings, http: httpx.AsyncClient) -> int:
    """Claim, send and record one batch; the number of deliveries attempted."""
    token = uuid.uuid4()
    jobs = await claim(database, settings, token, utc_now())
    if not jobs:
        return 0
    outcomes = await asyncio.gather(*(deliver(http, settings, job) for job in jobs))
    await record(database, settings, token, list(zip(jobs, outcomes, strict=True)))
    for job, outcome in zip(jobs, outcomes, strict=True):
        log.info(
            "webhook delivery %s attempt %d: %s", job.delivery_id, job.attempts,
            "delivered" if outcome.delivered else outcome.error,
        )  # fmt: skip
    return len(jobs)


async def run(database: Database, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Deliver until `stop` is set (SIGTERM and SIGINT set it: the round in hand finishes first)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    # No redirects followed: a subscription's URL is where its events go, nowhere else.
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as http:
        log.info("webhook worker started")
        while not stop.is_set():
            try:
                attempted = await run_round(database, settings, http)
            except Exception:
                # The database away for a moment: nothing is lost (claims expire), so wait and go on.
                log.exception("webhook round failed")
                attempted = 0
            if attempted < settings.webhook_batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=settings.webhook_poll_seconds)
        log.info("webhook worker stopped")
