"""The evaluation the care-leaver record will use: facts from the record, the council's id, a date."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utc_now
from app.entitlements.errors import OfferNotPublished
from app.entitlements.repository import OfferRepository
from app.entitlements.rules import Outcome
from app.entitlements.service import evaluate_entitlements


async def test_a_record_is_evaluated_against_its_own_councils_offer(session: AsyncSession) -> None:
    city = await OfferRepository(session).local_authority(gss_code="E06000018")
    assert city is not None
    facts = {
        "date_of_birth": date(2005, 4, 1),
        "left_care_on": date(2023, 4, 1),  # looked after on the 18th birthday: former relevant
        "looked_after_weeks_since_14": 200,
        "district": "E06000018",
        "liable_for_council_tax": True,
        "moving_into_first_home": True,
    }
    offer, results = await evaluate_entitlements(
        session, city.id, facts, on=date(2026, 11, 23), now=utc_now()
    )
    assert offer.pointer.gss_code == "E06000018"
    by_code = {r.entitlement: r for r in results}
    assert by_code["council-tax-exemption"].outcome is Outcome.ELIGIBLE
    suha = by_code["setting-up-home-allowance"]
    assert suha.outcome is Outcome.ELIGIBLE and suha.amount is not None and suha.amount.pence == 300000
    assert "From your care history" in suha.reasons[1].message


async def test_a_council_without_a_published_offer_is_a_clear_error(session: AsyncSession) -> None:
    with pytest.raises(OfferNotPublished):
        await evaluate_entitlements(session, uuid.uuid4(), {}, on=date(2026, 11, 23), now=utc_now())
