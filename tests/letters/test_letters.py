"""Status letters: issued by a PA or the young person, verified by anyone with no account; forged,
altered, expired and revoked letters fail; keys rotate and stay published while their letters live."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timedelta

import httpx
import jwt
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent, AuditEventSubject
from app.core.clock import utc_now
from app.core.settings import Settings
from app.letters import keys
from app.letters.models import LetterSigningKey, StatusLetter
from tests.letters.support import VERIFY, give_status, issue, verify
from tests.support import factories as f
from tests.support.factories import PASSWORD
from tests.support.types import ClientWith
from tests.support.world import World


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


async def test_a_genuine_letter_passes_with_no_account_and_states_only_what_a_verifier_needs(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    await give_status(session, world, "p_a1")
    letter = await issue(client, world, "pa_a1", "p_a1")
    assert letter["state"] == "valid" and letter["status"] == "former_relevant"
    person = world.people["p_a1"]
    assert "Test Alpha" in letter["statement"] and "Nottingham City Council" in letter["statement"]
    assert "apprenticeship care leavers' bursary" in letter["statement"]
    issued, expires = (
        datetime.fromisoformat(letter[k].replace("Z", "+00:00")) for k in ("issued_at", "expires_at")
    )
    assert timedelta(days=89) < expires - issued <= timedelta(days=90)

    claims = _payload(letter["token"])
    assert claims["jti"] == letter["id"] and claims["iss"] == "urn:local-offer:council:E06000018"
    assert claims["holder"] == {"name": "Test Alpha", "date_of_birth": person.date_of_birth.isoformat()}
    # Nothing else about them: no address, case reference, internal id or care history.
    assert set(claims) == {"iss", "jti", "iat", "exp", "council", "holder", "status", "purpose", "statement"}
    assert str(person.id) not in letter["token"] and person.case_reference not in json.dumps(claims)

    answer = await verify(client, letter["token"])
    assert answer["result"] == "valid"
    assert answer["statement"]["holder"]["name"] == "Test Alpha"
    assert answer["statement"]["council"] == {"gss_code": "E06000018", "name": "Nottingham City Council"}
    assert answer["statement"]["statement"] == letter["statement"]

    # Anyone can also check it offline against the published key.
    header = jwt.get_unverified_header(letter["token"])
    jwks = (await client.get("/.well-known/jwks.json")).json()
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    assert "d" not in jwk  # public half only
    offline = jwt.decode(letter["token"], jwt.PyJWK(jwk).key, algorithms=["ES256"])
    assert offline["jti"] == letter["id"]


async def test_forged_altered_and_unreadable_letters_are_invalid(
    client: httpx.AsyncClient, world: World, session: AsyncSession, app: FastAPI
) -> None:
    await give_status(session, world, "p_a1")
    letter = await issue(client, world, "pa_a1", "p_a1")
    token = letter["token"]
    header = jwt.get_unverified_header(token)
    claims = _payload(token)

    # Forged: the same claims and key id, signed with a key that is not the council's.
    forged = jwt.encode(claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers=header)
    # Altered: someone else's name in the payload, the council's signature kept.
    changed = {**claims, "holder": {**claims["holder"], "name": "Someone Else"}}
    head, _, signature = token.split(".")
    altered = ".".join([head, _b64(json.dumps(changed).encode()), signature])
    # An HS256 token "signed" with the published public key (algorithm confusion).
    hmac_secret = "a-public-key-used-as-an-hmac-secret-!!"
    confused = jwt.encode(claims, hmac_secret, algorithm="HS256", headers={"kid": header["kid"]})
    for n, bad in enumerate((forged, altered, confused, "not-a-token", token[:-4] + "AAAA")):
        # Each from its own address: tokens that are not letters slow their sender (the last test).
        transport = httpx.ASGITransport(app=app, client=(f"192.0.2.{n + 1}", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as verifier:
            answer = await verify(verifier, bad)
        assert answer == {"result": "invalid", "statement": None}, bad


async def test_expired_and_revoked_letters_fail_without_their_statement(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    await give_status(session, world, "p_a1")
    old, revoked = await issue(client, world, "pa_a1", "p_a1"), await issue(client, world, "pa_a1", "p_a1")
    await session.execute(
        update(StatusLetter)
        .where(StatusLetter.id == uuid.UUID(old["id"]))
        .values(expires_at=utc_now() - timedelta(seconds=1))
    )
    assert await verify(client, old["token"]) == {"result": "expired", "statement": None}

    # A read-only colleague and the young person cannot revoke it; the PA can.
    body = {"reason": "Issued for the wrong purpose."}
    path = f"/v1/status-letters/{revoked['id']}/revocation"
    assert (await client.post(path, json=body, headers=world.headers("pa_a2"))).status_code == 403
    assert (await client.post(path, json=body, headers=world.headers("leaver_a1"))).status_code == 403
    assert (await client.post(path, json=body, headers=world.headers("pa_n1"))).status_code == 404
    done = await client.post(path, json=body, headers=world.headers("pa_a1"))
    assert done.status_code == 200 and done.json()["state"] == "revoked"
    assert done.json()["revocation_reason"] == "Issued for the wrong purpose."
    again = await client.post(path, json={"reason": "Twice"}, headers=world.headers("manager_a"))
    assert again.json()["revoked_at"] == done.json()["revoked_at"]  # revoking again changes nothing
    assert await verify(client, revoked["token"]) == {"result": "revoked", "statement": None}


async def test_without_a_leaving_care_status_there_is_no_letter(
    client: httpx.AsyncClient, world: World
) -> None:
    # p_a1's record in the plain world has no care history: no status today.
    response = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/status-letters",
        json={"purpose": "housing"},
        headers=world.headers("pa_a1"),
    )
    assert (response.status_code, response.json()["code"]) == (422, "status_letter.no_status")
    mine = await client.post(
        "/v1/me/status-letters", json={"purpose": "housing"}, headers=world.headers("leaver_a1")
    )
    assert (mine.status_code, mine.json()["code"]) == (422, "status_letter.no_status")


async def test_the_young_person_issues_their_own_and_both_lists_show_it(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    await give_status(session, world, "p_a1")
    mine = await client.post(
        "/v1/me/status-letters", json={"purpose": "higher_education"}, headers=world.headers("leaver_a1")
    )
    assert mine.status_code == 201, mine.text
    assert mine.json()["issued_by_name"] == world.users["leaver_a1"].display_name
    by_pa = await issue(client, world, "pa_a1", "p_a1")
    listed = (await client.get("/v1/me/status-letters", headers=world.headers("leaver_a1"))).json()
    assert [i["id"] for i in listed["items"]] == [by_pa["id"], mine.json()["id"]]  # newest first
    assert "token" not in listed["items"][0]
    staff = await client.get(
        f"/v1/care-leavers/{world.id('p_a1')}/status-letters", headers=world.headers("pa_a2")
    )
    assert [i["id"] for i in staff.json()["items"]] == [by_pa["id"], mine.json()["id"]]
    # Another council's adviser cannot see them, and a read-only colleague cannot issue one.
    assert (
        await client.get(
            f"/v1/care-leavers/{world.id('p_a1')}/status-letters", headers=world.headers("pa_n1")
        )
    ).status_code == 404
    refused = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/status-letters",
        json={"purpose": "general"},
        headers=world.headers("pa_a2"),
    )
    assert refused.status_code == 403


async def test_rotation_keeps_old_letters_valid_and_old_keys_published_until_their_letters_expire(
    client: httpx.AsyncClient, world: World, session: AsyncSession, settings: Settings
) -> None:
    await give_status(session, world, "p_a1")
    before = await issue(client, world, "pa_a1", "p_a1")
    old_kid = jwt.get_unverified_header(before["token"])["kid"]
    first = await client.get("/.well-known/jwks.json")
    assert first.headers["etag"] and "public" in first.headers["cache-control"]
    unchanged = await client.get("/.well-known/jwks.json", headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304

    city = await f.council(session, f.CITY)
    new = await keys.rotate(session, settings.signing_key, city.id, city.gss_code, utc_now())
    after = await issue(client, world, "pa_a1", "p_a1")
    assert jwt.get_unverified_header(after["token"])["kid"] == new.kid != old_kid
    published = await client.get("/.well-known/jwks.json", headers={"If-None-Match": first.headers["etag"]})
    assert published.status_code == 200
    assert {old_kid, new.kid} <= {k["kid"] for k in published.json()["keys"]}
    assert (await verify(client, before["token"]))["result"] == "valid"
    assert (await verify(client, after["token"]))["result"] == "valid"

    # Once every letter the old key signed has expired, it is no longer published, and they read as expired.
    long_ago = utc_now() - keys.PUBLISHED_AFTER_RETIREMENT - timedelta(minutes=1)
    await session.execute(
        update(LetterSigningKey).where(LetterSigningKey.kid == old_kid).values(retired_at=long_ago)
    )
    await session.execute(
        update(StatusLetter).where(StatusLetter.id == uuid.UUID(before["id"])).values(expires_at=long_ago)
    )
    kids = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
    assert old_kid not in kids and new.kid in kids
    assert (await verify(client, before["token"]))["result"] == "expired"


async def test_private_keys_are_sealed_at_rest(
    client: httpx.AsyncClient, world: World, session: AsyncSession, settings: Settings
) -> None:
    await give_status(session, world, "p_a1")
    letter = await issue(client, world, "pa_a1", "p_a1")
    kid = jwt.get_unverified_header(letter["token"])["kid"]
    key = (await session.execute(select(LetterSigningKey).where(LetterSigningKey.kid == kid))).scalar_one()
    private = keys.unseal(settings.signing_key, key)
    assert b"PRIVATE" not in key.sealed_private_key and len(key.sealed_private_key) > 100
    assert private.public_key().public_numbers() == jwt.PyJWK(key.public_jwk).key.public_numbers()
    with pytest.raises(InvalidTag):  # a copied database without the secret key cannot sign
        keys.unseal("another-secret-key-of-enough-length-123456", key)


async def test_the_printable_letter_is_self_contained_with_its_token_as_a_qr_code(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    await give_status(session, world, "p_a1")
    letter = await issue(client, world, "pa_a1", "p_a1")
    for reader in ("pa_a2", "leaver_a1"):
        page = await client.get(f"/v1/status-letters/{letter['id']}/printable", headers=world.headers(reader))
        assert page.status_code == 200
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.headers["cache-control"] == "no-store"
        assert "<script" not in page.text and "<svg" in page.text and 'class="segno"' in page.text
        assert letter["token"] in page.text and "/v1/status-letters/verification" in page.text
    outsider = await client.get(
        f"/v1/status-letters/{letter['id']}/printable", headers=world.headers("pa_n1")
    )
    assert (outsider.status_code, outsider.json()["code"]) == (404, "status_letter.not_found")
    exports = await session.execute(
        select(AuditEvent.actor_role).where(
            AuditEvent.action == "export", AuditEvent.resource_id == letter["id"]
        )
    )
    assert sorted(str(r) for r in exports.scalars()) == ["care_leaver", "personal_adviser"]


async def test_issuing_and_checking_a_letter_are_in_the_young_persons_audit_trail(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    await give_status(session, world, "p_a1")
    letter = await issue(client, world, "pa_a1", "p_a1")
    await verify(client, letter["token"])
    rows = await session.execute(
        select(AuditEvent.action, AuditEvent.actor_kind, AuditEventSubject.care_leaver_id)
        .join(AuditEventSubject, AuditEventSubject.event_id == AuditEvent.id)
        .where(AuditEvent.resource_id == letter["id"])
        .order_by(AuditEvent.occurred_at)
    )
    assert [(str(a), k, s) for a, k, s in rows] == [
        ("create", "staff", world.id("p_a1")),
        ("read", "anonymous", world.id("p_a1")),
    ]


async def test_sending_tokens_that_are_not_letters_slows_the_sender(
    client: httpx.AsyncClient, world: World
) -> None:
    statuses = [(await client.post(VERIFY, json={"token": f"junk-{i}"})).status_code for i in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
    refused = await client.post(VERIFY, json={"token": "junk"})
    assert refused.json()["code"] == "auth.too_many_attempts" and int(refused.headers["retry-after"]) >= 1


async def test_junk_sent_to_the_public_check_does_not_slow_sign_ins_from_the_same_address(
    client_with: ClientWith, world: World
) -> None:
    # Two failures from one address are enough to slow its sign-ins; the check counts its own.
    async with client_with(sign_in_max_failures_per_address=2) as strict:
        for i in range(4):
            await strict.post(VERIFY, json={"token": f"junk-{i}"})
        signed_in = await strict.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": world.users["pa_a1"].email, "password": PASSWORD},
        )
    assert signed_in.status_code == 200, signed_in.text
