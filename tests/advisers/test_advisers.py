"""Personal advisers: caseloads, the queues, and how a young person reaches someone."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.auth.models import Team
from app.care_leavers.models import CareLeaver
from app.core.clock import uk_today, utc_now
from app.core.dates import add_months
from app.core.settings import Settings
from app.local_authorities.models import LocalAuthority
from app.pathway_plans.enums import PlanStatus
from tests.support import factories as f
from tests.support.plans import plan_version
from tests.support.world import World

DAY = timedelta(days=1)


async def test_a_caseload_shows_what_the_adviser_must_act_on(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    due = uk_today() - 3 * DAY
    await session.execute(
        update(CareLeaver).where(CareLeaver.id == world.id("p_a1")).values(next_contact_due_on=due)
    )
    body = (
        await client.get(f"/v1/advisers/{world.users['pa_a1'].id}/caseload", headers=world.headers("pa_a1"))
    ).json()
    # The list envelope every other list has; the adviser's own details are GET /v1/advisers/{id}.
    assert set(body) == {"items", "limit", "next_cursor", "next"}
    assert (body["limit"], body["next_cursor"], body["next"]) == (25, None, None)
    entries = {e["care_leaver_id"]: e for e in body["items"]}
    assert set(entries) == {str(world.id("p_a1")), str(world.id("p_a3"))}
    assert entries[str(world.id("p_a1"))]["days_contact_overdue"] == 3
    assert entries[str(world.id("p_a1"))]["age"] == 20


async def test_a_caseload_of_60_takes_the_same_queries_as_a_caseload_of_1(
    client: httpx.AsyncClient, session: AsyncSession, world: World, count_queries: list[str]
) -> None:
    adviser = world.users["pa_b1"]
    url, headers = f"/v1/advisers/{adviser.id}/caseload?limit=100", world.headers("pa_b1")
    await client.get(url, headers=headers)  # warm: the principal's lookups are the same every time
    count_queries.clear()
    assert len((await client.get(url, headers=headers)).json()["items"]) == 1
    one = len(count_queries)
    for _ in range(59):
        await f.care_leaver(session, adviser=adviser)
    count_queries.clear()
    assert len((await client.get(url, headers=headers)).json()["items"]) == 60
    assert len(count_queries) == one


async def test_a_long_caseload_comes_in_pages_by_name_that_add_up_to_everyone(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    adviser = world.users["pa_b1"]  # p_b1 (Delta), and 29 more
    for n in range(29):
        await f.care_leaver(session, adviser=adviser, family_name=f"Zulu{n:02d}")
    url, headers = f"/v1/advisers/{adviser.id}/caseload?limit=12", world.headers("pa_b1")
    names: list[str] = []
    while url:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 12 and page["limit"] == 12
        if page["next"]:
            assert response.headers["Link"] == f'<{page["next"]}>; rel="next"'
        names += [e["name"] for e in page["items"]]
        url = page["next"]
    assert len(names) == 30 == len(set(names))
    assert names == sorted(names, key=lambda n: n.split(" ")[-1])  # by family name, across pages
    # A cursor from another list of people is refused, naming the parameter.
    listed = await client.get("/v1/care-leavers?limit=1", headers=world.headers("admin_city"))
    foreign = listed.json()["next_cursor"]
    refused = await client.get(
        f"/v1/advisers/{adviser.id}/caseload", params={"cursor": foreign}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "request.invalid_cursor"


async def test_my_caseload_is_an_adviser_s_own_and_my_adviser_id_says_which(
    client: httpx.AsyncClient, world: World
) -> None:
    for pa in ("pa_a1", "pa_a2", "pa_n1"):
        me = (await client.get("/v1/me", headers=world.headers(pa))).json()
        assert me["adviser_id"] == str(world.users[pa].id)
        mine = await client.get("/v1/me/caseload", headers=world.headers(pa))
        by_id = await client.get(f"/v1/advisers/{me['adviser_id']}/caseload", headers=world.headers(pa))
        assert mine.status_code == by_id.status_code == 200
        assert mine.json() == by_id.json(), pa
    mine_a1 = (await client.get("/v1/me/caseload", headers=world.headers("pa_a1"))).json()
    assert {e["care_leaver_id"] for e in mine_a1["items"]} == {str(world.id("p_a1")), str(world.id("p_a3"))}
    for other in ("manager_a", "admin_city", "leaver_a1", "partner_ash", "system_admin"):
        me = (await client.get("/v1/me", headers=world.headers(other))).json()
        assert me["adviser_id"] is None, other
        refused = await client.get("/v1/me/caseload", headers=world.headers(other))
        assert refused.status_code == 403, other
        assert refused.json()["code"] == "auth.role_not_allowed"


async def test_a_call_back_request_shows_on_the_caseload_until_answered(
    client: httpx.AsyncClient, world: World
) -> None:
    url, headers = f"/v1/advisers/{world.users['pa_a2'].id}/caseload", world.headers("pa_a2")
    entry = next(
        e
        for e in (await client.get(url, headers=headers)).json()["items"]
        if e["care_leaver_id"] == str(world.id("p_a2"))
    )
    assert entry["open_contact_requests"] == 1
    contact = {
        "occurred_at": utc_now().isoformat(),
        "method": "phone",
        "initiated_by": "staff",
        "outcome": "spoken",
        "purpose": "Call back",
        "summary": "Rang back as asked.",
        "answers_request_id": str(world.ids["request_a2"]),
    }
    recorded = await client.post(
        f"/v1/care-leavers/{world.id('p_a2')}/contacts", json=contact, headers=headers
    )
    assert recorded.status_code == 201, recorded.text
    entry = next(
        e
        for e in (await client.get(url, headers=headers)).json()["items"]
        if e["care_leaver_id"] == str(world.id("p_a2"))
    )
    assert entry["open_contact_requests"] == 0
    assert entry["last_contact_at"] is not None


async def test_a_retried_contact_is_recorded_once(client: httpx.AsyncClient, world: World) -> None:
    url = f"/v1/care-leavers/{world.id('p_a1')}/contacts"
    headers = {**world.headers("pa_a1"), "Idempotency-Key": "contact-2026-11-23-0001"}
    contact = {
        "occurred_at": utc_now().isoformat(),
        "method": "whatsapp",
        "initiated_by": "young_person",
        "outcome": "spoken",
        "purpose": "Check-in",
        "summary": "Chatted about college.",
    }
    ids = {(await client.post(url, json=contact, headers=headers)).json()["id"] for _ in range(3)}
    assert len(ids) == 1


async def test_another_team_s_caseload_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"/v1/advisers/{world.users['pa_a1'].id}/caseload", headers=world.headers("pa_b1")
    )
    assert response.status_code == 403
    assert response.json()["code"] == "adviser.caseload_out_of_scope"


async def test_a_young_person_can_always_reach_someone(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    city = await session.execute(
        update(LocalAuthority)
        .where(LocalAuthority.gss_code == "E06000018")
        .values(duty_phone="0115 496 0050", out_of_hours_phone="0115 496 0999")
    )
    assert city.rowcount == 1  # type: ignore[attr-defined]
    adviser = world.users["pa_a1"]
    await client.patch(
        f"/v1/advisers/{adviser.id}",
        json={"phone": "0115 496 0102", "working_pattern": "Mon to Thu, 9 to 5"},
        headers=world.headers("pa_a1"),
    )
    mine = (await client.get("/v1/me/adviser", headers=world.headers("leaver_a1"))).json()
    assert mine["adviser"]["name"] == adviser.display_name
    assert mine["adviser"]["working_pattern"] == "Mon to Thu, 9 to 5"
    assert mine["team_duty_phone"] == "0115 496 0999"  # the test team's duty line
    assert mine["out_of_hours_phone"] == "0115 496 0999"
    assert "0115 496 0999" in mine["message"]
    assert mine["can_ask_for_an_adviser"] is False


async def test_a_21_year_old_without_an_adviser_can_ask_for_one(
    client: httpx.AsyncClient, session: AsyncSession, world: World, settings: Settings
) -> None:
    person = await f.care_leaver(session, age_years=22)
    account = await f.user(session, Role.CARE_LEAVER, care_leaver=person)
    headers = f.bearer(await f.token_for(session, settings, account))
    mine = (await client.get("/v1/me/adviser", headers=headers)).json()
    assert mine["adviser"] is None
    assert mine["can_ask_for_an_adviser"] is True
    first = await client.post(
        "/v1/me/support-requests", json={"message": "Help with college"}, headers=headers
    )
    assert first.status_code == 201
    again = await client.post("/v1/me/support-requests", json={}, headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    queue = (await client.get("/v1/support-requests", headers=world.headers("manager_a"))).json()
    assert first.json()["id"] in {r["id"] for r in queue["items"]}
    # Allocating an adviser answers the request.
    allocated = await client.post(
        f"/v1/care-leavers/{person.id}/adviser-allocations",
        json={"adviser_id": str(world.users["pa_a1"].id)},
        headers=world.headers("manager_a"),
    )
    assert allocated.status_code == 201
    queue = (await client.get("/v1/support-requests", headers=world.headers("manager_a"))).json()
    assert first.json()["id"] not in {r["id"] for r in queue["items"]}
    done = (
        await client.get(
            "/v1/support-requests", params={"status": "allocated"}, headers=world.headers("admin_city")
        )
    ).json()
    assert first.json()["id"] in {r["id"] for r in done["items"]}


async def test_under_21_or_with_an_adviser_asking_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post("/v1/me/support-requests", json={}, headers=world.headers("leaver_a1"))
    assert response.status_code == 409
    assert response.json()["detail"] == "You already have a personal adviser."


async def test_a_young_person_withdraws_their_own_request_only(
    client: httpx.AsyncClient, world: World
) -> None:
    request_id = world.support_request.id  # type: ignore[union-attr]
    refused = await client.patch(
        f"/v1/support-requests/{request_id}", json={"status": "allocated"}, headers=world.headers("leaver_a1")
    )
    assert refused.status_code == 422
    other = await client.patch(
        f"/v1/support-requests/{request_id}", json={"status": "withdrawn"}, headers=world.headers("leaver_a2")
    )
    assert other.status_code == 404
    withdrawn = await client.patch(
        f"/v1/support-requests/{request_id}", json={"status": "withdrawn"}, headers=world.headers("leaver_a1")
    )
    assert withdrawn.json()["status"] == "withdrawn"


async def test_young_people_in_care_from_17_and_a_quarter_without_an_adviser_are_queued(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    today = uk_today()
    just_in = await f.care_leaver(session, date_of_birth=add_months(today, -207))  # 17¼ today
    too_young = await f.care_leaver(session, date_of_birth=add_months(today, -207) + DAY)
    allocated = await f.care_leaver(
        session, date_of_birth=add_months(today, -209), adviser=world.users["pa_a1"]
    )
    for person in (just_in, too_young, allocated):
        person.still_looked_after = True
    await session.flush()
    queue = (
        await client.get("/v1/advisers/unallocated-young-people", headers=world.headers("manager_a"))
    ).json()
    by_id = {q["care_leaver_id"]: q for q in queue}
    assert str(just_in.id) in by_id
    assert str(too_young.id) not in by_id and str(allocated.id) not in by_id
    assert by_id[str(just_in.id)]["allocate_by"] == add_months(just_in.date_of_birth, 210).isoformat()
    assert by_id[str(just_in.id)]["days_left"] > 0


async def test_advisers_are_listed_with_caseload_sizes_and_edited_by_the_right_people(
    client: httpx.AsyncClient, world: World
) -> None:
    listed = (await client.get("/v1/advisers", headers=world.headers("pa_b1"))).json()["items"]
    sizes = {a["id"]: a["caseload_size"] for a in listed}
    assert sizes[str(world.users["pa_a1"].id)] == 2
    assert str(world.users["pa_n1"].id) not in sizes  # the county's advisers are not the city's
    colleague = await client.patch(
        f"/v1/advisers/{world.users['pa_a1'].id}",
        json={"working_pattern": "x"},
        headers=world.headers("pa_a2"),
    )
    assert colleague.status_code == 403


async def test_the_support_request_queue_shows_only_people_the_reader_may_see(
    client: httpx.AsyncClient, session: AsyncSession, world: World, settings: Settings
) -> None:
    request_id = str(world.support_request.id)  # type: ignore[union-attr]  # p_a1's, in team A
    team_b = await session.get(Team, world.users["pa_b1"].team_id)
    manager_b = await f.user(session, Role.TEAM_MANAGER, team=team_b)
    manager_b_headers = f.bearer(await f.token_for(session, settings, manager_b))

    async def queue(headers: dict[str, str]) -> set[str]:
        response = await client.get("/v1/support-requests", headers=headers)
        assert response.status_code == 200, response.text
        return {r["id"] for r in response.json()["items"]}

    for actor in ("manager_a", "admin_city"):
        assert request_id in await queue(world.headers(actor)), actor
    assert request_id not in await queue(manager_b_headers)  # another team's manager
    for actor in ("manager_n", "admin_county"):
        assert request_id not in await queue(world.headers(actor)), actor


async def test_a_caseload_shows_each_plan_s_next_review(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    # p_a1's authorised plan (due for review in six months) has one action of the adviser's a day late.
    plan = await plan_version(
        session,
        world.people["p_a1"],
        world.users["pa_a1"],
        status=PlanStatus.AUTHORISED,
        authoriser=world.users["manager_a"],
        adviser_action_due_on=uk_today() - DAY,
    )
    body = (
        await client.get(f"/v1/advisers/{world.users['pa_a1'].id}/caseload", headers=world.headers("pa_a1"))
    ).json()
    entries = {e["care_leaver_id"]: e for e in body["items"]}
    with_plan, without = entries[str(world.id("p_a1"))], entries[str(world.id("p_a3"))]
    assert with_plan["plan_review_due_on"] == plan.review_due_on.isoformat()  # type: ignore[union-attr]
    assert with_plan["overdue_plan_actions"] == 1
    assert (without["plan_review_due_on"], without["overdue_plan_actions"]) == (None, 0)
