"""A young person's entitlements on a date, as the lists see them.

The answer is the stored decision (`DecisionRepository.person_on_day`): outcome, amount, missing facts,
each reason's code and result, and the offer version. Its sentences ("You are 22, and this is for care
leavers under 25") are the engine's, rendered for the same record, date and version
(`care_leavers.service.evaluate_for_person`), because they name the facts of that day. The two are
compared on every read: a stored day that disagrees with the record (or is missing inside the stored
window) is a bug in keeping decisions current, so it is logged as `decision.stale` and the person's
timeline is regenerated in this request, before anything is answered. What the young person, their PA
and a district's list see is therefore the same stored decision.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.care_leavers import service as care_leavers
from app.core.clock import uk_today
from app.decisions.models import EntitlementDecision
from app.decisions.repository import DecisionRepository
from app.decisions.service import refresh_people
from app.decisions.timeline import HISTORY_DAYS, brief
from app.entitlements import service as entitlements
from app.entitlements.published import PublishedOffer
from app.entitlements.rules.engine import Result

log = logging.getLogger(__name__)

# (entitlement, outcome, amount in pence, missing facts, ((reason code, result), ...), offer version id)
Brief = tuple[str, str, int | None, tuple[str, ...], tuple[tuple[str, str], ...], uuid.UUID]


def _stored(rows: Sequence[EntitlementDecision]) -> set[Brief]:
    return {
        (
            r.entitlement_code,
            r.outcome,
            r.amount_pence,
            tuple(r.missing_facts),
            tuple((code, result) for code, result in r.reasons),
            r.offer_version_id,
        )
        for r in rows
    }


def _answered(offer: PublishedOffer, results: Sequence[Result]) -> set[Brief]:
    return {(r.entitlement, *brief(r), offer.pointer.version_id) for r in results}


async def entitlements_report(
    session: AsyncSession, principal: Principal, care_leaver_id: uuid.UUID, on: date | None
) -> bytes:
    """The EligibilityReport as JSON for `on` (default today): the stored decisions, in the engine's words."""
    today = uk_today()
    when = on or today
    offer, results = await care_leavers.evaluate_for_person(session, principal, care_leaver_id, when)
    repository = DecisionRepository(session)
    stored = await repository.person_on_day(care_leaver_id, when)
    # Every day from a year back is stored for everyone (earlier days from the 16th birthday), so an
    # empty answer there means the timeline was never written.
    expected = bool(stored) or when >= today - timedelta(days=HISTORY_DAYS)
    if expected and _stored(stored) != _answered(offer, results):
        log.warning("decision.stale", extra={"care_leaver_id": str(care_leaver_id), "on": when.isoformat()})
        await refresh_people(session, [care_leaver_id])
        stored = await repository.person_on_day(care_leaver_id, when)
        assert _stored(stored) == _answered(offer, results), "the regenerated timeline disagrees"
    return entitlements.report_body(offer, when, results)
