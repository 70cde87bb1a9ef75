"""Issue 11, "a test proves agreement": the stored decisions, and the district lists that read them, agree
with the engine applied to each person's facts on each day.

For the demo data and for a seeded, generated cohort (1,000 young people on request, 200 in the
suite: care episodes of every shape, special guardianship, old-style counters, moves between
districts and councils, courses starting in the year ahead, activities, consent or none), recorded
through the API so the record hooks store their decisions as in use, and then for EVERY day of a
year (from ten days ago):
- each person's stored answer for each entitlement is the engine's outcome for their facts that day;
- each district's council-tax list (the repository query the endpoint makes) is exactly the people the
  engine exempts that day, who lived in that district that day, whose case is open, who consented;
and on the 1st and 15th of each month the stored amounts and missing facts equal the engine's full
answer, the lists through the API (a district partner, and the county's admin asking district by
district) equal the same truth, and each person's entitlements through the API (20 people a day, drawn afresh each day)
equal the stored answers. On today, the overdue-contact list through the API (each council's admin, every
page) is exactly the open cases with a contact due before today, and nobody the engine gives no duty to
keep in touch (a personal adviser; from 21 to 25 one asked for and allocated) has a due date at all.

"The engine applied to the facts on that day" is computed here without the stored timeline's walk: for
each day, the record's circumstances in force that day (the repository's snapshot query), the status the
record's own rule derives that day, the facts the record gives, and the offer version in force that day,
evaluated for that day alone. What the walk adds (skipping to the dates an answer may change, merging
equal stretches, storing, querying by range) is what this test checks.
"""

from __future__ import annotations

import os
import random
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import ConsentRecipient, PartnerKind
from app.auth.models import PartnerOrganisation
from app.care_leavers.enums import CircumstanceKind
from app.care_leavers.episode_status import history_on
from app.care_leavers.facts import facts_from_record
from app.care_leavers.history import decide_loaded, episodes_of
from app.care_leavers.models import AdviserAllocation, CareLeaver, Consent
from app.care_leavers.repository import CareLeaverRepository
from app.core.clock import uk_today, utc_now
from app.core.dates import birthday
from app.core.settings import Settings
from app.db.session import Database
from app.decisions.models import EntitlementDecision
from app.decisions.repository import decision_on
from app.decisions.service import ON_REQUEST, PERSONAL_ADVISER
from app.demo.loader import load_demo_data
from app.entitlements.published import PublishedOffer, prepared
from app.entitlements.repository import OfferRepository
from app.entitlements.service import published_before
from app.local_authorities.models import LocalAuthority
from app.partners.months import Period
from app.partners.repository import ENTITLEMENT, LIABILITY
from app.partners.service import members
from tests.support import factories as f
from tests.support.world import World

# The suite generates 200 people (about two minutes a database on this machine); the 1,000 is
# `LOCAL_OFFER_AGREEMENT_COHORT=1000 pytest tests/decisions/test_agreement.py` (about six minutes each).
COHORT = int(os.environ.get("LOCAL_OFFER_AGREEMENT_COHORT", "200"))
DAYS = 365
# The year compared: from a few days back (moves recorded since, the November list asked in December) to
# almost a year ahead (time passing: birthdays, 13th weeks, courses starting, with no recomputation).
FROM_DAYS_AGO = 10
CITY_DISTRICT = f.CITY  # a unitary council: its own GSS code is the district
COUNTY_DISTRICTS = [f"E0700017{n}" for n in range(7)]  # Ashfield E07000170 .. Rushcliffe E07000176
ALL_DISTRICTS = [CITY_DISTRICT, *COUNTY_DISTRICTS]
DAY = timedelta(days=1)


# --- the truth: the engine applied to each person's facts on one day ------------------------------------


class Truth:
    """Loaded once; answers for any day without the stored timeline."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.offers: dict[tuple[uuid.UUID, uuid.UUID], PublishedOffer] = {}

    async def load(self, ids: list[uuid.UUID]) -> None:
        rows = (
            await self.session.execute(
                select(CareLeaver, LocalAuthority.gss_code)
                .join(LocalAuthority, LocalAuthority.id == CareLeaver.local_authority_id)
                .where(CareLeaver.id.in_(ids))
            )
        ).all()
        self.people = {p.id: (p, gss) for p, gss in rows}
        self.overrides = await CareLeaverRepository(self.session).overrides(ids)
        self.episodes = await episodes_of(self.session, ids)
        # Active consents naming a billing authority: (the authority, the day it was given).
        consents = await self.session.execute(
            select(Consent.care_leaver_id, Consent.partner_organisation_id, Consent.given_at).where(
                Consent.care_leaver_id.in_(ids),
                Consent.recipient == ConsentRecipient.DISTRICT_COUNCIL,
                Consent.withdrawn_at.is_(None),
                Consent.partner_organisation_id.is_not(None),
            )
        )
        self.consented: dict[uuid.UUID, list[tuple[uuid.UUID, date]]] = defaultdict(list)
        for pid, org, given_at in consents.all():
            self.consented[pid].append((org, given_at.date()))
        found = await self.session.scalars(
            select(PartnerOrganisation).where(
                PartnerOrganisation.kind == PartnerKind.DISTRICT_COUNCIL,
                PartnerOrganisation.district_gss_code.is_not(None),
            )
        )
        self.authorities = {o.id: o for o in found}
        # The test world's Ashfield partner (`partner_ash`) and the county it is a partner of.
        self.partner_ash = next(o for o, a in self.authorities.items() if a.name == "Ashfield DC")
        self.county = self.authorities[self.partner_ash].local_authority_id

    async def offer_on(self, local_authority_id: uuid.UUID, day: date) -> PublishedOffer | None:
        repository = OfferRepository(self.session)
        pointer = await repository.published_as_of(
            before=published_before(day, utc_now()), local_authority_id=local_authority_id
        )
        if pointer is None:
            return None
        key = (local_authority_id, pointer.version_id)
        if key not in self.offers:
            self.offers[key] = await prepared(repository, pointer)
        return self.offers[key]

    async def on(self, day: date, *, full: bool) -> dict[uuid.UUID, tuple[str | None, dict[str, Any]]]:
        """Per person: (district lived in that day, {entitlement: outcome or (outcome, pence, missing)})."""
        ids = list(self.people)
        snapshots = await CareLeaverRepository(self.session).snapshots(ids, day)
        answers: dict[uuid.UUID, tuple[str | None, dict[str, Any]]] = {}
        councils = {p.local_authority_id for p, _ in self.people.values()}
        offers = {c: await self.offer_on(c, day) for c in councils}
        for pid, (person, gss) in self.people.items():
            snapshot = snapshots.get(pid, {})
            episodes = self.episodes[pid]
            decision = decide_loaded(person, day, snapshot, self.overrides[pid], episodes)
            care = history_on(person.date_of_birth, episodes, day)[0] if episodes else None
            details = {kind: entry.details for kind, entry in snapshot.items()}
            facts = facts_from_record(person, gss, details, decision.status, day, care)
            residence = details.get(CircumstanceKind.RESIDENCE)
            district = residence.get("district_gss_code") if residence else None
            offer = offers[person.local_authority_id]
            if offer is None:
                answers[pid] = (district, {})
            elif full:
                results = offer.compiled.evaluate(facts, day)
                answers[pid] = (
                    district,
                    {
                        r.entitlement: (
                            r.outcome.value,
                            r.amount.pence if r.amount is not None else None,
                            list(r.missing_facts),
                        )
                        for r in results
                    },
                )
            else:
                codes = [e.code for e in offer.compiled.entitlements]
                outcomes = offer.compiled.decide(facts, day)
                answers[pid] = (district, {c: o.value for c, o in zip(codes, outcomes, strict=True)})
        return answers

    def of_council(self, gss: str) -> set[uuid.UUID]:
        return {pid for pid, (_, g) in self.people.items() if g == gss}

    def exempt(
        self, answers: dict[uuid.UUID, tuple[str | None, dict[str, Any]]], day: date
    ) -> dict[uuid.UUID, set[uuid.UUID]]:
        """Per billing authority: who the engine exempts from council tax that day (full answers: with the
        facts missing; unknown only for want of liability, which the authority knows, counts), living in
        its area, whose case was open and whose consent naming it was given by then (or today, for a day
        ahead)."""
        reckoned = min(day, uk_today())
        lists: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for pid, (district, results) in answers.items():
            answer = results.get(ENTITLEMENT)
            if answer is None or district is None:
                continue
            outcome, _, missing = answer
            person = self.people[pid][0]
            if person.closed_on is not None and person.closed_on <= reckoned:
                continue
            if not (outcome == "eligible" or (outcome == "unknown" and missing == [LIABILITY])):
                continue
            for org, given in self.consented.get(pid, []):
                authority = self.authorities[org]
                same_place = (authority.local_authority_id, authority.district_gss_code) == (
                    person.local_authority_id,
                    district,
                )
                if same_place and given <= reckoned:
                    lists[org].add(pid)
        return lists


async def stored_on(
    session: AsyncSession, ids: Iterable[uuid.UUID], day: date, *, full: bool
) -> dict[uuid.UUID, dict[str, Any]]:
    """Each person's stored answers on `day`, as the range lookup the lists make finds them."""
    d = EntitlementDecision
    stmt = select(d.care_leaver_id, d.entitlement_code, d.outcome, d.amount_pence, d.missing_facts).where(
        d.care_leaver_id.in_(list(ids)), decision_on(day)
    )
    found: dict[uuid.UUID, dict[str, Any]] = defaultdict(dict)
    for person, code, outcome, pence, missing in await session.execute(stmt):
        found[person][code] = (outcome, pence, missing) if full else outcome
    return found


async def stored_list(session: AsyncSession, authority: PartnerOrganisation, day: date) -> set[uuid.UUID]:
    """The billing authority's list for the day, as the endpoint reckons it."""
    return set(await members(session, [authority], Period(day, day), uk_today()))


async def every_item(
    client: httpx.AsyncClient, url: str, params: dict[str, str] | None, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """A list's items through the API, following `next` to the last page."""
    items: list[dict[str, Any]] = []
    page: str | None = url
    while page is not None:
        response = await client.get(page, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        # `next` carries the whole query; httpx drops a URL's query when given params, even empty ones.
        page, params = body["next"], None
    return items


async def api_list(
    client: httpx.AsyncClient, headers: dict[str, str], day: date, district: str | None
) -> set[str]:
    params = {"on": day.isoformat(), "limit": "100", **({"district": district} if district else {})}
    items = await every_item(client, "/v1/council-tax-exemptions", params, headers)
    return {item["care_leaver_id"] for item in items}


async def assert_agreement(
    session: AsyncSession,
    ids: list[uuid.UUID],
    *,
    api: tuple[httpx.AsyncClient, Callable[[], Awaitable[dict[str, dict[str, str]]]]] | None = None,
) -> int:
    """Every day of a year from today; returns how many person-days were compared."""
    truth = Truth(session)
    await truth.load(ids)
    councils = {p.local_authority_id for p, _ in truth.people.values()}
    first = uk_today() - FROM_DAYS_AGO * DAY
    problems: list[str] = []
    compared = 0
    for offset in range(DAYS):
        day = first + offset * DAY
        full = day.day in (1, 15) or offset == 0
        answers = await truth.on(day, full=full)
        stored = await stored_on(session, ids, day, full=full)
        for pid, (_, results) in answers.items():
            compared += 1
            rows = stored.get(pid, {})
            if set(rows) != set(results):
                problems.append(
                    f"{day} {pid}: stored {sorted(rows)} but the engine answers {sorted(results)}"
                )
                continue
            for code, answer in results.items():
                if (mine := rows[code]) != answer:
                    problems.append(f"{day} {pid} {code}: stored {mine}, the engine {answer}")
        if full:
            exempt = truth.exempt(answers, day)
            for org, authority in truth.authorities.items():
                if authority.local_authority_id not in councils:
                    continue
                listed = await stored_list(session, authority, day)
                expected = exempt.get(org, set())
                if listed != expected:
                    problems.append(
                        f"{day} council-tax list {authority.name}: extra {len(listed - expected)}, "
                        f"missing {len(expected - listed)}"
                    )
            if api is not None:
                client, readers = api
                headers = await readers()  # fresh tokens: a 1,000-person run outlasts a token's 15 minutes
                # Each person's entitlements as the API answers them (the record's page, and the app's
                # `/v1/me/entitlements` read the same way) equal the stored answers that day.
                sample = sorted(answers, key=str)
                if len(sample) > 20:
                    sample = random.Random(day.toordinal()).sample(sample, 20)
                for pid in sample:
                    reader = headers["admin_city" if truth.people[pid][1] == f.CITY else "admin_county"]
                    response = await client.get(
                        f"/v1/care-leavers/{pid}/entitlements", params={"on": day.isoformat()}, headers=reader
                    )
                    assert response.status_code == 200, response.text
                    served = {
                        r["entitlement"]: (
                            r["outcome"],
                            r["amount"]["amount_pence"] if r["amount"] else None,
                            r["missing_facts"],
                        )
                        for r in response.json()["results"]
                    }
                    if served != stored.get(pid, {}):
                        problems.append(f"{day} {pid}: the API's entitlements differ from the stored answers")
                ashfield = {str(p) for p in exempt.get(truth.partner_ash, set())}
                if await api_list(client, headers["partner_ash"], day, None) != ashfield:
                    problems.append(f"{day}: Ashfield's list through the API differs from the engine")
                for district in COUNTY_DISTRICTS:
                    want = {
                        str(p)
                        for org, authority in truth.authorities.items()
                        if authority.district_gss_code == district
                        and authority.local_authority_id == truth.county
                        for p in exempt.get(org, set())
                    }
                    if await api_list(client, headers["admin_county"], day, district) != want:
                        problems.append(f"{day}: the county's list for {district} through the API differs")
        if api is not None and offset == FROM_DAYS_AGO:
            problems += await overdue_disagreements(session, truth, answers, day, *api)
        assert len(problems) < 50, "\n".join(problems)
    assert not problems, "\n".join(problems[:50])
    return compared


async def overdue_disagreements(
    session: AsyncSession,
    truth: Truth,
    answers: dict[uuid.UUID, tuple[str | None, dict[str, Any]]],
    today: date,
    client: httpx.AsyncClient,
    readers: Callable[[], Awaitable[dict[str, dict[str, str]]]],
) -> list[str]:
    """The overdue-contact list holds only people the engine says the council must keep in touch with
    today (a personal adviser, or one from 21 to 25 for someone who asked and was given one), and
    everyone with a due date before today; nobody without that duty has a due date at all."""
    a = AdviserAllocation
    allocated = set(
        await session.scalars(
            select(a.care_leaver_id).where(
                a.care_leaver_id.in_(list(truth.people)),
                a.started_on <= today,
                or_(a.ended_on.is_(None), a.ended_on > today),
            )
        )
    )

    def eligible(results: dict[str, Any], code: str) -> bool:
        answer = results.get(code)
        return answer is not None and (answer if isinstance(answer, str) else answer[0]) == "eligible"

    duty = {
        pid
        for pid, (_, results) in answers.items()
        if eligible(results, PERSONAL_ADVISER) or (pid in allocated and eligible(results, ON_REQUEST))
    }
    due = dict(
        (
            await session.execute(
                select(CareLeaver.id, CareLeaver.next_contact_due_on).where(
                    CareLeaver.id.in_(list(truth.people))
                )
            )
        ).all()
    )
    problems = [
        f"{pid}: due {due[pid]} with no duty to keep in touch"
        for pid in truth.people
        if pid not in duty and due[pid]
    ]
    expected = {
        str(pid)
        for pid in duty
        if due[pid] is not None and due[pid] < today and truth.people[pid][0].closed_on is None
    }
    headers = await readers()
    listed = {
        item["care_leaver"]["id"]
        for admin in ("admin_city", "admin_county")
        for item in await every_item(client, "/v1/contacts/overdue", {"limit": "100"}, headers[admin])
    }
    if listed != expected:
        problems.append(
            f"overdue list: extra {sorted(listed - expected)}, missing {sorted(expected - listed)}"
        )
    # Not vacuous: the data has people with the duty, and some of them overdue.
    if not duty or not expected:
        problems.append(f"overdue check is empty: {len(duty)} with the duty, {len(expected)} overdue")
    return problems


# --- the cohort: varied histories, recorded through the API -------------------------------------------


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _looked_after(start: date, end: date | None, basis: str = "C2") -> dict[str, Any]:
    return {"start_on": _iso(start), "end_on": _iso(end), "legal_basis": basis, "placement_type": "U6"}


def _history(rng: random.Random, born: date, today: date) -> dict[str, Any]:
    """A care history of one of several shapes, always a possible one."""
    eighteen = birthday(born, 18)
    age_days = (today - born).days
    shape = rng.choices(
        ["none", "long", "short", "two", "ongoing", "sgo", "counters"], [10, 30, 15, 15, 15, 5, 10]
    )[0]

    def at(years: float) -> date:
        return born + timedelta(days=int(years * 365.25))

    latest_start = min(today, eighteen - DAY)
    if shape == "none" or latest_start <= at(10):
        return {}
    if shape == "long":
        start = min(at(rng.uniform(8, 15.5)), latest_start)
        end = min(at(rng.uniform(16, 18)), eighteen, today)
        return {"care_episodes": [_looked_after(start, end if end > start else None)]}
    if shape == "short":  # a few weeks either side of the 13-week line, after 14 or after 16
        start = min(at(rng.uniform(14, 17.8)), latest_start)
        end = start + timedelta(weeks=rng.randint(4, 20))
        return {"care_episodes": [_looked_after(start, end if end <= min(today, eighteen) else None)]}
    if shape == "two":
        first = min(at(rng.uniform(13, 15)), latest_start)
        gap = first + timedelta(weeks=rng.randint(3, 12))
        second = gap + timedelta(weeks=rng.randint(1, 30))
        end = second + timedelta(weeks=rng.randint(2, 40))
        if second >= latest_start:
            return {"care_episodes": [_looked_after(first, min(gap, today), "V2")]}
        return {
            "care_episodes": [
                _looked_after(first, gap, "V2"),
                _looked_after(second, end if end <= min(today, eighteen) else None),
            ]
        }
    if shape == "ongoing" and age_days < 18 * 365:  # still looked after: weeks accrue through the year
        start = max(at(14), today - timedelta(weeks=rng.randint(1, 60)))
        return {"care_episodes": [_looked_after(min(start, today), None)]}
    if shape == "sgo" and at(16.5) < today and at(16.5) < eighteen:
        start = at(rng.uniform(12, 15))
        made = at(16.5)
        return {
            "care_episodes": [
                _looked_after(start, made),
                {"kind": "special_guardianship_order", "start_on": _iso(made)},
            ]
        }
    # Old-style counters (a council MIS export): converted into a summary episode.
    left = min(at(rng.uniform(16, 18)), today)
    weeks_possible = max(0, (left - at(14)).days // 7)
    if left <= at(14) or weeks_possible == 0:
        return {}
    return {"left_care_on": _iso(left), "weeks_looked_after_since_14": rng.randint(0, weeks_possible)}


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), f"{url} {body}: {response.text}"
    return response.json()


async def make_cohort(
    client: httpx.AsyncClient,
    readers: Callable[[], Awaitable[dict[str, dict[str, str]]]],
    size: int,
    seed: int = 20261203,
) -> list[uuid.UUID]:
    rng = random.Random(seed)
    today = uk_today()
    ids = []
    headers: dict[str, dict[str, str]] = {}
    for n in range(size):
        if n % 100 == 0:
            headers = await readers()  # fresh tokens now and then: 1,000 people outlast one
        county = rng.random() < 0.7
        actor = headers["admin_county" if county else "admin_city"]
        home = rng.choice(COUNTY_DISTRICTS) if county else CITY_DISTRICT
        if rng.random() < 0.1:  # living across the boundary: county people in the City, and the other way
            home = CITY_DISTRICT if county else rng.choice(COUNTY_DISTRICTS)
        born = today - timedelta(days=rng.randint(14 * 365, 26 * 365))
        body = {
            "case_reference": f"AGREE-{n:05d}",
            "given_name": "Cohort",
            "family_name": f"Person{n:05d}",
            "date_of_birth": born.isoformat(),
            "district_gss_code": home,
            **_history(rng, born, today),
        }
        person = (await _post(client, "/v1/care-leavers", body, actor))["id"]
        base = f"/v1/care-leavers/{person}"
        since = min(today, max(born + timedelta(days=16 * 365), today - timedelta(days=rng.randint(30, 900))))
        residence = {"kind": "residence", "accommodation": "U", "suitable": True}
        await _post(
            client,
            f"{base}/circumstances",
            {**residence, "valid_from": _iso(since), "district_gss_code": home},
            actor,
        )
        if rng.random() < 0.3:  # a move to another district (or across the boundary), often in the last days
            moved = today - timedelta(days=rng.choice([rng.randint(0, 12), rng.randint(13, 400)]))
            there = rng.choice([d for d in ALL_DISTRICTS if d != home])
            await _post(
                client,
                f"{base}/circumstances",
                {**residence, "valid_from": _iso(moved), "district_gss_code": there},
                actor,
            )
        if rng.random() < 0.2:
            started = today - timedelta(days=rng.randint(-120, 700))  # some courses start in the year ahead
            course = {
                "kind": "higher_education",
                "valid_from": _iso(min(started, today)),
                "institution": "Nottingham Trent University",
                "course": "BA Social Work",
                "started_on": _iso(started),
                "expected_end_on": _iso(started + timedelta(days=3 * 365)),
            }
            await _post(client, f"{base}/circumstances", course, actor)
        elif rng.random() < 0.25:
            code = rng.choice(["F2", "F5", "G5", "P4"])
            activity = {
                "kind": "activity",
                "valid_from": _iso(today - timedelta(days=rng.randint(0, 400))),
                "code": code,
            }
            await _post(client, f"{base}/circumstances", activity, actor)
        if rng.random() < 0.7:
            await _post(client, f"{base}/consents", {"recipient": "district_council"}, actor)
        ids.append(uuid.UUID(person))
    return ids


def _readers(
    session: AsyncSession, settings: Settings, world: World
) -> Callable[[], Awaitable[dict[str, Any]]]:
    async def mint() -> dict[str, dict[str, str]]:
        names = ("partner_ash", "admin_county", "admin_city")
        return {n: f.bearer(await f.token_for(session, settings, world.users[n])) for n in names}

    return mint


async def test_the_demo_data_agrees_with_the_engine_every_day_of_a_year(
    db: Database, settings: Settings, session: AsyncSession, client: httpx.AsyncClient, world: World
) -> None:
    await load_demo_data(db, settings.model_copy(update={"demo": True}))
    ids = list(await session.scalars(select(CareLeaver.id)))  # the demo's people, and the test world's
    assert len(ids) >= 15
    compared = await assert_agreement(session, ids, api=(client, _readers(session, settings, world)))
    assert compared == len(ids) * DAYS


async def test_a_generated_cohort_agrees_with_the_engine_every_day_of_a_year(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    readers = _readers(session, settings, world)
    cohort = await make_cohort(client, readers, COHORT)
    ids = list(await session.scalars(select(CareLeaver.id)))  # the cohort and the test world's people
    assert set(cohort) <= set(ids)
    # The cohort is varied: people on and off each list, moving, in and out of status through the year.
    compared = await assert_agreement(
        session,
        ids,
        api=(client, _readers(session, settings, world)),
    )
    assert compared == len(ids) * DAYS
