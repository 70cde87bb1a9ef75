"""Status checks: "is the person with these details a care leaver of council X entitled to Y on date Z?"

For a partner whose agreement with the council covers `status_check` for that entitlement (a client of
it must have been given the purpose too: app/auth/clients.py). The answer is yes or no and nothing else,
and the three ways of getting a no (nobody matches; the person matches but has not agreed to share with
the partner's kind of organisation; they match and agreed but were not entitled on the date) cannot be
told apart by the partner:

- the same body and status (200 `{"answer": "no"}`);
- the same work: one query finds everyone of that council born on that date, with their consent and
  their stored decision on the date (`StatusCheckRepository.candidates`), whatever matches; names and
  postcode are compared in memory; the audit event is written by the same statements whether it names
  a person or nobody (`record_about_evenly`); and the rate-limit count is the same statement each time;
- the same time: every answer takes at least `status_check_min_milliseconds` (50 ms by default) from
  before the transaction begins until after it commits (`pad_to_minimum`), which hides what noise the
  equal work leaves.

Matching: given and family names compared after Unicode NFKC, casefolding and removing spaces, hyphens,
apostrophes and full stops ("Smith-Jones", "smith jones" and "SMITHJONES" match); the date of birth
exactly; the postcode, with spacing and case ignored, against the last postcode in the person's current
address (the record keeps the address as one line of text, `CareLeaver.address`). If the details match
several people the answer is no: the check cannot say who was meant.

Consent is the young person's active consent to share with the partner organisation asking, by name (a
consent names one organisation; withdrawn, it stops the next check). The answer comes from the stored decisions
(app.decisions), never decided again: yes only when the stored outcome on the date is `eligible` and
the record was open that day.

Every check is audited: about the young person when one matched (so it is in their access log, whatever
the answer), and about nobody otherwise; never with the details asked. Each partner organisation has a
fixed window of `status_checks_per_minute` checks (60 by default), then 429 with `Retry-After`.
"""

from __future__ import annotations

import asyncio
import re
import time
import unicodedata
from collections.abc import AsyncIterator
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import Concerned, record_about_evenly
from app.auth import throttle
from app.auth.clients import agreement_for
from app.auth.enums import PartnerPurpose
from app.auth.errors import PurposeNotAgreed
from app.auth.principal import Principal
from app.core.settings import Settings
from app.partners.status_repository import Candidate, StatusCheckRepository
from app.partners.status_schemas import StatusCheckCreate

RESOURCE = "status_check"
WINDOW_SECONDS = 60
_IGNORED_IN_NAMES = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014'\u2018\u2019\u02bc`.]+")
_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})")


def name_key(name: str) -> str:
    """A name as matching sees it: "  Smith-Jones " and "smith jones" and "O'Neil"/"ONeil" agree."""
    return _IGNORED_IN_NAMES.sub("", unicodedata.normalize("NFKC", name).casefold())


def postcode_key(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode).upper()


def postcode_of(address: str | None) -> str | None:
    """The last UK postcode in a one-line address ("Flat 2, 1 Example Street, Nottingham NG1 1AA")."""
    if not address:
        return None
    found = _POSTCODE.findall(address.upper())
    return found[-1][0] + found[-1][1] if found else None


def _matches(candidate: Candidate, body: StatusCheckCreate) -> bool:
    return (
        name_key(candidate.given_name) == name_key(body.given_name)
        and name_key(candidate.family_name) == name_key(body.family_name)
        and postcode_of(candidate.address) == postcode_key(body.postcode)
    )


def _yes(candidate: Candidate, on: date) -> bool:
    open_then = candidate.closed_on is None or candidate.closed_on > on
    return candidate.consented and open_then and candidate.outcome == "eligible"


async def check_status(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    body: StatusCheckCreate,
    on: date,
    now: datetime,
) -> bool:
    """The answer (True: yes). 403 unless the partner's agreement covers the entitlement asked about."""
    agreement = await agreement_for(session, principal, PartnerPurpose.STATUS_CHECK)
    if body.entitlement not in agreement.entitlement_codes:
        raise PurposeNotAgreed(
            f"Your organisation's agreement does not cover status checks for {body.entitlement}."
        )
    assert principal.local_authority_id is not None and principal.partner_organisation_id is not None
    await throttle.take_from_window(
        session,
        f"status_check:{principal.partner_organisation_id}",
        limit=settings.status_checks_per_minute,
        window_seconds=WINDOW_SECONDS,
        now=now,
    )
    candidates = await StatusCheckRepository(session).candidates(
        principal.local_authority_id,
        body.local_authority,
        body.date_of_birth,
        principal.partner_organisation_id,
        body.entitlement,
        on,
    )
    matched = [c for c in candidates if _matches(c, body)]
    answer = len(matched) == 1 and _yes(matched[0], on)
    await record_about_evenly(
        session,
        principal.as_actor(),
        AuditAction.READ,
        RESOURCE,
        [Concerned(c.care_leaver_id, c.local_authority_id) for c in matched],
        local_authority_id=principal.local_authority_id,
        details={"entitlement": body.entitlement, "on": on.isoformat(), "answer": "yes" if answer else "no"},
    )
    return answer


async def pad_to_minimum(seconds: float) -> AsyncIterator[None]:
    """Around the unit of work (a dependency taken before it): the answer is sent no sooner than
    `seconds` after the request began, the wait spent after the commit, holding no database lock.
    Only answers are padded; a refusal (403, 429) is not a status and needs no disguise."""
    started = time.perf_counter()
    yield
    remaining = seconds - (time.perf_counter() - started)
    if remaining > 0:
        await asyncio.sleep(remaining)
