"""Each kind of notification is made by the real action, appears in the young person's list once and for
nobody else, and is a `notification.created` webhook for the council's push gateway, held in quiet hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.core.clock import UK, uk_today, utc_now
from app.core.settings import Settings
from app.events.models import WebhookDelivery, WebhookEvent
from app.notifications import service
from app.notifications.quiet_hours import held_until
from app.notifications.wording import TWENTY_ONE_PLUS_SOURCE
from tests.claims.steps import approved
from tests.claims.support import act, claimant, make_claim
from tests.partners.test_council_tax_confirmations import APPLIED, url
from tests.support import factories as f
from tests.support.plans import add_plans
from tests.support.world import World

HOOK = "https://push.example.gov.uk/local-offer"
Me = Callable[[str], dict[str, str]]


async def mine(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/v1/me/notifications", params={"limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def kinds(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    return [n["kind"] for n in await mine(client, headers)]


async def subscribe(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    body = {"url": HOOK, "event_types": ["notification.created"], "description": "Push gateway"}
    response = await client.post("/v1/webhook-subscriptions", json=body, headers=admin)
    assert response.status_code == 201, response.text


async def set_quiet_hours(
    client: httpx.AsyncClient, admin: dict[str, str], start: time, end: time, birthday: bool = False
) -> None:
    current = await client.get("/v1/notification-settings", headers=admin)
    assert current.status_code == 200, current.text
    body = {
        "quiet_from": start.strftime("%H:%M"),
        "quiet_until": end.strftime("%H:%M"),
        "birthday_month_message": birthday,
    }
    put = await client.put(
        "/v1/notification-settings", json=body, headers={**admin, "If-Match": current.headers["etag"]}
    )
    assert put.status_code == 200, put.text


async def pushes(session: AsyncSession, notification_id: str) -> list[tuple[dict[str, Any], datetime]]:
    """The notification's webhook event data and each delivery's not-before time."""
    rows = await session.execute(
        select(WebhookEvent.data, WebhookDelivery.next_attempt_at)
        .join(WebhookDelivery, WebhookDelivery.event_id == WebhookEvent.id)
        .where(WebhookEvent.event_type == "notification.created")
    )
    return [(data, at) for data, at in rows if data["notification_id"] == notification_id]


@pytest.fixture
async def me(session: AsyncSession, settings: Settings, world: World) -> Me:
    """Headers of a young person of the world, with an app account made for them if they have none."""
    tokens: dict[str, dict[str, str]] = {
        "p_a1": world.headers("leaver_a1"),
        "p_a2": world.headers("leaver_a2"),
    }

    async def make(person: str) -> dict[str, str]:
        gss = f.COUNTY if person.startswith("q_") else f.CITY
        account = await f.user(session, Role.CARE_LEAVER, gss=gss, care_leaver=world.people[person])
        return f.bearer(await f.token_for(session, settings, account))

    for person in ("q_ash", "q_rush"):
        tokens[person] = await make(person)
    return lambda person: tokens[person]


async def test_a_claim_approved_and_one_declined_notify_the_young_person_only(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    await subscribe(client, world.headers("admin_city"))
    await set_quiet_hours(client, world.headers("admin_city"), time(0, 0), time(0, 0))  # none
    first = await make_claim(client, world.headers("pa_a1"), who.id, 45000)
    await approved(client, world, first)
    second = await make_claim(client, world.headers("pa_a1"), who.id, 5000)
    reason = "The allowance is for things for your home; let's talk about other help instead."
    declined = await act(client, world.headers("manager_a"), second["id"], "decline", reason=reason)
    assert declined.status_code == 200, declined.text

    found = await mine(client, who.headers)
    assert [(n["kind"], n["subject"]) for n in found] == [
        ("claim_declined", {"type": "claim", "id": second["id"]}),
        ("claim_approved", {"type": "claim", "id": first["id"]}),
    ]
    assert found[1]["title"] == "Your claim was approved"
    assert "“Things for my first flat” was approved: £450" in found[1]["body"]
    assert reason in found[0]["body"] and found[0]["read_at"] is None
    # Nobody else hears of it.
    assert await kinds(client, world.headers("leaver_a1")) == []
    # The push: ids, the kind and the fixed title only; sent at once outside quiet hours.
    [(data, due)] = await pushes(session, found[1]["id"])
    assert data == {
        "notification_id": found[1]["id"],
        "kind": "claim_approved",
        "title": "Your claim was approved",
        "care_leaver_id": who.id,
    }
    assert due <= utc_now()


async def test_in_quiet_hours_the_push_waits_until_they_end(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    admin = world.headers("admin_city")
    await subscribe(client, admin)
    local = utc_now().astimezone(UK).replace(second=0, microsecond=0)
    start, end = (local - timedelta(hours=1)).time(), (local + timedelta(hours=1)).time()
    await set_quiet_hours(client, admin, start, end)
    expected = held_until(utc_now(), start, end)
    assert expected is not None and expected > utc_now()

    claim = await make_claim(client, world.headers("pa_a1"), who.id, 45000)
    await approved(client, world, claim)

    [notification] = await mine(client, who.headers)  # in the app at once
    [(_, due)] = await pushes(session, notification["id"])
    assert due == expected  # the worker sends nothing before then


async def test_an_exemption_confirmed_by_the_billing_authority_notifies_once(
    client: httpx.AsyncClient, world: World, me: Me
) -> None:
    headers = world.headers("partner_ash")
    assert (await client.put(url(world), json=APPLIED, headers=headers)).status_code == 200
    assert (await client.put(url(world), json=APPLIED, headers=headers)).status_code == 200  # the same again
    noted = {**APPLIED, "account_reference": "CT-4471121"}
    assert (await client.put(url(world), json=noted, headers=headers)).status_code == 200  # not news to them

    [found] = await mine(client, me("q_ash"))
    assert found["kind"] == "council_tax_exemption_confirmed"
    assert found["body"].startswith(
        "Ashfield DC has confirmed your council tax exemption, applied from 3 December 2026."
    )
    assert found["subject"]["type"] == "council_tax_confirmation"
    assert "CT-44" not in found["body"]
    assert await kinds(client, me("q_rush")) == []


async def test_a_new_personal_adviser_is_named_to_the_young_person(
    client: httpx.AsyncClient, world: World
) -> None:
    person = world.people["p_a1"]
    allocated = await client.post(
        f"/v1/care-leavers/{person.id}/adviser-allocations",
        json={
            "adviser_id": str(world.users["pa_a2"].id),
            "started_on": (uk_today() + timedelta(days=1)).isoformat(),
        },
        headers=world.headers("manager_a"),
    )
    assert allocated.status_code == 201, allocated.text
    [found] = await mine(client, world.headers("leaver_a1"))
    assert found["kind"] == "adviser_changed"
    assert found["subject"] == {"type": "adviser_allocation", "id": allocated.json()["id"]}
    assert found["body"].startswith(f"{world.users['pa_a2'].display_name} is your personal adviser from ")
    assert await kinds(client, world.headers("leaver_a2")) == []


async def test_a_published_offer_notifies_each_young_person_of_the_council_in_one_insert(
    client: httpx.AsyncClient, session: AsyncSession, world: World, me: Me, count_queries: list[str]
) -> None:
    admin = world.headers("admin_city")
    await subscribe(client, admin)
    started = await client.post(
        "/v1/local-authorities/E06000018/offer/draft", json={"notes": "Higher"}, headers=admin
    )
    assert started.status_code == 201, started.text
    count_queries.clear()
    published = await client.post(
        "/v1/local-authorities/E06000018/offer/draft/publication",
        headers={**admin, "If-Match": started.headers["etag"]},
    )
    assert published.status_code == 201, published.text
    inserts = [s for s in count_queries if s.lstrip().upper().startswith("INSERT INTO NOTIFICATION ")]
    assert len(inserts) == 1 and "SELECT" in inserts[0].upper()

    number = published.json()["version"]
    for account, person in (("leaver_a1", "p_a1"), ("leaver_a2", "p_a2")):
        [found] = await mine(client, world.headers(account))
        assert found["kind"] == "offer_changed"
        [(data, _)] = await pushes(session, found["id"])  # one push each, from the multi-row INSERT
        assert data["kind"] == "offer_changed" and data["care_leaver_id"] == str(world.id(person))
        assert (
            f"Nottingham City Council has published a new version of its Local Offer for care leavers "
            f"(version {number})." in found["body"]
        )
    assert await kinds(client, me("q_ash")) == []  # the County's offer did not change


async def test_the_daily_command_notifies_reviews_actions_and_birthdays_once(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, me: Me
) -> None:
    await add_plans(session, world)
    plan = world.plans["p_a1_current"]
    assert plan.review_due_on is not None
    action_due = uk_today() + timedelta(days=14)  # the young person's own action (tests/support/plans.py)
    councils = {c.name: c for c in await service.councils(session)}
    city, county = councils["Nottingham City Council"], councils["Nottinghamshire County Council"]

    # Three days before the action: it is due; the review (in six months) is not yet.
    made = await service.notify_due(session, city, action_due - timedelta(days=3))
    assert (made["actions"], made["reviews"]) == (1, 0)
    # Two weeks before the review; then again the same day, and the next day: nothing twice.
    review_day = plan.review_due_on - timedelta(days=14)
    assert (await service.notify_due(session, city, review_day))["reviews"] == 1
    assert sum((await service.notify_due(session, city, review_day)).values()) == 0
    assert sum((await service.notify_due(session, city, review_day + timedelta(days=1))).values()) == 0

    found = await mine(client, world.headers("leaver_a1"))
    assert [(n["kind"], n["subject"]["type"]) for n in found] == [
        ("plan_review_due", "pathway_plan"),
        ("action_due", "pathway_plan_action"),
    ]
    assert "Action for the young person" in found[1]["body"]
    assert await kinds(client, world.headers("leaver_a2")) == []

    # The 21Plus birthday-month message: Nottinghamshire sends it (migration 0022), to those turning 21
    # to 24 this year in their birthday month; the City does not.
    day = date(uk_today().year, uk_today().month, 1)
    turning_22 = await f.care_leaver(session, f.COUNTY, date_of_birth=date(day.year - 22, day.month, 1))
    turning_25 = await f.care_leaver(session, f.COUNTY, date_of_birth=date(day.year - 25, day.month, 1))
    city_22 = await f.care_leaver(session, f.CITY, date_of_birth=date(day.year - 22, day.month, 1))
    assert (await service.notify_due(session, county, day))["birthdays"] >= 1
    assert (await service.notify_due(session, county, day + timedelta(days=1)))["birthdays"] == 0
    assert (await service.notify_due(session, city, day))["birthdays"] == 0
    [message] = await service.list_for_person(session, turning_22.id)
    assert message.kind == "birthday_month" and TWENTY_ONE_PLUS_SOURCE in message.body
    assert "Nottinghamshire County Council" in message.body
    assert await service.list_for_person(session, turning_25.id) == []
    assert await service.list_for_person(session, city_22.id) == []


async def test_reading_a_notification_is_once_and_for_the_young_person_only(
    client: httpx.AsyncClient, world: World
) -> None:
    person = world.people["p_a1"]
    await client.post(
        f"/v1/care-leavers/{person.id}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_a2"].id)},
        headers=world.headers("manager_a"),
    )
    [found] = await mine(client, world.headers("leaver_a1"))
    read = f"/v1/me/notifications/{found['id']}/read"
    assert (await client.post(read, headers=world.headers("leaver_a2"))).status_code == 404
    first = await client.post(read, headers=world.headers("leaver_a1"))
    assert first.status_code == 200 and first.json()["read_at"] is not None
    again = await client.post(read, headers=world.headers("leaver_a1"))
    assert again.json()["read_at"] == first.json()["read_at"]
    [listed] = await mine(client, world.headers("leaver_a1"))
    assert listed["read_at"] == first.json()["read_at"]

    trail = await client.get(
        "/v1/audit-events",
        params={"care_leaver_id": str(person.id), "limit": 100},
        headers=world.headers("admin_city"),
    )
    events = [
        (e["action"], e["actor"]["role"])
        for e in trail.json()["items"]
        if e["resource_type"] == "notification"
    ]
    assert ("update", "care_leaver") in events and ("list", "care_leaver") in events
    assert events.count(("update", "care_leaver")) == 1  # the second reading changed nothing
