"""A claim's lifecycle through the API: each transition, and each refusal with its stable code."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from tests.claims.steps import approved, code, read
from tests.claims.support import SETTING_UP_HOME, act, claim_body, claimant, make_claim, pay
from tests.support.world import World


async def test_a_draft_changes_only_with_the_etag_of_the_last_read_then_is_submitted(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    r = await client.post("/v1/me/claims", json=claim_body(25000, submit=False), headers=who.headers)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["status"], draft["requested_by"], draft["decision"]) == ("draft", "young_person", None)
    assert r.headers["ETag"] == draft["etag"]
    url, change = f"/v1/claims/{draft['id']}", {"items": [{"description": "Bed", "amount_pence": 30000}]}

    assert code(await client.patch(url, json=change, headers=who.headers)) == (
        428,
        "request.precondition_required",
    )
    edited = await client.patch(url, json=change, headers={**who.headers, "If-Match": draft["etag"]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["total_pence"] == 30000
    stale = await client.patch(url, json=change, headers={**who.headers, "If-Match": draft["etag"]})
    assert code(stale) == (412, "request.precondition_failed")
    assert stale.json()["etag"] == edited.headers["ETag"]

    r = await act(client, who.headers, draft["id"], "submit")
    assert r.status_code == 200, r.text
    submitted = r.json()
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    decision = submitted["decision"]
    assert (decision["outcome"], decision["amount"]["amount_pence"], decision["offer_version"]) == (
        "eligible",
        300000,
        1,
    )
    assert {"code": "legal_status.one_of", "result": "passed"} in decision["reasons"]
    # Only a draft changes, and only a draft is submitted.
    current = {**who.headers, "If-Match": submitted["etag"]}
    assert code(await client.patch(url, json=change, headers=current)) == (409, "claim.wrong_status")
    assert code(await act(client, who.headers, draft["id"], "submit")) == (409, "claim.wrong_status")


async def test_a_claim_of_the_threshold_or_less_needs_one_approver_and_is_paid_in_parts(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager = world.headers("manager_a")
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 20000, 30000)  # exactly £500
    assert claim["approvals_needed"] == 1
    assert code(await pay(client, manager, claim["id"], 100)) == (409, "claim.wrong_status")
    r = await act(client, manager, claim["id"], "approve")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["approved_pence"], r.json()["payable_pence"]) == (
        "approved",
        50000,
        50000,
    )
    assert code(await act(client, manager, claim["id"], "approve")) == (409, "claim.wrong_status")
    assert code(await act(client, manager, claim["id"], "decline", reason="No")) == (
        409,
        "claim.wrong_status",
    )

    assert code(await pay(client, manager, claim["id"], 50001)) == (422, "payment.exceeds_approved")
    assert (await pay(client, manager, claim["id"], 20000)).status_code == 201
    assert (await read(client, manager, claim["id"])).json()["status"] == "partly_paid"
    r = await pay(client, manager, claim["id"], 30001)
    assert code(r) == (422, "payment.exceeds_approved")
    assert r.json()["payable_pence"] == 30000
    assert (await pay(client, manager, claim["id"], 30000)).status_code == 201
    paid = (await read(client, manager, claim["id"])).json()
    assert (paid["status"], paid["paid_pence"], paid["payable_pence"]) == ("paid", 50000, 0)
    assert [p["amount_pence"] for p in paid["payments"]] == [20000, 30000]
    assert code(await pay(client, manager, claim["id"], 1)) == (409, "claim.wrong_status")
    assert code(await act(client, who.headers, claim["id"], "withdraw", reason="x")) == (
        409,
        "claim.wrong_status",
    )


async def test_reversing_payments_until_none_is_left_reverses_the_claim_once_each(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager = world.headers("manager_a")
    claim = await approved(client, world, await make_claim(client, world.headers("pa_a1"), who.id, 40000))
    first = (await pay(client, manager, claim["id"], 10000)).json()
    second = (await pay(client, manager, claim["id"], 30000)).json()
    reason = {"reason": "Returned by the bank"}
    r = await client.post(f"/v1/payments/{first['id']}/reversal", json=reason, headers=manager)
    assert r.status_code == 201, r.text
    assert (r.json()["reversed"], r.json()["reversal_reason"]) == (True, "Returned by the bank")
    assert (await read(client, manager, claim["id"])).json()["status"] == "paid"  # £300 still paid
    again = await client.post(f"/v1/payments/{first['id']}/reversal", json=reason, headers=manager)
    assert code(again) == (409, "payment.already_reversed")
    await client.post(f"/v1/payments/{second['id']}/reversal", json=reason, headers=manager)
    reversed_claim = (await read(client, manager, claim["id"])).json()
    assert (reversed_claim["status"], reversed_claim["paid_pence"]) == ("reversed", 0)
    assert code(await pay(client, manager, claim["id"], 100)) == (409, "claim.wrong_status")


async def test_a_declined_claim_s_reason_is_in_the_young_person_s_list(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    r = await client.post("/v1/me/claims", json=claim_body(25000), headers=who.headers)
    claim = r.json()
    reason = "A bed was bought for you in October: ask your PA about a mattress instead."
    r = await act(client, world.headers("manager_a"), claim["id"], "decline", reason=reason)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["decline_reason"]) == ("declined", reason)
    mine = (await client.get("/v1/me/claims", headers=who.headers)).json()["items"]
    assert [(c["id"], c["status"], c["decline_reason"]) for c in mine] == [(claim["id"], "declined", reason)]
    assert mine[0]["name"] is None  # the young person's own list
    assert code(await act(client, world.headers("manager_a"), claim["id"], "approve")) == (
        409,
        "claim.wrong_status",
    )
    assert code(await act(client, who.headers, claim["id"], "withdraw", reason="x")) == (
        409,
        "claim.wrong_status",
    )


async def test_a_claim_is_withdrawn_as_a_draft_when_submitted_or_once_approved(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    draft = await make_claim(client, pa, who.id, 10000, submit=False)
    submitted = await make_claim(client, pa, who.id, 10000)
    approved_claim = await approved(client, world, await make_claim(client, pa, who.id, 10000))
    for claim in (draft, submitted, approved_claim):
        r = await act(client, who.headers, claim["id"], "withdraw", reason="Bought one myself")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "withdrawn" and r.json()["withdrawn_at"]
    assert code(await act(client, who.headers, draft["id"], "submit")) == (409, "claim.wrong_status")
    assert code(await act(client, who.headers, draft["id"], "withdraw", reason="x")) == (
        409,
        "claim.wrong_status",
    )
    assert code(await pay(client, world.headers("manager_a"), approved_claim["id"], 100)) == (
        409,
        "claim.wrong_status",
    )


async def test_approving_a_draft_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    draft = await make_claim(client, world.headers("pa_a1"), who.id, 10000, submit=False)
    assert code(await act(client, world.headers("manager_a"), draft["id"], "approve")) == (
        409,
        "claim.wrong_status",
    )


# Approvers


async def test_above_the_threshold_two_different_people_approve_neither_the_one_who_wrote_it(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager, admin = world.headers("manager_a"), world.headers("admin_city")
    claim = await make_claim(client, manager, who.id, 50001)  # the manager asked for it
    assert claim["approvals_needed"] == 2
    assert code(await act(client, manager, claim["id"], "approve")) == (403, "claim.self_approval")
    r = await act(client, admin, claim["id"], "approve")
    assert (r.json()["status"], r.json()["approved_at"]) == ("submitted", None) and r.json()[
        "first_approved_at"
    ]
    assert code(await act(client, admin, claim["id"], "approve")) == (403, "claim.self_approval")
    assert (await read(client, admin, claim["id"])).json()["status"] == "submitted"


async def test_the_first_approver_cannot_also_be_the_second(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager, admin = world.headers("manager_a"), world.headers("admin_city")
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 60000)
    assert (await act(client, manager, claim["id"], "approve")).status_code == 200
    assert code(await act(client, manager, claim["id"], "approve")) == (403, "claim.self_approval")
    r = await act(client, admin, claim["id"], "approve")
    assert (r.json()["status"], r.json()["approved_pence"]) == ("approved", 60000)


async def test_a_manager_who_edited_the_draft_does_not_approve_it(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    manager = world.headers("manager_a")
    draft = await make_claim(client, world.headers("pa_a1"), who.id, 10000, submit=False)
    r = await client.patch(
        f"/v1/claims/{draft['id']}",
        json={"purpose": "A cooker"},
        headers={**manager, "If-Match": draft["etag"]},
    )
    assert r.status_code == 200, r.text
    await act(client, world.headers("pa_a1"), draft["id"], "submit")
    assert code(await act(client, manager, draft["id"], "approve")) == (403, "claim.self_approval")
    assert (await act(client, world.headers("admin_city"), draft["id"], "approve")).status_code == 200


async def test_the_young_person_and_their_adviser_cannot_approve_decline_or_pay(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    for headers in (who.headers, world.headers("pa_a1")):
        assert code(await act(client, headers, claim["id"], "approve")) == (403, "auth.role_not_allowed")
        assert (await act(client, headers, claim["id"], "decline", reason="No")).status_code == 403
    assert (await read(client, who.headers, claim["id"])).json()["status"] == "submitted"
    paid = await approved(client, world, claim)
    assert (await pay(client, who.headers, paid["id"], 100)).status_code == 403
    assert (await pay(client, world.headers("pa_a1"), paid["id"], 100)).status_code == 403


# What may be claimed


async def test_a_claim_over_what_is_left_is_refused_at_submission(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    r = await client.post(f"/v1/care-leavers/{who.id}/claims", json=claim_body(200000, 100001), headers=pa)
    assert code(r) == (422, "claim.over_allowance")
    assert r.json()["remaining_pence"] == 300000
    await approved(client, world, await make_claim(client, pa, who.id, 250000))
    draft = await make_claim(client, pa, who.id, 50001, submit=False)
    r = await act(client, pa, draft["id"], "submit")
    assert code(r) == (422, "claim.over_allowance")
    assert r.json()["remaining_pence"] == 50000
    assert (await read(client, pa, draft["id"])).json()["status"] == "draft"


async def test_the_final_approval_is_refused_when_the_allowance_has_less_left(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    first = await make_claim(client, pa, who.id, 200000)
    second = await make_claim(client, pa, who.id, 200000)  # each fits what is left when submitted
    await approved(client, world, first)
    assert (await act(client, world.headers("manager_a"), second["id"], "approve")).status_code == 200
    r = await act(client, world.headers("admin_city"), second["id"], "approve")
    assert code(r) == (422, "claim.over_allowance")
    assert r.json()["remaining_pence"] == 100000
    assert (await read(client, pa, second["id"])).json()["status"] == "submitted"


async def test_a_young_person_without_a_leaving_care_status_is_refused_with_the_reasons(
    client: httpx.AsyncClient, world: World
) -> None:
    r = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/claims", json=claim_body(10000), headers=world.headers("pa_a1")
    )
    assert code(r) == (422, "claim.not_eligible")
    problem = r.json()
    assert {"code": "legal_status.one_of", "result": "unknown"} in problem["reasons"]
    assert "legal_status" in problem["missing_facts"]
    assert problem["errors"][0]["field"] == "entitlement_code"
    mine = await client.post("/v1/me/claims", json=claim_body(10000), headers=world.headers("leaver_a1"))
    assert code(mine) == (422, "claim.not_eligible")
    listed = await client.get(f"/v1/care-leavers/{world.id('p_a1')}/claims", headers=world.headers("pa_a1"))
    assert listed.json()["items"] == []


async def test_entitlements_outside_the_offer_or_without_an_amount_are_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa = world.headers("pa_a1")
    url = f"/v1/care-leavers/{who.id}/claims"
    unknown = await client.post(url, json=claim_body(10000, code="moon-allowance"), headers=pa)
    assert code(unknown) == (422, "claim.not_eligible")
    assert unknown.json()["reasons"] == []
    # Eligible, but a service with no amount the Leaving Care Service pays out.
    no_amount = await client.post(
        url, json=claim_body(10000, code="interview-travel-and-clothing"), headers=pa
    )
    assert code(no_amount) == (422, "claim.not_claimable")
    adviser = await client.post(url, json=claim_body(10000, code="personal-adviser"), headers=pa)
    assert code(adviser) == (422, "claim.not_claimable")
    balances = (await client.get(f"/v1/care-leavers/{who.id}/balances", headers=pa)).json()
    assert [b["entitlement_code"] for b in balances] == [SETTING_UP_HOME]
