"""Tokens: what signs you in, and everything that must not."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction, AuditOutcome
from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.auth.passwords import hash_password
from app.auth.tokens import issue_access_token
from app.core.clock import utc_now
from app.core.settings import Settings
from tests.support import factories as f
from tests.support.types import ClientWith


async def sign_in(client: httpx.AsyncClient, email: str, password: str = f.PASSWORD) -> httpx.Response:
    return await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": token})


def assert_refused(response: httpx.Response, code: str = "auth.invalid_token") -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_password_grant_signs_in(client: httpx.AsyncClient, session: AsyncSession) -> None:
    adviser = await f.user(session, Role.PERSONAL_ADVISER, email="pa@test.example")
    response = await sign_in(client, "PA@Test.Example ")  # the address is not case-sensitive
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    me = await client.get("/v1/me", headers=f.bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["user_id"] == str(adviser.id)
    assert me.json()["roles"] == ["personal_adviser"]
    assert me.json()["local_authority"]["gss_code"] == f.CITY


async def test_a_wrong_password_and_an_unknown_account_look_the_same(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await f.user(session, Role.PERSONAL_ADVISER, email="real@test.example")
    wrong = await sign_in(client, "real@test.example", "not the password")
    unknown = await sign_in(client, "nobody@test.example", "not the password")
    for response in (wrong, unknown):
        assert_refused(response, "auth.invalid_grant")
        assert response.json()["error"] == "invalid_grant"
    strip = lambda r: {k: v for k, v in r.json().items() if k != "request_id"}  # noqa: E731
    assert strip(wrong) == strip(unknown)


async def test_a_missing_token_is_a_401_problem(client: httpx.AsyncClient) -> None:
    assert_refused(await client.get("/v1/me"), "auth.unauthenticated")


async def test_an_expired_token_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    account = await f.user(session, Role.LA_ADMIN)
    token = await f.token_for(session, settings, account)
    claims = jwt.decode(token, options={"verify_signature": False})
    stale = issue_access_token(settings, account.id, uuid.UUID(claims["sid"]), utc_now() - timedelta(hours=1))
    response = await client.get("/v1/me", headers=f.bearer(stale))
    assert_refused(response)
    assert "expired" in response.json()["detail"]
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def _forge(settings: Settings, token: str, key: str | None = None, **changes: object) -> str:
    claims = {**jwt.decode(token, options={"verify_signature": False}), **changes}
    return jwt.encode(claims, key or settings.signing_key, algorithm="HS256")


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("tampered", "not valid"),
        ("wrong_issuer", "not accepted"),
        ("wrong_audience", "not valid"),
        ("wrong_key", "not valid"),
        ("alg_none", "not valid"),
        ("garbage", "cannot be read"),
    ],
)
async def test_forged_tokens_are_refused(
    case: str, detail: str, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    account = await f.user(session, Role.LA_ADMIN)
    token = await f.token_for(session, settings, account)
    header, _, signature = token.split(".")
    other = await f.user(session, Role.LA_ADMIN)
    claims = {**jwt.decode(token, options={"verify_signature": False}), "sub": str(other.id)}
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = {
        "tampered": f"{header}.{payload}.{signature}",  # someone else's id under the original signature
        "wrong_issuer": _forge(settings, token, iss="https://evil.example"),
        "wrong_audience": _forge(settings, token, aud="some-other-api"),
        "wrong_key": _forge(settings, token, key="k" * 40),
        "alg_none": jwt.encode(
            jwt.decode(token, options={"verify_signature": False}), None, algorithm="none"
        ),
        "garbage": "not-a-jwt",
    }[case]
    response = await client.get("/v1/me", headers=f.bearer(forged))
    assert_refused(response)
    assert detail in response.json()["detail"]


async def test_logout_revokes_the_access_and_the_refresh_token(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    pair = (await sign_in(client, account.email)).json()
    headers = f.bearer(pair["access_token"])
    assert (await client.post("/v1/auth/logout", headers=headers)).status_code == 204
    assert_refused(await client.get("/v1/me", headers=headers))
    assert_refused(await refresh(client, pair["refresh_token"]), "auth.invalid_grant")


async def test_refresh_rotates_and_a_replayed_token_revokes_the_family(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    first = (await sign_in(client, account.email)).json()
    second_response = await refresh(client, first["refresh_token"])
    assert second_response.status_code == 200
    second = second_response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/v1/me", headers=f.bearer(second["access_token"]))).status_code == 200

    # The spent token comes back (stolen, or leaked): refused, and the whole family with it.
    assert_refused(await refresh(client, first["refresh_token"]), "auth.invalid_grant")
    assert_refused(await refresh(client, second["refresh_token"]), "auth.invalid_grant")
    assert_refused(await client.get("/v1/me", headers=f.bearer(second["access_token"])))
    events = (
        (
            await session.execute(
                select(AuditEvent).where(AuditEvent.action == AuditAction.TOKEN_REUSE_DETECTED)
            )
        )
        .scalars()
        .all()
    )
    assert len(events) == 1
    assert events[0].outcome == AuditOutcome.DENIED


async def test_an_unknown_refresh_token_is_refused(client: httpx.AsyncClient) -> None:
    assert_refused(await refresh(client, "made-up"), "auth.invalid_grant")


async def test_a_deactivated_account_is_signed_out_everywhere(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    admin = await f.user(session, Role.LA_ADMIN)
    adviser = await f.user(session, Role.PERSONAL_ADVISER)
    pair = (await sign_in(client, adviser.email)).json()
    admin_headers = f.bearer(await f.token_for(session, settings, admin))
    response = await client.patch(f"/v1/users/{adviser.id}", json={"is_active": False}, headers=admin_headers)
    assert response.status_code == 200
    assert_refused(await client.get("/v1/me", headers=f.bearer(pair["access_token"])))
    assert_refused(await refresh(client, pair["refresh_token"]), "auth.invalid_grant")
    assert_refused(await sign_in(client, adviser.email), "auth.invalid_grant")


async def test_an_admin_cannot_lock_themselves_out(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    admin = await f.user(session, Role.LA_ADMIN)
    headers = f.bearer(await f.token_for(session, settings, admin))
    response = await client.patch(f"/v1/users/{admin.id}", json={"is_active": False}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "is_active"


async def test_demo_accounts_and_the_demo_password_work_only_in_demo_mode(
    client_with: ClientWith, session: AsyncSession
) -> None:
    demo = await f.user(session, Role.PERSONAL_ADVISER, email="pa@demo.test", is_demo=True)
    demo.password_hash = hash_password("demo")
    await session.flush()
    async with client_with(demo=False) as live:
        assert_refused(await sign_in(live, demo.email, "demo"), "auth.invalid_grant")
    async with client_with(demo=True) as demo_mode:
        assert (await sign_in(demo_mode, demo.email, "demo")).status_code == 200


async def test_sign_ins_are_audited_and_refusals_survive_the_rollback(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    await sign_in(client, account.email, "wrong password")
    await sign_in(client, account.email)
    events = (
        (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.resource_id == str(account.id))
                .order_by(AuditEvent.occurred_at)
            )
        )
        .scalars()
        .all()
    )
    assert [(e.action, e.outcome) for e in events] == [
        (AuditAction.SIGN_IN_FAILED, AuditOutcome.DENIED),
        (AuditAction.SIGN_IN, AuditOutcome.SUCCESS),
    ]
    assert events[1].actor_role == "personal_adviser"
