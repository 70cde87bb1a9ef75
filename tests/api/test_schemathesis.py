"""Property-based tests of the served contract with schemathesis, against a real server, signed in.

Fails on any 5xx, any response that breaks its declared schema, content type or headers, any
status code the document does not list, and any object one identity reads that its peer can also
read (ST402, object-level authorisation). The identities are created here, through the API, with
random passwords, so no stale or hand-made token can make the run pass by being refused everywhere:
the run fails if any operation only ever answered 401/403 (`missing_auth`), and the HAR of the run
is checked for a real token refused with 401.

`positive_data_acceptance` is left out: some schema-valid input is still invalid by rule (an opaque
cursor we never issued, a start date before the current allocation), and the API rightly answers 422.
`ensure_resource_availability` (ST302) is left out: with several identities, schemathesis may create a
record as the Nottinghamshire adviser and read it back as the Nottingham one, whose 404 is exactly
the isolation we want; create-then-read is covered by our own tests, per identity.
Signing out is left out: it would revoke the identity's token in the middle of the run.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261123")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20")
METHODS = {"get", "post", "put", "patch", "delete"}
# Every check schemathesis has, but the two the module docstring explains.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ignored_auth",
    "object_level_authorization",
]


# A change sent without its required If-Match is refused with 428 (RFC 6585), or with 409 when it could
# not succeed anyway (a plan in the wrong state: RFC 9110 s13.2.1 evaluates preconditions only for a
# request that would otherwise succeed); schemathesis's default list for a missing header has neither.
MISSING_HEADER_STATUSES = (
    "\n[checks.missing_required_header]\n"
    'expected-statuses = ["400", "401", "403", "406", "409", "415", "422", "428"]\n'
)


@dataclass
class Identity:
    name: str
    email: str
    password: str


def _sign_in(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    return dict(response.json())


ADMIN_ONLY = [
    "list_users",
    "create_user",
    "get_user",
    "update_user",
    "create_invitation",
    "create_team",
    "list_partner_organisations",
    "create_partner_organisation",
    "list_partner_agreements",
    "create_partner_agreement",
    "end_partner_agreement",
    "list_partner_clients",
    "create_partner_client",
    "rotate_partner_client_secret",
    "put_partner_client_public_key",
    "revoke_partner_client",
    "list_audit_events",
    "import_care_leavers",
    "import_care_episodes",
    "set_service_contacts",
    "start_offer_draft",
    "get_offer_draft",
    "discard_offer_draft",
    "add_draft_entitlement",
    "replace_draft_entitlement",
    "remove_draft_entitlement",
    "withdraw_draft_entitlement",
    "publish_offer_draft",
    "replace_contact_policy",
    "get_spending_report",
    "get_claim_settings",
    "put_claim_settings",
    "get_notification_settings",
    "put_notification_settings",
    # Webhooks: a council's admin or a partner (no adviser), and replay the admin alone.
    "create_webhook_subscription",
    "list_webhook_subscriptions",
    "get_webhook_subscription",
    "delete_webhook_subscription",
    "rotate_webhook_secret",
    "list_webhook_deliveries",
    "get_webhook_delivery",
    "replay_webhook_delivery",
]
# Only a partner may call these, each reaching only the people it serves: run as that partner alone (in the
# shared run its few positive cases could all be spent on identities refused before it is reached).
DISTRICT_ONLY = ["get_council_tax_exemption", "put_council_tax_confirmation", "create_status_check"]
UNIVERSITY_ONLY = ["list_university_students", "put_university_enrolment"]
PARTNER_ONLY = [*DISTRICT_ONLY, *UNIVERSITY_ONLY]
# Run with the admin too, on a known adviser of the admin's council: fuzzed adviser ids would never find one.
ADVISER_OPERATIONS = ["get_caseload", "update_adviser"]
# Only a young person may call these: they run as the young person alone. In the shared run the identities
# are tried in order, advisers first, and an operation with few positive cases (no parameters) can spend
# them all on identities that are refused before the young person is reached (a `missing_auth` failure).
LEAVER_ONLY = [
    "get_my_adviser",
    "get_my_entitlements",
    "get_my_access_log",
    "get_my_pathway_plan",
    "request_adviser",
    "update_support_request",
    "add_pathway_plan_comment",
    "create_my_claim",
    "list_my_claims",
    "get_my_balances",
    "issue_my_status_letter",
    "list_my_status_letters",
    "get_my_council_tax",
    "sync_my_app",
    "push_my_changes",
    "register_my_device",
    "list_my_devices",
    "list_my_notifications",
    "read_my_notification",
]
# These end a sign-in by design (a revoked device's next request is 401): fuzzed, they could end the very
# session the run signs in with, and the run would see its own token refused. tests/devices covers them.
SESSION_ENDING = ["sign_out", "revoke_my_device", "revoke_device"]


@dataclass
class Known:
    """Ids created before the run that fuzzed ids would never find."""

    adviser_y: str  # an adviser of the county admin's council
    plan_x: str  # young person x's authorised pathway plan
    team_x: str  # adviser x's team (x is its manager)


def _authorised_plan(
    client: httpx.Client, person: str, author: dict[str, str], manager: dict[str, str]
) -> str:
    """A complete pathway plan for `person`, written by `author` and authorised by `manager`."""
    draft = _ok(client.post(f"/v1/care-leavers/{person}/pathway-plans", headers=author))
    sections = {
        s["kind"]: {"needs_and_risks": "Assessed with the young person.", "goals": []}
        for s in draft["sections"]
    }
    body = {"contingency_plan": "Supported lodgings are extended.", "sections": sections}
    plan = _ok(
        client.patch(
            f"/v1/pathway-plans/{draft['id']}", json=body, headers={**author, "If-Match": draft["etag"]}
        )
    )
    for step, who in (("submit", author), ("authorise", manager)):
        plan = _ok(
            client.post(f"/v1/pathway-plans/{plan['id']}/{step}", headers={**who, "If-Match": plan["etag"]})
        )
    return str(plan["id"])


def create_identities(base_url: str) -> tuple[list[Identity], Identity, Known]:
    """The peers: an adviser in each council with a young person on their caseload (the city one is also a
    team manager, so it may create records). Also that young person's app account, a district partner,
    and a fresh county admin for the administrators' operations."""
    tag = secrets.token_hex(4)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        identities = []
        people, advisers, teams = {}, {}, {}
        for key, admin_email, district, roles in (
            ("x", "admin@nottingham.demo", "E06000018", ["personal_adviser", "team_manager"]),
            ("y", "admin@notts.demo", "E07000170", ["personal_adviser"]),
        ):
            admin = _sign_in(client, admin_email, "demo")
            team = _ok(client.post("/v1/teams", json={"name": f"Fuzz team {key} {tag}"}, headers=admin))
            pa = Identity(f"pa_{key}", f"pa.{key}.{tag}@fuzz.example", secrets.token_urlsafe(18))
            user = _ok(
                client.post(
                    "/v1/users",
                    headers=admin,
                    json={
                        "email": pa.email,
                        "display_name": f"Fuzz adviser {key}",
                        "kind": "staff",
                        "roles": roles,
                        "team_id": team["id"],
                        "password": pa.password,
                    },
                )
            )
            person = _ok(
                client.post(
                    "/v1/care-leavers",
                    headers=admin,
                    json={
                        "case_reference": f"FUZZ-{key}-{tag}",
                        "given_name": "Fuzz",
                        "family_name": f"Person {key}",
                        "date_of_birth": "2005-06-15",
                        "district_gss_code": district,
                    },
                )
            )
            _ok(
                client.post(
                    f"/v1/care-leavers/{person['id']}/adviser-allocations",
                    headers=admin,
                    json={"adviser_id": user["id"]},
                )
            )
            _ok(
                client.post(
                    f"/v1/care-leavers/{person['id']}/consents",
                    headers=admin,
                    json={"recipient": "district_council"},
                )
            )
            identities.append(pa)
            people[key] = person["id"]
            advisers[key] = user["id"]
            teams[key] = team["id"]
        city = _sign_in(client, "admin@nottingham.demo", "demo")
        county = _sign_in(client, "admin@notts.demo", "demo")
        leaver = Identity("leaver_x", f"leaver.{tag}@fuzz.example", secrets.token_urlsafe(18))
        account = _ok(
            client.post(f"/v1/care-leavers/{people['x']}/account", headers=city, json={"email": leaver.email})
        )
        _ok(
            client.post(
                "/v1/auth/invitation",
                json={"code": account["invitation"]["code"], "password": leaver.password},
            )
        )
        admin = Identity("admin_county", f"admin.{tag}@fuzz.example", secrets.token_urlsafe(18))
        _ok(
            client.post(
                "/v1/users",
                headers=county,
                json={
                    "email": admin.email,
                    "display_name": "Fuzz admin",
                    "kind": "staff",
                    "roles": ["la_admin"],
                    "password": admin.password,
                },
            )
        )
        # Young person x has an authorised plan, so the plan operations meet a real one.
        plan_x = _authorised_plan(
            client, people["x"], _sign_in(client, identities[0].email, identities[0].password), city
        )
        identities += [leaver, Identity("partner_ash", "ashfield@partners.demo", "demo")]
        # Ashfield's agreement covers status checks, so the checks meet a partner allowed to make them.
        listed = client.get("/v1/partner-organisations", headers=county)
        assert listed.status_code == 200, listed.text
        ashfield = next(p for p in listed.json() if p["name"].startswith("Ashfield"))
        agreement = {"purpose": "status_check", "entitlement_codes": ["council-tax-exemption"]}
        _ok(
            client.post(
                f"/v1/partner-organisations/{ashfield['id']}/agreements", json=agreement, headers=county
            )
        )
        # A university partner of the county, for the universities' operations.
        university = _ok(
            client.post(
                "/v1/partner-organisations",
                json={"name": f"Fuzz University {tag}", "kind": "university"},
                headers=county,
            )
        )
        uni = Identity("partner_uni", f"uni.{tag}@fuzz.example", secrets.token_urlsafe(18))
        _ok(
            client.post(
                "/v1/users",
                headers=county,
                json={
                    "email": uni.email,
                    "display_name": "Fuzz university",
                    "kind": "partner",
                    "roles": ["partner"],
                    "partner_organisation_id": university["id"],
                    "password": uni.password,
                },
            )
        )
        identities.append(uni)
        for identity in [*identities, admin]:  # each can really sign in before the run starts
            _sign_in(client, identity.email, identity.password)
    # An adviser of the admin's council, so caseload and profile operations can be reached.
    return identities, admin, Known(adviser_y=advisers["y"], plan_x=plan_x, team_x=teams["x"])


def wfc_document(identities: list[Identity]) -> dict[str, Any]:
    return {
        "auth": [
            {
                "name": identity.name,
                "loginEndpointAuth": {
                    "endpoint": "/v1/auth/token",
                    "verb": "POST",
                    "contentType": "application/x-www-form-urlencoded",
                    "payloadRaw": httpx.QueryParams(
                        {"grant_type": "password", "username": identity.email, "password": identity.password}
                    ).__str__(),
                    "token": {
                        "extractFrom": "body",
                        "extractSelector": "/access_token",
                        "sendIn": "header",
                        "sendName": "Authorization",
                        "sendTemplate": "Bearer {token}",
                    },
                },
            }
            for identity in identities
        ]
    }


def run_schemathesis(
    base_url: str,
    work: Path,
    identities: list[Identity],
    *,
    peers: list[str],
    operations: list[str],
    parameters: dict[str, str] | None = None,
    operation_parameters: dict[str, dict[str, str]] | None = None,
) -> subprocess.CompletedProcess[str]:
    (work / "wfc.json").write_text(json.dumps(wfc_document(identities)))
    peer_line = f"peers = {json.dumps(peers)}\n" if peers else ""
    parameter_lines = "".join(f'"{k}" = "{v}"\n' for k, v in (parameters or {}).items())
    (work / "schemathesis.toml").write_text(
        f'[auth.wfc]\npath = "{work / "wfc.json"}"\n{peer_line}\n[warnings]\nfail-on = ["missing_auth"]\n'
        + MISSING_HEADER_STATUSES
        + (f"\n[parameters]\n{parameter_lines}" if parameter_lines else "")
        + "".join(
            f'\n[[operations]]\ninclude-operation-id = "{operation}"\n'
            + "parameters = { "
            + ", ".join(f'"{k}" = "{v}"' for k, v in values.items())
            + " }\n"
            for operation, values in (operation_parameters or {}).items()
        )
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(work / "schemathesis.toml"),
            "run",
            f"{base_url}/openapi.json",
            "--checks",
            ",".join(CHECKS),
            *operations,
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--output-sanitize",
            "false",
            "--report",
            "har",
            "--report-dir",
            str(work),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


def har_entries(work: Path) -> list[dict[str, Any]]:
    (har,) = work.glob("har-*.json")
    return list(json.loads(har.read_text())["log"]["entries"])


def _authorization(entry: dict[str, Any]) -> str | None:
    return next(
        (h["value"] for h in entry["request"]["headers"] if h["name"].lower() == "authorization"), None
    )


def _refused_token(entry: dict[str, Any]) -> bool:
    """A 401 about the bearer token (not, say, a wrong password sent to the token endpoint)."""
    if entry["response"]["status"] != 401:
        return False
    text = entry["response"]["content"].get("text") or "{}"
    return json.loads(text).get("code") in {"auth.invalid_token", "auth.unauthenticated"}


def account_names(base_url: str, identities: list[Identity]) -> dict[str, str]:
    """Each identity's account id and its name as created, read before any run: an admin's run may rename
    accounts (its own too), so a run's tokens are told apart by account id, never by display name."""
    names = {}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for identity in identities:
            me = client.get("/v1/me", headers=_sign_in(client, identity.email, identity.password)).json()
            names[str(me["user_id"])] = str(me["display_name"])
    return names


def check_run(
    result: subprocess.CompletedProcess[str],
    work: Path,
    base_url: str,
    expected: set[str],
    names: dict[str, str] | None = None,
) -> tuple[int, list[dict[str, Any]], dict[str, str]]:
    """The run passed and no real token was ever refused. Returns how many operations it tested, the
    HAR entries, and who each accepted token belongs to."""
    output = result.stdout[-8000:] + result.stderr[-2000:]
    assert result.returncode == 0, output
    # Warnings that do not fail the run (e.g. "mostly rejected generated data") may remain.
    assert "Failures:" not in result.stdout, output
    entries = har_entries(work)
    # A token that was ever accepted must never have been refused: that would be a request sent
    # unauthenticated by mistake (an expired, revoked or mangled session).
    accepted = {_authorization(e) for e in entries if _authorization(e) and e["response"]["status"] < 400}
    wrongly_refused = [
        f"{e['request']['method']} {e['request']['url']}"
        for e in entries
        if _authorization(e) in accepted and _refused_token(e)
    ]
    assert not wrongly_refused, wrongly_refused[:10]
    with httpx.Client(base_url=base_url, timeout=10) as client:
        owners = {
            token: (names or {}).get(str(me.get("user_id")), str(me.get("display_name")))
            for token, me in (
                (t, client.get("/v1/me", headers={"Authorization": t}).json()) for t in accepted if t
            )
        }
    assert expected <= set(owners.values()), owners.values()
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert tested is not None, output
    return int(tested.group(1)), entries, owners


def cross_reads(entries: list[dict[str, Any]], owners: dict[str, str]) -> dict[str, dict[str, set[int]]]:
    """For each care-leaver id read in the run: the statuses each identity got."""
    reads: dict[str, dict[str, set[int]]] = {}
    for entry in entries:
        match = re.search(r"/v1/care-leavers/([0-9a-f-]{36})$", entry["request"]["url"])
        owner = owners.get(_authorization(entry) or "")
        if entry["request"]["method"] == "GET" and match and owner:
            reads.setdefault(match.group(1), {}).setdefault(owner, set()).add(entry["response"]["status"])
    return reads


def _operation_count() -> int:
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    return sum(1 for item in spec["paths"].values() for method in item if method in METHODS)


def test_schemathesis_signed_in_finds_no_errors_and_no_object_level_leaks(
    live_url: str, tmp_path: Path
) -> None:
    identities, admin, known = create_identities(live_url)
    names = account_names(live_url, [*identities, admin])
    # Everyone's operations, with the two advisers as peers for ST402. Administrators' operations run
    # separately: an admin identity here could deactivate a peer in the middle of the run.
    shared, admins, leavers = tmp_path / "shared", tmp_path / "admins", tmp_path / "leavers"
    for directory in (shared, admins, leavers):
        directory.mkdir()
    excluded = [
        arg
        for op in [*ADMIN_ONLY, *ADVISER_OPERATIONS, *LEAVER_ONLY, *PARTNER_ONLY, *SESSION_ENDING]
        for arg in ("--exclude-operation-id", op)
    ]
    # Plan operations act on young person x's plan (its adviser reads it, the county adviser must not), and
    # the measure is asked for adviser x's own team: fuzzed ids would only ever meet 404s and 403s.
    result = run_schemathesis(
        live_url,
        shared,
        identities,
        peers=["pa_x", "pa_y"],
        operations=excluded,
        parameters={"path.plan_id": known.plan_x},
        operation_parameters={"get_pathway_plan_report": {"query.team_id": known.team_x}},
    )
    peers = {"Fuzz adviser x", "Fuzz adviser y"}
    tested, entries, owners = check_run(result, shared, live_url, peers, names)
    alone = len(ADMIN_ONLY) + len(ADVISER_OPERATIONS) + len(LEAVER_ONLY) + len(PARTNER_ONLY)
    assert tested == _operation_count() - alone - len(SESSION_ENDING)
    # ST402 really probed: some record one adviser read was asked for by the other, and refused.
    reads = cross_reads(entries, owners)
    probed = [pid for pid, by in reads.items() if peers <= by.keys() and any(200 in s for s in by.values())]
    assert probed, "no record read by one adviser was probed by the other"
    for pid in probed:
        assert sum(200 in reads[pid][peer] for peer in peers) == 1, f"both advisers read {pid}"

    # Before the admins' run: it may deactivate or change any account of the county, the partners' too.
    for name, operations, owner in (
        ("partner_ash", DISTRICT_ONLY, "Ashfield council tax team (demo)"),
        ("partner_uni", UNIVERSITY_ONLY, "Fuzz university"),
    ):
        partner = next(i for i in identities if i.name == name)
        work = tmp_path / name
        work.mkdir()
        result = run_schemathesis(
            live_url,
            work,
            [partner],
            peers=[],
            operations=[arg for op in operations for arg in ("--include-operation-id", op)],
        )
        tested, _, _ = check_run(result, work, live_url, {owner}, names)
        assert tested == len(operations)

    included = [arg for op in [*ADMIN_ONLY, *ADVISER_OPERATIONS] for arg in ("--include-operation-id", op)]
    result = run_schemathesis(
        live_url,
        admins,
        [admin],
        peers=[],
        operations=included,
        parameters={"path.adviser_id": known.adviser_y},
    )
    tested, _, _ = check_run(result, admins, live_url, {"Fuzz admin"}, names)
    assert tested == len(ADMIN_ONLY) + len(ADVISER_OPERATIONS)

    leaver = next(i for i in identities if i.name == "leaver_x")
    result = run_schemathesis(
        live_url,
        leavers,
        [leaver],
        peers=[],
        operations=[arg for op in LEAVER_ONLY for arg in ("--include-operation-id", op)],
        parameters={"path.plan_id": known.plan_x},
    )
    tested, _, _ = check_run(result, leavers, live_url, {"Fuzz Person x"}, names)
    assert tested == len(LEAVER_ONLY)
