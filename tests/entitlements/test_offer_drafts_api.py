"""A council administrator changes the Local Offer over HTTP: draft, add, edit, withdraw, publish.

Everything goes through the real app; the public offer is read back as a young person's app reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.core.clock import uk_today
from app.core.settings import Settings
from tests.support import factories as f

CITY, COUNTY = f.CITY, f.COUNTY
OFFER = f"/v1/local-authorities/{CITY}/offer"
DRAFT = f"{OFFER}/draft"
PROBLEM = "application/problem+json"


@dataclass
class Admins:
    city: dict[str, str]
    city_colleague: dict[str, str]
    county: dict[str, str]
    adviser: dict[str, str]


@pytest.fixture
async def admins(session: AsyncSession, settings: Settings) -> Admins:
    async def headers(*roles: Role, gss: str = CITY) -> dict[str, str]:
        account = await f.user(session, *roles, gss=gss)
        return f.bearer(await f.token_for(session, settings, account))

    return Admins(
        city=await headers(Role.LA_ADMIN),
        city_colleague=await headers(Role.LA_ADMIN),
        county=await headers(Role.LA_ADMIN, gss=COUNTY),
        adviser=await headers(Role.PERSONAL_ADVISER),
    )


def driving_lessons(**changes: Any) -> dict[str, Any]:
    body = {
        "code": "driving-lessons",
        "title": "Help with driving lessons",
        "summary": "Up to £250 towards driving lessons and your theory test.",
        "category": "travel_and_leisure",
        "basis": "discretionary",
        "provider": {"kind": "council", "name": "Nottingham City Council Leaving Care Service"},
        "how_to_claim": "Ask your personal adviser.",
        "evidence": ["Your provisional driving licence"],
        "contacts": [],
        "parameters": {
            "amount": {
                "unit": "pence",
                "values": [{"effective_from": "2026-01-01", "value": 25000, "source": "city-driving"}],
            }
        },
        "amount": {"parameter": "amount", "period": "once", "qualifier": "up_to"},
        "rule": {"all": [{"fact": "legal_status", "in": ["former_relevant"]}, {"age_under": 21}]},
        "sources": [
            {
                "id": "city-driving",
                "citation": "Nottingham City Council, Local Offer for Care Leavers (test)",
                "last_checked": "2026-11-23",
            }
        ],
    }
    return {**body, **changes}


def if_match(response: httpx.Response) -> dict[str, str]:
    return {"If-Match": response.headers["etag"]}


async def audit(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/audit-events", params={"limit": "100", **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [e for e in response.json()["items"] if e["resource_type"] in ("offer_version", "entitlement")]


async def test_draft_add_edit_withdraw_publish_changes_the_public_offer_and_is_audited(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    before = await client.get(OFFER)
    assert before.json()["version"] == 1

    started = await client.post(
        DRAFT, json={"notes": "Driving lessons; leisure pass withdrawn"}, headers=admins.city
    )
    assert started.status_code == 201, started.text
    assert started.headers["location"] == DRAFT
    draft = started.json()
    assert draft["version"] == 2 and len(draft["entitlements"]) == len(before.json()["entitlements"])
    read = await client.get(DRAFT, headers=admins.city)
    assert read.json() == draft and read.headers["etag"] == started.headers["etag"]
    # A draft is invisible to young people.
    assert (await client.get(OFFER, headers={"If-None-Match": before.headers["etag"]})).status_code == 304

    added = await client.post(
        f"{DRAFT}/entitlements", json=driving_lessons(), headers={**admins.city, **if_match(read)}
    )
    assert added.status_code == 201, added.text
    assert added.json()["amount"] == {"parameter": "amount", "period": "once", "qualifier": "up_to"}
    assert added.headers["etag"] != read.headers["etag"]

    edited = await client.put(
        f"{DRAFT}/entitlements/driving-lessons",
        json=driving_lessons(title="Driving lessons, paid for"),
        headers={**admins.city, **if_match(added)},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Driving lessons, paid for"

    withdraw_on = (uk_today() + timedelta(days=30)).isoformat()
    code = draft["entitlements"][-1]["code"]
    withdrawn = await client.post(
        f"{DRAFT}/entitlements/{code}/withdrawal",
        json={"withdrawn_from": withdraw_on},
        headers={**admins.city, **if_match(edited)},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_from"] == withdraw_on

    published = await client.post(f"{DRAFT}/publication", headers={**admins.city, **if_match(withdrawn)})
    assert published.status_code == 201, published.text
    assert published.headers["location"] == OFFER

    after = await client.get(OFFER, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] == published.headers["etag"] != before.headers["etag"]
    assert after.json() == published.json()
    offer = after.json()
    assert offer["version"] == 2 and offer["notes"] == "Driving lessons; leisure pass withdrawn"
    by_code = {e["code"]: e for e in offer["entitlements"]}
    assert by_code["driving-lessons"]["title"] == "Driving lessons, paid for"
    assert by_code[code]["withdrawn_from"] == withdraw_on
    assert (await client.get(DRAFT, headers=admins.city)).status_code == 404  # the draft became version 2

    events = await audit(client, admins.city)
    assert [(e["action"], e["resource_type"]) for e in reversed(events)] == [
        ("create", "offer_version"),
        ("create", "entitlement"),
        ("update", "entitlement"),
        ("update", "entitlement"),
        ("publish", "offer_version"),
    ]
    assert {e["outcome"] for e in events} == {"success"}
    assert all(e["subject_count"] == 0 and e["actor"]["role"] == "la_admin" for e in events)
    publish, withdrawal, edit = events[0], events[1], events[2]
    assert publish["details"] == {"version": 2}
    assert withdrawal["details"] == {"code": code, "version": 2, "withdrawn_from": withdraw_on}
    assert edit["details"] == {"code": "driving-lessons", "version": 2, "fields": ["title"]}


async def test_a_new_entitlement_can_be_removed_but_a_published_one_must_be_withdrawn(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    started = await client.post(DRAFT, json={}, headers=admins.city)
    added = await client.post(
        f"{DRAFT}/entitlements", json=driving_lessons(), headers={**admins.city, **if_match(started)}
    )
    published_code = started.json()["entitlements"][0]["code"]

    refused = await client.delete(
        f"{DRAFT}/entitlements/{published_code}", headers={**admins.city, **if_match(added)}
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "entitlement.history_rewrite"
    removed = await client.delete(
        f"{DRAFT}/entitlements/driving-lessons", headers={**admins.city, **if_match(added)}
    )
    assert removed.status_code == 204
    assert removed.headers["etag"] == started.headers["etag"]  # back to the copy it started as
    again = await client.delete(
        f"{DRAFT}/entitlements/driving-lessons", headers={**admins.city, **if_match(removed)}
    )
    assert again.status_code == 404 and again.json()["code"] == "entitlement.not_found"

    discarded = await client.delete(DRAFT, headers={**admins.city, **if_match(removed)})
    assert discarded.status_code == 204
    assert (await client.get(DRAFT, headers=admins.city)).json()["code"] == "offer.draft_not_found"
    assert (await client.get(OFFER)).json()["version"] == 1
    events = await audit(client, admins.city)
    assert [(e["action"], e["resource_type"]) for e in events[:2]] == [
        ("delete", "offer_version"),
        ("delete", "entitlement"),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"rule": {"fact": "shoe_size", "is": True}}, "rule.fact", "entitlement.invalid"),
        ({"rule": {"age_under": 21, "at": "graduation"}}, "rule.at", "entitlement.invalid"),
        (
            {"rule": {"fact": "is_parent", "is": True, "source": "gossip"}},
            "rule.source",
            "entitlement.invalid",
        ),
        (
            {
                "parameters": {
                    "amount": {
                        "unit": "pence",
                        "basis": "graduation",
                        "values": [{"effective_from": "2026-01-01", "value": 1, "source": "city-driving"}],
                    }
                }
            },
            "parameters.amount.basis",
            "entitlement.invalid",
        ),
        (
            {
                "parameters": {
                    "amount": {
                        "unit": "pence",
                        "values": [{"effective_from": "2026-01-01", "value": 1, "source": "nowhere"}],
                    }
                }
            },
            "parameters.amount.values.0.source",
            "entitlement.invalid",
        ),
        ({"owner": "someone"}, "owner", "request.validation_failed"),
        ({"available_from": 0}, "available_from", "request.validation_failed"),
        ({"title": "Nul\x00byte"}, "title", "request.validation_failed"),
        (  # a source names a document anyone can read: a link, never a path to one of our files
            {
                "sources": [
                    {
                        "id": "city-driving",
                        "citation": "A",
                        "document": "../shared/domain/STATUTE.md",
                        "last_checked": "2026-11-23",
                    }
                ]
            },
            "sources.0.document",
            "request.validation_failed",
        ),
        (  # 0 is not false, and "1" is not a number
            {
                "sources": [
                    {"id": "city-driving", "citation": "A", "last_checked": "2026-11-23", "needs_checking": 0}
                ]
            },
            "sources.0.needs_checking",
            "request.validation_failed",
        ),
        (
            {
                "parameters": {
                    "amount": {
                        "unit": "pence",
                        "values": [{"effective_from": "2026-01-01", "value": "1", "source": "city-driving"}],
                    }
                }
            },
            "parameters.amount.values.0.value",
            "request.validation_failed",
        ),
    ],
)
async def test_invalid_definitions_are_refused_naming_the_field(
    client: httpx.AsyncClient, admins: Admins, changes: dict[str, Any], field: str, code: str
) -> None:
    started = await client.post(DRAFT, json={}, headers=admins.city)
    refused = await client.post(
        f"{DRAFT}/entitlements", json=driving_lessons(**changes), headers={**admins.city, **if_match(started)}
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["code"] == code
    assert field in [e["field"] for e in refused.json()["errors"]]
    assert (await client.get(DRAFT, headers=admins.city)).headers["etag"] == started.headers["etag"]


async def test_a_dated_value_in_force_cannot_be_rewritten_over_http(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    started = await client.post(DRAFT, json={}, headers=admins.city)
    current = next(e for e in started.json()["entitlements"] if e["parameters"])
    definition = {
        **{k: v for k, v in current.items() if k not in ("withdrawn_from", "parameters")},
        "parameters": {
            p["name"]: {
                "unit": p["unit"],
                "basis": p["basis"],
                "description": p["description"],
                "values": [
                    {"effective_from": v["effective_from"], "value": v["value"] + 1, "source": v["source"]}
                    for v in p["values"]
                ],
            }
            for p in current["parameters"]
        },
    }
    refused = await client.put(
        f"{DRAFT}/entitlements/{current['code']}",
        json=definition,
        headers={**admins.city, **if_match(started)},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "entitlement.history_rewrite"
    assert refused.json()["errors"][0]["field"].startswith("parameters.")
    past = (uk_today() - timedelta(days=1)).isoformat()
    withdrawal = await client.post(
        f"{DRAFT}/entitlements/{current['code']}/withdrawal",
        json={"withdrawn_from": past},
        headers={**admins.city, **if_match(started)},
    )
    assert withdrawal.status_code == 422
    assert [e["field"] for e in withdrawal.json()["errors"]] == ["withdrawn_from"]


async def test_only_the_councils_own_administrators_manage_its_offer(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    started = await client.post(DRAFT, json={}, headers=admins.city)
    other = await client.get(DRAFT, headers=admins.county)
    assert other.status_code == 403 and other.json()["code"] == "offer.not_your_council"
    refused = await client.post(f"{DRAFT}/publication", headers={**admins.county, **if_match(started)})
    assert refused.status_code == 403 and refused.json()["code"] == "offer.not_your_council"
    adviser = await client.get(DRAFT, headers=admins.adviser)
    assert adviser.status_code == 403 and adviser.json()["code"] == "auth.role_not_allowed"
    assert (await client.get(DRAFT)).status_code == 401
    unknown = await client.get("/v1/local-authorities/E06000099/offer/draft", headers=admins.city)
    assert unknown.status_code == 404 and unknown.json()["code"] == "local_authority.not_found"
    assert (await client.get(OFFER)).json()["version"] == 1


async def test_changes_name_the_draft_they_were_made_against(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    started = await client.post(DRAFT, json={}, headers=admins.city)
    missing = await client.post(f"{DRAFT}/entitlements", json=driving_lessons(), headers=admins.city)
    assert missing.status_code == 428 and missing.json()["code"] == "request.precondition_required"

    # A colleague adds an entitlement: the ETag the first admin holds is now stale.
    added = await client.post(
        f"{DRAFT}/entitlements",
        json=driving_lessons(),
        headers={**admins.city_colleague, **if_match(started)},
    )
    assert added.status_code == 201
    for response in (
        await client.put(
            f"{DRAFT}/entitlements/driving-lessons",
            json=driving_lessons(),
            headers={**admins.city, **if_match(started)},
        ),
        await client.delete(DRAFT, headers={**admins.city, **if_match(started)}),
        await client.post(f"{DRAFT}/publication", headers={**admins.city, **if_match(started)}),
        await client.post(
            f"{DRAFT}/publication", headers={**admins.city, "If-Match": "W/" + added.headers["etag"]}
        ),  # a weak tag never matches
    ):
        assert response.status_code == 412, response.text
        assert response.json()["code"] == "request.precondition_failed"
    assert (await client.get(OFFER)).json()["version"] == 1
    dup = await client.post(
        f"{DRAFT}/entitlements", json=driving_lessons(), headers={**admins.city, **if_match(added)}
    )
    assert dup.status_code == 409 and dup.json()["code"] == "entitlement.code_taken"
    second = await client.post(DRAFT, json={}, headers=admins.city)
    assert second.status_code == 409 and second.json()["code"] == "offer.draft_exists"


async def test_a_repeated_publication_publishes_once(client: httpx.AsyncClient, admins: Admins) -> None:
    started = await client.post(DRAFT, json={"notes": "Version two"}, headers=admins.city)
    first = await client.post(
        f"{DRAFT}/publication",
        json={"notes": "Published notes"},
        headers={**admins.city, **if_match(started)},
    )
    assert first.status_code == 201

    # The response was lost and the app tries again: the same version, nothing published twice.
    retry = await client.post(
        f"{DRAFT}/publication",
        json={"notes": "Published notes"},
        headers={**admins.city, **if_match(started)},
    )
    assert retry.status_code == 200, retry.text
    assert retry.json() == first.json() and retry.headers["etag"] == first.headers["etag"]
    assert retry.json()["version"] == 2 and retry.json()["notes"] == "Published notes"

    # A colleague who read the same draft and presses publish afterwards is told it already happened.
    colleague = await client.post(
        f"{DRAFT}/publication", headers={**admins.city_colleague, **if_match(started)}
    )
    assert colleague.status_code == 409, colleague.text
    assert colleague.json()["code"] == "offer.already_published"
    assert colleague.json()["version"] == 2

    assert (await client.get(OFFER)).json()["version"] == 2
    publications = await audit(client, admins.city, action="publish")
    assert len(publications) == 1
    # With no draft and an ETag that names no version, there is nothing to publish.
    nothing = await client.post(
        f"{DRAFT}/publication", headers={"If-Match": '"9-' + "0" * 32 + '"', **admins.city}
    )
    assert nothing.status_code == 404 and nothing.json()["code"] == "offer.draft_not_found"


async def test_an_entitlement_cannot_start_after_the_draft_withdraws_it(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    started = await client.post(DRAFT, json={}, headers=admins.city)
    added = await client.post(
        f"{DRAFT}/entitlements", json=driving_lessons(), headers={**admins.city, **if_match(started)}
    )
    soon, later = (uk_today() + timedelta(days=30)).isoformat(), (uk_today() + timedelta(days=60)).isoformat()
    withdrawn = await client.post(
        f"{DRAFT}/entitlements/driving-lessons/withdrawal",
        json={"withdrawn_from": soon},
        headers={**admins.city, **if_match(added)},
    )
    refused = await client.put(
        f"{DRAFT}/entitlements/driving-lessons",
        json=driving_lessons(available_from=later),
        headers={**admins.city, **if_match(withdrawn)},
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["withdrawn_from"]


async def test_without_a_draft_the_answer_is_404_whatever_the_preconditions(
    client: httpx.AsyncClient, admins: Admins
) -> None:
    for method, path, body in (
        ("DELETE", DRAFT, None),
        ("POST", f"{DRAFT}/publication", {}),
        ("POST", f"{DRAFT}/entitlements", driving_lessons()),
    ):
        response = await client.request(method, path, headers=admins.city, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "offer.draft_not_found"
