"""Every list, walked as a client walks it: follow `next` until it is null, with 1, 2 and 3 items a page.

Each walk must give exactly the items of one page of 100, in the same order, each once. The data is
arranged to be hard: equal timestamps, dates and names in the sort columns, so pages split ties, and
NULLs in the nullable sort columns (the lists that filter them out must still leave them out). The
lists come from the app's OpenAPI (every GET with a `cursor`), so a new list without a walk fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.models import AuditEvent, AuditEventSubject
from app.auth.enums import ConsentRecipient, Role
from app.care_leavers.enums import SupportRequestStatus
from app.care_leavers.models import Consent, SupportRequest
from app.claims.enums import ClaimStatus, PaymentMethod, RequestedBy
from app.claims.models import Claim, Payment
from app.contacts.enums import ContactOutcome, ContactRequestStatus
from app.contacts.models import ContactRequest
from app.core.clock import uk_today, utc_now
from app.letters.models import StatusLetter
from app.local_authorities.enums import AuthorityKind
from app.local_authorities.models import LocalAuthority
from app.notifications.enums import NotificationKind, SubjectType
from app.notifications.models import Notification
from app.pathway_plans.enums import PlanStatus
from tests.support import factories as f
from tests.support.plans import plan_version
from tests.support.webhooks import add_webhooks
from tests.support.world import World

# One instant for everything arranged: every timestamp sort column is full of ties.
AT = utc_now().replace(microsecond=0) - timedelta(hours=2)
Arrange = Callable[[AsyncSession, World], Awaitable[None]]


@dataclass(frozen=True)
class Walk:
    operation: str
    actor: str
    path: Callable[[World], str]
    arrange: Arrange | None = None
    query: Callable[[World], dict[str, str]] = field(default=lambda _w: {})
    minimum: int = 5  # items the arranged data must give, so that even 3 a page takes two pages
    label: str = ""


def list_operations(app: FastAPI) -> set[str]:
    return {
        op["operationId"]
        for ops in app.openapi()["paths"].values()
        for method, op in ops.items()
        if method == "get"
        and any(p["name"] == "cursor" for p in op.get("parameters", []))
        # The offline sync's cursor is a position in a change feed, not a list's page (`has_more`, no
        # `next`): tests/sync walks it.
        and op["operationId"] != "sync_my_app"
    }


async def follow(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every item, following `next` (and checking `Link` says the same) until it is null."""
    items: list[dict[str, Any]] = []
    for _ in range(300):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if page["next"] is None:
            assert page["next_cursor"] is None and "link" not in response.headers
            return items
        assert page["items"], "a page with a next page is never empty"
        assert response.headers["link"] == f'<{page["next"]}>; rel="next"'
        url = page["next"]
    raise AssertionError(f"{url}: still a next page after 300 pages")


# Arranging: a handful of rows per list, equal in every sort column but the id.


async def councils(session: AsyncSession, _w: World) -> None:
    for n in range(4):
        session.add(
            LocalAuthority(
                gss_code=f"E0600009{n}",
                name=f"Test Council {n}",
                short_name=f"Test {n}",
                kind=AuthorityKind.UNITARY,
                dfe_la_number=990 + n,
                website="https://council.example",
            )
        )
    await session.flush()


async def namesakes(session: AsyncSession, _w: World) -> None:
    """Six people with the same family name (two with the same given name too), and one to be found only
    by case reference."""
    for given in ("Sam", "Sam", "Alex", "Alex", "Jo", "Jo"):
        await f.care_leaver(session, given_name=given, family_name="Twin")


async def caseload_namesakes(session: AsyncSession, w: World) -> None:
    """Five more people on pa_a1's caseload, all with one family name (two with one given name too)."""
    for given in ("Sam", "Sam", "Alex", "Jo", "Kim"):
        await f.care_leaver(session, adviser=w.users["pa_a1"], given_name=given, family_name="Twin")


async def advisers(session: AsyncSession, _w: World) -> None:
    team = await f.team(session, f.CITY)
    for _ in range(3):
        await f.user(session, Role.PERSONAL_ADVISER, team=team)


async def support_requests(session: AsyncSession, w: World) -> None:
    for _ in range(5):
        person = await f.care_leaver(session, age_years=22)
        session.add(
            SupportRequest(
                local_authority_id=person.local_authority_id,
                care_leaver_id=person.id,
                status=SupportRequestStatus.OPEN,
                created_at=AT,
            )
        )
    assert w.support_request is not None
    w.support_request.created_at = AT
    await session.flush()


async def contacts(session: AsyncSession, w: World) -> None:
    for outcome in (ContactOutcome.SEEN, ContactOutcome.SPOKEN, ContactOutcome.ATTEMPT) * 2:
        await f.contact(session, w.people["p_a1"], w.users["pa_a1"], occurred_at=AT, outcome=outcome)


async def call_backs(session: AsyncSession, w: World) -> None:
    person = w.people["p_a1"]
    for n in range(5):
        session.add(
            ContactRequest(
                local_authority_id=person.local_authority_id,
                care_leaver_id=person.id,
                window_starts_at=AT,
                window_ends_at=AT + timedelta(hours=2),
                # One open at a time.
                status=ContactRequestStatus.WITHDRAWN if n else ContactRequestStatus.OPEN,
                withdrawn_at=AT if n else None,
                requested_at=AT,
            )
        )
    await session.flush()


async def overdue(session: AsyncSession, w: World) -> None:
    # Due the same day (ties), and the world's people with no due date at all (NULL: never listed).
    for n in range(6):
        person = await f.care_leaver(session, adviser=w.users["pa_a1"] if n % 2 else None)
        person.next_contact_due_on = uk_today() - timedelta(days=10)
    await session.flush()


async def plan_history(session: AsyncSession, w: World) -> None:
    person, pa, manager = w.people["p_a1"], w.users["pa_a1"], w.users["manager_a"]
    for version in range(1, 6):
        plan = await plan_version(
            session, person, pa, version=version, status=PlanStatus.AUTHORISED, authoriser=manager
        )
        if version < 5:
            plan.status = PlanStatus.SUPERSEDED
            await session.flush()
    await plan_version(session, person, pa, version=6)


async def drafts_changed_together(session: AsyncSession, w: World) -> None:
    for name in ("p_a1", "p_a2", "p_a3", "p_b1", "p_free"):
        plan = await plan_version(session, w.people[name], w.users["pa_a1"])
        plan.updated_at = AT
    await session.flush()


async def reviews_due_together(session: AsyncSession, w: World) -> None:
    """Authorised plans all due on the same day, and one with no review date (NULL: never listed)."""
    for n in range(6):
        person = await f.care_leaver(session, adviser=w.users["pa_a1"])
        plan = await plan_version(
            session, person, w.users["pa_a1"], status=PlanStatus.AUTHORISED, authoriser=w.users["manager_a"]
        )
        plan.review_due_on = None if n == 0 else uk_today() - timedelta(days=3)
    await session.flush()


async def ashfield_namesakes(session: AsyncSession, _w: World) -> None:
    for given in ("Sam", "Sam", "Alex", "Alex", "Jo"):
        await f.care_leaver(
            session,
            f.COUNTY,
            district=f.ASHFIELD,
            consents=(ConsentRecipient.DISTRICT_COUNCIL,),
            given_name=given,
            family_name="Twin",
            former_relevant=True,  # on the list only if the rules exempt them
        )


async def university_namesakes(session: AsyncSession, w: World) -> None:
    """Namesakes who agreed to share with the world's university by name."""
    uni = w.users["partner_uni"].partner_organisation_id
    for given in ("Sam", "Sam", "Alex", "Alex", "Jo"):
        person = await f.care_leaver(
            session, f.COUNTY, given_name=given, family_name="Twin", former_relevant=True
        )
        session.add(
            Consent(
                local_authority_id=person.local_authority_id,
                care_leaver_id=person.id,
                recipient=ConsentRecipient.UNIVERSITY,
                partner_organisation_id=uni,
            )
        )
    await session.flush()


async def audit_events(session: AsyncSession, w: World) -> None:
    """Events at the same instant about p_a1, by staff (what the young person's access log shows)."""
    person = w.people["p_a1"]
    for n in range(6):
        actor = w.users["pa_a1" if n % 2 else "manager_a"]
        event = AuditEvent(
            occurred_at=AT,
            actor_id=actor.id,
            actor_kind="staff",
            actor_role=actor.roles[0],
            action=AuditAction.READ,
            resource_type="care_leaver",
            resource_id=str(person.id),
            local_authority_id=person.local_authority_id,
            outcome=AuditOutcome.SUCCESS,
            subject_count=1,
        )
        session.add(event)
        await session.flush()
        session.add(AuditEventSubject(event_id=event.id, care_leaver_id=person.id))
    await session.flush()


async def letters_together(session: AsyncSession, w: World) -> None:
    """Six letters of p_a1's issued at the same instant."""
    person = w.people["p_a1"]
    for n in range(6):
        session.add(
            StatusLetter(
                local_authority_id=person.local_authority_id,
                care_leaver_id=person.id,
                kid="walk",
                purpose="general",
                status="former_relevant",
                statement=f"Letter {n}",
                token=f"walk.letter.{n}",
                issued_at=AT,
                issued_by=w.users["pa_a1"].id,
                expires_at=AT + timedelta(days=90),
            )
        )
    await session.flush()


async def claims_together(session: AsyncSession, w: World) -> None:
    """Six submitted claims of p_a1's made and changed at the same instant, each paid on the same day."""
    person, pa = w.people["p_a1"], w.users["pa_a1"]
    for n in range(6):
        claim = Claim(
            local_authority_id=person.local_authority_id,
            care_leaver_id=person.id,
            entitlement_code="setting-up-home-allowance",
            period_key="whole",
            status=ClaimStatus.SUBMITTED,
            purpose=f"Claim {n}",
            items=[{"description": "Bed", "amount_pence": 100}],
            total_pence=100,
            payment_method=PaymentMethod.BANK_TRANSFER,
            requested_by=RequestedBy.STAFF,
            created_by=pa.id,
            created_at=AT,
            updated_at=AT,
            contributors=[str(pa.id)],
        )
        session.add(claim)
        await session.flush()
        session.add(
            Payment(
                local_authority_id=person.local_authority_id,
                claim_id=claim.id,
                care_leaver_id=person.id,
                entitlement_code=claim.entitlement_code,
                amount_pence=100,
                method=PaymentMethod.BANK_TRANSFER,
                paid_on=AT.date(),
                created_by=pa.id,
            )
        )
    await session.flush()


async def notifications(session: AsyncSession, w: World) -> None:
    """Seven of p_a1's at one instant (ties split by id) and one of p_a2's, which the walk never shows."""
    for person, count in (("p_a1", 7), ("p_a2", 1)):
        for n in range(count):
            session.add(
                Notification(
                    local_authority_id=w.people[person].local_authority_id,
                    care_leaver_id=w.id(person),
                    kind=NotificationKind.OFFER_CHANGED,
                    title="Your council's Local Offer has changed",
                    body="A new version.",
                    subject_type=SubjectType.OFFER_VERSION,
                    subject_id=uuid.uuid4(),
                    dedupe_key=f"walk:{n}",
                    created_at=AT,
                )
            )
    await session.flush()


def p_a1(path: str) -> Callable[[World], str]:
    return lambda w: path.format(id=w.id("p_a1"))


WALKS = [
    Walk("list_local_authorities", "anonymous", lambda _w: "/v1/local-authorities", councils),
    Walk("list_entitlements", "anonymous", lambda _w: f"/v1/local-authorities/{f.COUNTY}/entitlements"),
    Walk("list_care_leavers", "admin_city", lambda _w: "/v1/care-leavers", namesakes),
    Walk(
        "list_care_leavers",
        "admin_city",
        lambda _w: "/v1/care-leavers",
        namesakes,
        lambda _w: {"q": "twin"},
        label="search",
    ),
    Walk("list_advisers", "admin_city", lambda _w: "/v1/advisers", advisers),
    Walk(
        "get_caseload",
        "manager_a",
        lambda w: f"/v1/advisers/{w.users['pa_a1'].id}/caseload",
        caseload_namesakes,
    ),
    Walk("get_my_caseload", "pa_a1", lambda _w: "/v1/me/caseload", caseload_namesakes),
    Walk("list_support_requests", "admin_city", lambda _w: "/v1/support-requests", support_requests),
    Walk("list_contacts", "pa_a1", p_a1("/v1/care-leavers/{id}/contacts"), contacts),
    Walk("list_my_contacts", "leaver_a1", lambda _w: "/v1/me/contacts", contacts),
    Walk("list_my_call_backs", "leaver_a1", lambda _w: "/v1/me/contact-requests", call_backs),
    Walk("list_my_notifications", "leaver_a1", lambda _w: "/v1/me/notifications", notifications),
    Walk("list_call_backs", "pa_a1", p_a1("/v1/care-leavers/{id}/contact-requests"), call_backs),
    Walk("list_overdue_contacts", "admin_city", lambda _w: "/v1/contacts/overdue", overdue),
    Walk("list_pathway_plan_versions", "pa_a1", p_a1("/v1/care-leavers/{id}/pathway-plans"), plan_history),
    Walk("list_pathway_plans", "admin_city", lambda _w: "/v1/pathway-plans", drafts_changed_together),
    Walk("list_reviews_due", "admin_city", lambda _w: "/v1/pathway-plans/reviews-due", reviews_due_together),
    Walk(
        "list_council_tax_exemptions",
        "partner_ash",
        lambda _w: "/v1/council-tax-exemptions",
        ashfield_namesakes,
    ),
    Walk(
        "list_university_students",
        "partner_uni",
        lambda _w: "/v1/university-students",
        university_namesakes,
    ),
    Walk("list_users", "admin_city", lambda _w: "/v1/users"),
    Walk(
        "list_audit_events",
        "admin_city",
        lambda _w: "/v1/audit-events",
        audit_events,
        # Only the arranged events: the walk's own reads of the trail are recorded as it goes.
        lambda w: {"care_leaver_id": str(w.id("p_a1"))},
    ),
    Walk("get_my_access_log", "leaver_a1", lambda _w: "/v1/me/access-log", audit_events),
    Walk("list_claims_of_care_leaver", "pa_a1", p_a1("/v1/care-leavers/{id}/claims"), claims_together),
    Walk("list_my_claims", "leaver_a1", lambda _w: "/v1/me/claims", claims_together),
    Walk("list_claims", "manager_a", lambda _w: "/v1/claims", claims_together),
    Walk("list_status_letters", "pa_a1", p_a1("/v1/care-leavers/{id}/status-letters"), letters_together),
    Walk("list_my_status_letters", "leaver_a1", lambda _w: "/v1/me/status-letters", letters_together),
    Walk(
        "get_spending_report",
        "admin_city",
        lambda _w: "/v1/reports/spending",
        claims_together,
        lambda _w: {"from": (AT.date() - timedelta(days=1)).isoformat(), "to": AT.date().isoformat()},
    ),
]


async def webhooks_together(session: AsyncSession, w: World) -> None:
    """Six subscriptions of the City's (with the shared world's), each with a dead letter, made at once."""
    for _ in range(6):
        await add_webhooks(session, "list-walk-signing-key-" + "k" * 32, w)


WALKS += [
    Walk(
        "list_webhook_subscriptions", "admin_city", lambda _w: "/v1/webhook-subscriptions", webhooks_together
    ),
    Walk("list_webhook_deliveries", "admin_city", lambda _w: "/v1/webhook-deliveries", webhooks_together),
]


def test_every_list_has_a_walk(app: FastAPI) -> None:
    assert list_operations(app) == {walk.operation for walk in WALKS}


@pytest.mark.parametrize("walk", WALKS, ids=[f"{w.operation}-{w.label}".rstrip("-") for w in WALKS])
async def test_walking_a_list_gives_every_item_once(
    client: httpx.AsyncClient, session: AsyncSession, world: World, walk: Walk
) -> None:
    if walk.arrange is not None:
        await walk.arrange(session, world)
    headers = world.headers(walk.actor)
    query = walk.query(world)
    whole = await client.get(walk.path(world), params={**query, "limit": 100}, headers=headers)
    assert whole.status_code == 200, whole.text
    assert whole.json()["next"] is None, "the arranged data fits one page of 100"
    expected = whole.json()["items"]
    assert len(expected) >= walk.minimum
    for limit in (1, 2, 3):
        url = f"{walk.path(world)}?{urlencode({**query, 'limit': limit})}"
        assert await follow(client, url, headers) == expected, f"limit={limit}"
