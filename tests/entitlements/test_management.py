"""A council managing its own offer: drafts, edits, withdrawals and publication, with history kept.

These tests call the use cases directly (test_offer_drafts_api.py drives them over HTTP as an
administrator) and then read the result through the public API, as a young person's app would.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import uk_today, utc_now
from app.entitlements import management
from app.entitlements.errors import (
    DraftExists,
    DraftNotFound,
    EntitlementCodeTaken,
    EntitlementInvalid,
    HistoryRewrite,
    PublicationOutOfOrder,
)
from app.entitlements.published import RECHECK_SECONDS
from app.entitlements.repository import OfferRepository
from app.entitlements.schemas import EntitlementWrite
from tests.support.clock import ManualClock

COUNTY = "E10000024"
CITY = "E06000018"
OFFER = f"/v1/local-authorities/{COUNTY}/offer"


async def council_id(session: AsyncSession, gss: str) -> uuid.UUID:
    authority = await OfferRepository(session).local_authority(gss_code=gss)
    assert authority is not None
    return authority.id


async def definition(client: httpx.AsyncClient, published: str, **changes: Any) -> EntitlementWrite:
    """The published definition of an entitlement, as a council would send it back with changes."""
    read = (await client.get(f"/v1/local-authorities/{COUNTY}/entitlements/{published}")).json()
    read.pop("withdrawn_from")
    read["parameters"] = {
        p["name"]: {
            "unit": p["unit"],
            "basis": p["basis"],
            "description": p["description"],
            "values": [{k: v[k] for k in ("effective_from", "value", "source")} for v in p["values"]],
        }
        for p in read["parameters"]
    }
    return EntitlementWrite.model_validate({**read, **changes})


async def test_publishing_makes_a_new_version_and_changes_the_etag(
    client: httpx.AsyncClient, session: AsyncSession, offers_clock: ManualClock
) -> None:
    county = await council_id(session, COUNTY)
    before = await client.get(OFFER)
    draft = await management.start_draft(session, county, now=utc_now(), notes="Clearer leisure wording")
    assert draft.number == 2 and len(draft.entitlements) == 15
    # A draft is invisible to the public until published.
    assert (await client.get(OFFER, headers={"If-None-Match": before.headers["etag"]})).status_code == 304

    leisure = await definition(
        client, "leisure-pass", summary="Free gym, swimming and classes at your leisure centre."
    )
    await management.update_entitlement(session, county, "leisure-pass", leisure, today=uk_today())
    published = await management.publish_draft(session, county, now=utc_now())
    assert published.number == 2

    # Published by the service, not through this app (as by another worker): the app reads which version
    # is current again within RECHECK_SECONDS (tests/entitlements/test_offer_memory.py has the rest).
    offers_clock.advance(RECHECK_SECONDS)
    after = await client.get(OFFER, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    body = after.json()
    assert body["version"] == 2 and body["notes"] == "Clearer leisure wording"
    assert {e["code"]: e["summary"] for e in body["entitlements"]}["leisure-pass"].startswith(
        "Free gym, swimming and"
    )
    assert (await client.get(OFFER, headers={"If-None-Match": after.headers["etag"]})).status_code == 304


async def test_earlier_versions_stay_readable_by_date(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    county = await council_id(session, COUNTY)
    await management.start_draft(session, county, now=utc_now())
    await management.withdraw_entitlement(
        session, county, "leisure-pass", withdrawn_from=date(2027, 4, 1), today=uk_today()
    )
    # Published to take effect on 10 January 2027: until then the current offer is still version 1.
    await management.publish_draft(session, county, now=datetime(2027, 1, 10, 9, 0, tzinfo=UTC))

    assert (await client.get(OFFER)).json()["version"] == 1
    assert (await client.get(OFFER, params={"on": "2027-01-09"})).json()["version"] == 1
    later = (await client.get(OFFER, params={"on": "2027-01-10"})).json()
    assert later["version"] == 2
    assert {e["code"]: e["withdrawn_from"] for e in later["entitlements"]}["leisure-pass"] == "2027-04-01"
    item = await client.get(
        f"/v1/local-authorities/{COUNTY}/entitlements/leisure-pass", params={"on": "2026-12-01"}
    )
    assert item.json()["withdrawn_from"] is None


async def test_a_withdrawn_entitlement_ends_the_day_before_it_is_withdrawn(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    county = await council_id(session, COUNTY)
    await management.start_draft(session, county, now=utc_now())
    await management.withdraw_entitlement(
        session, county, "leisure-pass", withdrawn_from=date(2027, 4, 1), today=uk_today()
    )
    await management.publish_draft(session, county, now=utc_now())

    facts = {"legal_status": "former_relevant", "date_of_birth": "2003-01-01", "district": "E07000174"}

    async def leisure(on: str) -> dict[str, Any]:
        body = {"local_authority": COUNTY, "on": on, "facts": facts}
        results = (await client.post("/v1/eligibility/check", json=body)).json()["results"]
        return next(r for r in results if r["entitlement"] == "leisure-pass")

    still = await leisure("2027-03-31")
    assert still["outcome"] == "eligible" and still["ends_on"] == "2027-03-31"
    gone = await leisure("2027-04-01")
    assert gone["outcome"] == "not_eligible"
    assert gone["reasons"][0]["message"] == "This was withdrawn from 1 April 2027."


async def test_a_new_entitlement_is_evaluated_once_published(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    county = await council_id(session, COUNTY)
    await management.start_draft(session, county, now=utc_now())
    new = await definition(
        client,
        "leisure-pass",
        code="driving-lessons",
        title="Help with driving lessons",
        category="travel_and_leisure",
        rule={"all": [{"fact": "legal_status", "in": ["former_relevant"]}, {"age_under": 21}]},
        parameters={
            "amount": {
                "unit": "pence",
                "values": [{"effective_from": "2027-01-01", "value": 25000, "source": "county-leisure"}],
            }
        },
        amount={"parameter": "amount", "period": "once", "qualifier": "up_to"},
        available_from=None,
    )
    await management.add_entitlement(session, county, new)
    await management.publish_draft(session, county, now=utc_now())

    facts = {"legal_status": "former_relevant", "date_of_birth": "2007-01-01"}
    body = {"local_authority": COUNTY, "on": "2027-02-01", "facts": facts}
    results = {
        r["entitlement"]: r for r in (await client.post("/v1/eligibility/check", json=body)).json()["results"]
    }
    assert results["driving-lessons"]["outcome"] == "eligible"
    assert results["driving-lessons"]["amount"]["display"] == "£250"
    early = {**body, "on": uk_today().isoformat()}  # the new version is in force from its publication
    results = {
        r["entitlement"]: r
        for r in (await client.post("/v1/eligibility/check", json=early)).json()["results"]
    }
    assert results["driving-lessons"]["outcome"] == "not_eligible"  # no amount in force before 2027


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rule": {"fact": "shoe_size", "is": True}}, "rule.fact"),
        ({"rule": {"age_under": 25, "at": "graduation"}}, "rule.at"),
        ({"rule": {"fact": "district", "in": ["E07000170"], "source": "gossip"}}, "rule.source"),
        (
            {
                "parameters": {
                    "amount": {
                        "unit": "pence",
                        "basis": "graduation",
                        "values": [{"effective_from": "2027-01-01", "value": 1, "source": "county-leisure"}],
                    }
                }
            },
            "parameters.amount.basis",
        ),
        (
            {
                "parameters": {
                    "amount": {
                        "unit": "pence",
                        "values": [{"effective_from": "2027-01-01", "value": 1, "source": "nowhere"}],
                    }
                }
            },
            "parameters.amount.values.0.source",
        ),
    ],
)
async def test_rules_may_name_only_known_facts_dates_and_sources(
    client: httpx.AsyncClient, session: AsyncSession, changes: dict[str, Any], field: str
) -> None:
    county = await council_id(session, COUNTY)
    await management.start_draft(session, county, now=utc_now())
    bad = await definition(client, "leisure-pass", code="new-thing", **changes)
    with pytest.raises(EntitlementInvalid) as refused:
        await management.add_entitlement(session, county, bad)
    assert field in [e["field"] for e in refused.value.extensions["errors"]]


async def test_dated_values_in_force_cannot_be_rewritten(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    county = await council_id(session, COUNTY)
    await management.start_draft(session, county, now=utc_now())
    heg = await definition(client, "setting-up-home-allowance")
    values = heg.model_dump(mode="json")["parameters"]["amount"]["values"]

    rewritten = [values[0], {**values[1], "value": 350000}]
    with pytest.raises(HistoryRewrite):
        await management.update_entitlement(
            session,
            county,
            "setting-up-home-allowance",
            await _with_values(client, rewritten),
            today=uk_today(),
        )
    # A rise from a later date is a new value: allowed, and the earlier ones stay.
    raised = [*values, {"effective_from": "2027-04-01", "value": 350000, "source": "suha-guidance"}]
    await management.update_entitlement(
        session, county, "setting-up-home-allowance", await _with_values(client, raised), today=uk_today()
    )
    with pytest.raises(HistoryRewrite):
        await management.withdraw_entitlement(
            session, county, "leisure-pass", withdrawn_from=uk_today() - timedelta(days=1), today=uk_today()
        )


async def _with_values(client: httpx.AsyncClient, values: list[dict[str, Any]]) -> EntitlementWrite:
    heg = (await definition(client, "setting-up-home-allowance")).model_dump(mode="json")
    heg["parameters"]["amount"]["values"] = values
    return EntitlementWrite.model_validate(heg)


async def test_one_draft_at_a_time_and_codes_are_stable(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    county = await council_id(session, COUNTY)
    await management.start_draft(session, county, now=utc_now())
    with pytest.raises(DraftExists):
        await management.start_draft(session, county, now=utc_now())
    with pytest.raises(EntitlementCodeTaken):
        await management.add_entitlement(session, county, await definition(client, "leisure-pass"))
    renamed = await definition(client, "leisure-pass", code="gym-pass")
    with pytest.raises(EntitlementInvalid):
        await management.update_entitlement(session, county, "leisure-pass", renamed, today=uk_today())
    with pytest.raises(HistoryRewrite):  # published: withdraw it instead
        await management.remove_from_draft(session, county, "leisure-pass")
    await management.add_entitlement(session, county, renamed)
    await management.remove_from_draft(session, county, "gym-pass")  # added in this draft: may go
    await management.discard_draft(session, county)
    with pytest.raises(DraftNotFound):
        await management.get_draft(session, county)


async def test_a_council_cannot_reach_another_councils_draft(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    county, city = await council_id(session, COUNTY), await council_id(session, CITY)
    await management.start_draft(session, county, now=utc_now())
    with pytest.raises(DraftNotFound):
        await management.withdraw_entitlement(
            session, city, "leisure-pass", withdrawn_from=date(2027, 4, 1), today=uk_today()
        )
    with pytest.raises(DraftNotFound):
        await management.publish_draft(session, city, now=utc_now())


async def test_publications_stay_in_time_order(session: AsyncSession) -> None:
    county = await council_id(session, COUNTY)
    await management.start_draft(session, county, now=utc_now())
    await management.publish_draft(session, county, now=datetime(2027, 1, 10, tzinfo=UTC))
    await management.start_draft(session, county, now=utc_now())
    with pytest.raises(PublicationOutOfOrder):
        await management.publish_draft(session, county, now=datetime(2027, 1, 9, tzinfo=UTC))
