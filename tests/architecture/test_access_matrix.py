"""Every operation x every role: who is allowed, who is refused, and how.

Refusals: 401 without a token; 403 when the role may never call the operation; 404 when the role
may call it but the object is outside the caller's council, team, caseload or partner scope (so
ids cannot be probed). A new operation without an entry here fails `test_every_operation_has_an_entry`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.auth.clients import secret_digest
from app.auth.enums import Role
from app.auth.invitations import code_digest
from app.auth.models import (
    AccountInvitation,
    AuthSession,
    PartnerAgreement,
    PartnerClient,
    PartnerOrganisation,
)
from app.care_leavers.care_history import EpisodeKind, LegalBasis
from app.care_leavers.models import CareEpisode
from app.core.clock import uk_today, utc_now
from app.core.dates import birthday
from app.core.settings import Settings
from app.db.session import Database
from app.devices.enums import DevicePlatform
from app.devices.models import Device
from app.entitlements import drafts, management
from app.entitlements.schemas import EntitlementWrite
from app.letters.models import StatusLetter
from app.notifications import wording
from app.notifications.service import notify
from app.pathway_plans.views import etag
from tests.support import factories
from tests.support.claims import add_claims
from tests.support.factories import PASSWORD
from tests.support.plans import add_plans
from tests.support.webhooks import add_webhooks
from tests.support.world import ACTORS, World, build_world

ROOT = Path(__file__).resolve().parents[2]
STAFF_CITY = {"pa_a1", "pa_a2", "pa_b1", "manager_a", "admin_city"}
STAFF_COUNTY = {"pa_n1", "manager_n", "admin_county"}
STAFF = STAFF_CITY | STAFF_COUNTY
LEAVERS = {"leaver_a1", "leaver_a2"}
PARTNERS = {"partner_ash", "partner_rush"}
ADMINS = {"admin_city", "admin_county"}
MANAGERS = {"manager_a", "manager_n"}


def only(allowed: dict[str, int] | set[str], ok: int = 200, refused: int = 403) -> dict[str, int]:
    """Expected status per actor: `allowed` get `ok` (or their own status), others `refused`, anonymous 401."""
    table = dict.fromkeys(ACTORS, refused)
    table["anonymous"] = 401
    if isinstance(allowed, dict):
        table.update(allowed)
    else:
        table.update(dict.fromkeys(allowed, ok))
    return table


def public(ok: int = 200) -> dict[str, int]:
    return dict.fromkeys(ACTORS, ok)


# Run inside each actor's savepoint before the request, to arrange the state the operation acts on;
# returns headers to send with it (e.g. an If-Match naming what it arranged).
Arrange = Callable[[AsyncSession, World], Awaitable[dict[str, str]]]


@dataclass
class Entry:
    expect: dict[str, int]
    path: Callable[[World], str]
    body: Callable[[World, str], dict[str, Any]] | None = None
    form: Callable[[World, str], dict[str, str]] | None = None
    files: Callable[[World, str], dict[str, tuple[str, bytes, str]]] | None = None
    query: dict[str, str] = field(default_factory=dict)
    arrange: Arrange | None = None
    headers: Callable[[World, str], dict[str, str]] | None = None


def person_read(person: str, readers: dict[str, int]) -> dict[str, int]:
    """A person-level read: staff roles reach it (200) or not (404); others may never call it (403)."""
    base = dict.fromkeys(STAFF, 404)
    base.update(readers)
    return only(base)


P_A1_READERS = {"pa_a1": 200, "pa_a2": 200, "manager_a": 200, "admin_city": 200}
P_A1_WRITERS = {"pa_a1": 200, "pa_a2": 403, "manager_a": 200, "admin_city": 200}


def _staff_404(overrides: dict[str, int]) -> dict[str, int]:
    return {**dict.fromkeys(STAFF, 404), **overrides}


CITY_DRAFT = "/v1/local-authorities/E06000018/offer/draft"


def _new_entitlement(code: str, **changes: Any) -> dict[str, Any]:
    return {
        "code": code,
        "title": "Matrix entitlement",
        "summary": "Added to a draft by the access matrix.",
        "category": "support",
        "basis": "discretionary",
        "provider": {"kind": "council", "name": "Leaving Care Service"},
        "how_to_claim": "Ask your personal adviser.",
        "rule": {"age_under": 25},
        "sources": [{"id": "matrix", "citation": "The access matrix", "last_checked": "2026-11-23"}],
        **changes,
    }


async def city_draft(session: AsyncSession, world: World) -> dict[str, str]:
    """A draft of the city's offer with one entitlement added in it, and its ETag as If-Match."""
    city = await factories.council(session, factories.CITY)
    draft = await management.start_draft(session, city.id, now=utc_now())
    await management.add_entitlement(
        session, city.id, EntitlementWrite.model_validate(_new_entitlement("matrix-added"))
    )
    return {"If-Match": drafts.draft_etag(city, draft)}


# Ashfield DC's agreements and clients: its council's admin manages them; the city's admin gets 404.
ASH_ADMIN = {"admin_county": 200, "admin_city": 404}
MATRIX_CLIENT = uuid.UUID("0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6eff")


def _ash(world: World) -> str:
    return f"/v1/partner-organisations/{world.users['partner_ash'].partner_organisation_id}"


async def ash_agreement(session: AsyncSession, world: World) -> dict[str, str]:
    partner = world.users["partner_ash"]
    assert partner.local_authority_id is not None and partner.partner_organisation_id is not None
    session.add(
        PartnerAgreement(
            local_authority_id=partner.local_authority_id,
            partner_organisation_id=partner.partner_organisation_id,
            purpose="status_check",
            entitlement_codes=["council-tax-exemption"],
        )
    )
    await session.flush()
    return {}


async def ash_client(session: AsyncSession, world: World) -> dict[str, str]:
    ash = await session.get(PartnerOrganisation, world.users["partner_ash"].partner_organisation_id)
    partner = await factories.user(session, Role.PARTNER, gss=factories.COUNTY, partner=ash)
    assert partner.local_authority_id is not None and partner.partner_organisation_id is not None
    session.add(
        PartnerClient(
            id=MATRIX_CLIENT,
            local_authority_id=partner.local_authority_id,
            partner_organisation_id=partner.partner_organisation_id,
            user_id=partner.id,
            name="Matrix client",
            purposes=["status_check"],
            secret_digest=secret_digest("pcs_matrix"),
        )
    )
    await session.flush()
    return {}


MATRIX_INVITATION = "MTRX-0000-1111-2222-3333"


async def invitation_for_leaver_a1(session: AsyncSession, world: World) -> dict[str, str]:
    """An open invitation for leaver_a1's account, with a code the redemption entry knows."""
    leaver = world.users["leaver_a1"]
    session.add(
        AccountInvitation(
            user_id=leaver.id,
            local_authority_id=leaver.local_authority_id,
            code_digest=code_digest(MATRIX_INVITATION),
            expires_at=utc_now() + timedelta(days=1),
        )
    )
    await session.flush()
    return {}


MATRIX_DEVICE = uuid.UUID("0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f10")


async def device_of_leaver_a1(session: AsyncSession, world: World) -> dict[str, str]:
    """A phone leaver_a1 registered from a sign-in of its own."""
    leaver = world.users["leaver_a1"]
    auth_session = AuthSession(user_id=leaver.id, expires_at=utc_now() + timedelta(days=1))
    session.add(auth_session)
    await session.flush()
    assert leaver.local_authority_id is not None and leaver.care_leaver_id is not None
    session.add(
        Device(
            id=MATRIX_DEVICE,
            local_authority_id=leaver.local_authority_id,
            care_leaver_id=leaver.care_leaver_id,
            user_id=leaver.id,
            session_id=auth_session.id,
            name="Matrix phone",
            platform=DevicePlatform.ANDROID,
        )
    )
    await session.flush()
    return {}


def _offer_admin(status: int) -> dict[str, int]:
    """Only the city's administrators manage the city's offer: the county's get 403, not 404 (it is public)."""
    return only({"admin_city": status})


def _plan(key: str) -> Callable[[World], str]:
    return lambda w: f"/v1/pathway-plans/{w.plans[key].id}"


def _if_match(key: str) -> Callable[[World, str], dict[str, str]]:
    return lambda w, a: {"If-Match": etag(w.plans[key])}


# Authorising and returning p_a2's submitted plan: managers and admins of the council, never an adviser.
P_A2_MANAGERS = {"manager_a": 200, "admin_city": 200, "manager_n": 404, "admin_county": 404}

CLAIM_BODY = {
    "entitlement_code": "setting-up-home-allowance",
    "purpose": "A cooker",
    "items": [{"description": "Cooker", "amount_pence": 32000}],
    "payment_method": "bank_transfer",
}


# Ashfield's subscription and its delivery: its partner and its council's admin; other partners and
# the other council's admin cannot tell it exists.
ASH_WEBHOOKS = {
    "admin_county": 200,
    "partner_ash": 200,
    "admin_city": 404,
    "partner_rush": 404,
    "partner_uni": 404,
}


def _claim(key: str) -> Callable[[World], str]:
    return lambda w: f"/v1/claims/{w.ids[key]}"


ENTRIES: dict[str, Entry] = {
    "GET /health/live": Entry(public(), lambda w: "/health/live"),
    "GET /health/ready": Entry(public(), lambda w: "/health/ready"),
    "GET /v1/local-authorities": Entry(public(), lambda w: "/v1/local-authorities"),
    "GET /v1/local-authorities/{gss_code}": Entry(public(), lambda w: "/v1/local-authorities/E10000024"),
    "GET /v1/local-authorities/{gss_code}/offer": Entry(
        public(), lambda w: "/v1/local-authorities/E10000024/offer"
    ),
    "GET /v1/local-authorities/{gss_code}/entitlements": Entry(
        public(), lambda w: "/v1/local-authorities/E06000018/entitlements"
    ),
    "GET /v1/local-authorities/{gss_code}/entitlements/{code}": Entry(
        public(), lambda w: "/v1/local-authorities/E06000018/entitlements/setting-up-home-allowance"
    ),
    "POST /v1/eligibility/check": Entry(
        public(),
        lambda w: "/v1/eligibility/check",
        body=lambda w, a: {"local_authority": "E06000018", "facts": {"date_of_birth": "2005-06-15"}},
    ),
    "POST /v1/auth/token": Entry(
        public(),
        lambda w: "/v1/auth/token",
        form=lambda w, a: {
            "grant_type": "password",
            "username": w.users["pa_a1"].email,
            "password": PASSWORD,
        },
    ),
    "POST /v1/auth/invitation": Entry(
        public(),
        lambda w: "/v1/auth/invitation",
        body=lambda w, a: {"code": MATRIX_INVITATION, "password": "my own matrix passphrase"},
        arrange=invitation_for_leaver_a1,
    ),
    "POST /v1/auth/logout": Entry(only(set(ACTORS) - {"anonymous"}, ok=204), lambda w: "/v1/auth/logout"),
    "GET /v1/me": Entry(only(set(ACTORS) - {"anonymous"}), lambda w: "/v1/me"),
    "POST /v1/me/password": Entry(
        only(set(ACTORS) - {"anonymous"}, ok=204),
        lambda w: "/v1/me/password",
        body=lambda w, a: {"current_password": PASSWORD, "new_password": "a new matrix passphrase"},
    ),
    "GET /v1/me/access-log": Entry(only(LEAVERS), lambda w: "/v1/me/access-log"),
    "GET /v1/care-leavers": Entry(only(STAFF), lambda w: "/v1/care-leavers"),
    "POST /v1/care-leavers": Entry(
        only(ADMINS | MANAGERS, ok=201),
        lambda w: "/v1/care-leavers",
        body=lambda w, a: {
            "case_reference": f"NEW-{a}",
            "given_name": "New",
            "family_name": "Person",
            "date_of_birth": "2006-01-01",
        },
    ),
    "GET /v1/care-leavers/{care_leaver_id}": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}",
    ),
    "PATCH /v1/care-leavers/{care_leaver_id}": Entry(
        only(_staff_404(P_A1_WRITERS)),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}",
        body=lambda w, a: {"preferred_name": "Changed"},
    ),
    "GET /v1/care-leavers/{care_leaver_id}/adviser-allocations": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/adviser-allocations",
    ),
    "POST /v1/care-leavers/{care_leaver_id}/adviser-allocations": Entry(
        only({"manager_a": 201, "admin_city": 201, "manager_n": 404, "admin_county": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/adviser-allocations",
        body=lambda w, a: {
            "adviser_id": str(w.users["pa_a2"].id),
            "started_on": (uk_today() + timedelta(days=1)).isoformat(),
        },
    ),
    "GET /v1/care-leavers/{care_leaver_id}/consents": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/consents",
    ),
    "POST /v1/care-leavers/{care_leaver_id}/consents": Entry(
        only(
            {
                **_staff_404({"pa_a1": 201, "pa_a2": 403, "manager_a": 201, "admin_city": 201}),
                "leaver_a1": 201,
                "leaver_a2": 404,
            }
        ),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/consents",
        body=lambda w, a: {"recipient": "university"},
    ),
    "DELETE /v1/care-leavers/{care_leaver_id}/consents/{recipient}": Entry(
        only(
            {
                **_staff_404({"pa_a1": 204, "pa_a2": 403, "manager_a": 204, "admin_city": 204}),
                "leaver_a1": 204,
                "leaver_a2": 404,
            }
        ),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/consents/district_council",
    ),
    # Devices: p_a1's phone (arranged) is revoked by leaver_a1 or the staff who may change p_a1's record.
    "POST /v1/me/devices": Entry(
        only(LEAVERS, 201), lambda w: "/v1/me/devices", body=lambda w, a: {"name": "Phone", "platform": "ios"}
    ),
    "GET /v1/me/devices": Entry(only(LEAVERS), lambda w: "/v1/me/devices"),
    "DELETE /v1/me/devices/{device_id}": Entry(
        only({"leaver_a1": 204, "leaver_a2": 404}),
        lambda w: f"/v1/me/devices/{MATRIX_DEVICE}",
        arrange=device_of_leaver_a1,
    ),
    "GET /v1/care-leavers/{care_leaver_id}/devices": Entry(
        only(_staff_404({"pa_a1": 200, "pa_a2": 403, "manager_a": 200, "admin_city": 200})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/devices",
    ),
    "DELETE /v1/care-leavers/{care_leaver_id}/devices/{device_id}": Entry(
        only(_staff_404({"pa_a1": 204, "pa_a2": 403, "manager_a": 204, "admin_city": 204})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/devices/{MATRIX_DEVICE}",
        arrange=device_of_leaver_a1,
    ),
    "POST /v1/care-leavers/{care_leaver_id}/account": Entry(
        only(_staff_404({"pa_a1": 201, "pa_a2": 403, "manager_a": 201, "admin_city": 201})),
        lambda w: f"/v1/care-leavers/{w.id('p_a3')}/account",
        body=lambda w, a: {"email": f"p_a3.{a}@test.example"},
    ),
    "GET /v1/care-leavers/{care_leaver_id}/legal-status": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/legal-status",
    ),
    "PUT /v1/care-leavers/{care_leaver_id}/legal-status/override": Entry(
        only(_staff_404(P_A1_WRITERS)),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/legal-status/override",
        body=lambda w, a: {
            "status": "qualifying",
            "reason": "Special guardianship order after their 16th birthday.",
        },
    ),
    "DELETE /v1/care-leavers/{care_leaver_id}/legal-status/override": Entry(
        only(_staff_404(P_A1_WRITERS)), lambda w: f"/v1/care-leavers/{w.id('p_a1')}/legal-status/override"
    ),
    "GET /v1/care-leavers/{care_leaver_id}/circumstances": Entry(
        only(_staff_404(P_A1_READERS)), lambda w: f"/v1/care-leavers/{w.id('p_a1')}/circumstances"
    ),
    "POST /v1/care-leavers/{care_leaver_id}/circumstances": Entry(
        only(_staff_404({**P_A1_WRITERS, "pa_a1": 201, "manager_a": 201, "admin_city": 201})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/circumstances",
        body=lambda w, a: {"kind": "activity", "valid_from": "2026-01-05", "code": "F2"},
    ),
    "GET /v1/care-leavers/{care_leaver_id}/care-episodes": Entry(
        only(_staff_404(P_A1_READERS)), lambda w: f"/v1/care-leavers/{w.id('p_a1')}/care-episodes"
    ),
    "POST /v1/care-leavers/{care_leaver_id}/care-episodes": Entry(
        only(_staff_404({**P_A1_WRITERS, "pa_a1": 201, "manager_a": 201, "admin_city": 201})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/care-episodes",
        body=lambda w, a: {
            "start_on": birthday(w.people["p_a1"].date_of_birth, 17).isoformat(),
            "end_on": birthday(w.people["p_a1"].date_of_birth, 18).isoformat(),
            "legal_basis": "V2",
        },
    ),
    "GET /v1/care-leavers/{care_leaver_id}/care-episodes/{episode_id}": Entry(
        only(_staff_404(P_A1_READERS)),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/care-episodes/{w.ids['episode_a1']}",
    ),
    "PATCH /v1/care-leavers/{care_leaver_id}/care-episodes/{episode_id}": Entry(
        only(_staff_404(P_A1_WRITERS)),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/care-episodes/{w.ids['episode_a1']}",
        body=lambda w, a: {"placement_type": "U4"},
        headers=lambda w, a: {"If-Match": '"1"'},
    ),
    "DELETE /v1/care-leavers/{care_leaver_id}/care-episodes/{episode_id}": Entry(
        only(_staff_404({**P_A1_WRITERS, "pa_a1": 204, "manager_a": 204, "admin_city": 204})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/care-episodes/{w.ids['episode_a1']}",
        headers=lambda w, a: {"If-Match": '"1"'},
    ),
    "GET /v1/care-leavers/{care_leaver_id}/circumstances/on": Entry(
        only(_staff_404(P_A1_READERS)), lambda w: f"/v1/care-leavers/{w.id('p_a1')}/circumstances/on"
    ),
    "POST /v1/care-leavers/{care_leaver_id}/closure": Entry(
        only({"manager_a": 200, "admin_city": 200, "manager_n": 404, "admin_county": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/closure",
        body=lambda w, a: {"closed_on": "2026-01-05", "reason": "moved_away"},
    ),
    "DELETE /v1/care-leavers/{care_leaver_id}/closure": Entry(
        only({"manager_a": 200, "admin_city": 200, "manager_n": 404, "admin_county": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/closure",
    ),
    "POST /v1/care-leavers/imports": Entry(
        only(ADMINS),
        lambda w: "/v1/care-leavers/imports",
        files=lambda w, a: {
            "file": (
                "export.csv",
                f"case_reference,given_name,family_name,date_of_birth\nIMP-{a},A,B,2006-01-01\n".encode(),
                "text/csv",
            )
        },
    ),
    "POST /v1/care-leavers/care-episode-imports": Entry(
        only(ADMINS),
        lambda w: "/v1/care-leavers/care-episode-imports",
        files=lambda w, a: {
            "file": (
                "episodes.csv",
                b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
                "text/csv",
            )
        },
    ),
    "GET /v1/care-leavers/{care_leaver_id}/entitlements": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/entitlements",
    ),
    "GET /v1/me/entitlements": Entry(only(LEAVERS), lambda w: "/v1/me/entitlements"),
    "GET /v1/me/adviser": Entry(only(LEAVERS), lambda w: "/v1/me/adviser"),
    "GET /v1/me/caseload": Entry(only({"pa_a1", "pa_a2", "pa_b1", "pa_n1"}), lambda w: "/v1/me/caseload"),
    "POST /v1/me/support-requests": Entry(
        # Both already have an adviser: refused with 409, never created.
        only({"leaver_a1": 409, "leaver_a2": 409}),
        lambda w: "/v1/me/support-requests",
        body=lambda w, a: {"message": "please"},
    ),
    "GET /v1/support-requests": Entry(only(MANAGERS | ADMINS), lambda w: "/v1/support-requests"),
    "PATCH /v1/support-requests/{request_id}": Entry(
        only({"leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/support-requests/{w.support_request.id}",  # type: ignore[union-attr]
        body=lambda w, a: {"status": "withdrawn"},
    ),
    "GET /v1/advisers": Entry(only(STAFF), lambda w: "/v1/advisers"),
    "GET /v1/advisers/unallocated-young-people": Entry(
        only(MANAGERS | ADMINS), lambda w: "/v1/advisers/unallocated-young-people"
    ),
    "GET /v1/advisers/{adviser_id}": Entry(
        only({**dict.fromkeys(STAFF_COUNTY, 404), **dict.fromkeys(STAFF_CITY, 200)}),
        lambda w: f"/v1/advisers/{w.users['pa_a1'].id}",
    ),
    "GET /v1/advisers/{adviser_id}/caseload": Entry(
        only(
            {
                **dict.fromkeys(STAFF_COUNTY, 404),
                "pa_a1": 200,
                "pa_a2": 200,
                "manager_a": 200,
                "admin_city": 200,
                "pa_b1": 403,
            }
        ),
        lambda w: f"/v1/advisers/{w.users['pa_a1'].id}/caseload",
    ),
    "PATCH /v1/advisers/{adviser_id}": Entry(
        only(
            {
                **dict.fromkeys(STAFF_COUNTY, 404),
                "pa_a1": 200,
                "pa_a2": 403,
                "manager_a": 200,
                "admin_city": 200,
                "pa_b1": 403,
            }
        ),
        lambda w: f"/v1/advisers/{w.users['pa_a1'].id}",
        body=lambda w, a: {"working_pattern": "Monday to Friday, 9 to 5"},
    ),
    "PUT /v1/local-authorities/{gss_code}/service-contacts": Entry(
        only({"admin_city": 200}),
        lambda w: "/v1/local-authorities/E06000018/service-contacts",
        body=lambda w, a: {"duty_phone": "0115 496 0050", "out_of_hours_phone": "0115 496 0999"},
    ),
    "GET /v1/council-tax-exemptions": Entry(only(PARTNERS | ADMINS), lambda w: "/v1/council-tax-exemptions"),
    "GET /v1/council-tax-exemptions/{care_leaver_id}": Entry(
        only({"partner_ash": 200, "partner_rush": 404, "admin_county": 200, "admin_city": 404}),
        lambda w: f"/v1/council-tax-exemptions/{w.id('q_ash')}",
    ),
    "GET /v1/council-tax-exemptions/changes": Entry(
        only(PARTNERS | ADMINS), lambda w: "/v1/council-tax-exemptions/changes", query={"month": "2026-12"}
    ),
    "PUT /v1/council-tax-exemptions/{care_leaver_id}/confirmation": Entry(
        # Only the billing authority whose list they are on; the council's staff never speak for it.
        only({"partner_ash": 200, "partner_rush": 404}),
        lambda w: f"/v1/council-tax-exemptions/{w.id('q_ash')}/confirmation",
        body=lambda w, a: {"outcome": "applied", "applied_from": "2026-12-03", "account_reference": "CT-1"},
    ),
    "GET /v1/care-leavers/{care_leaver_id}/council-tax-confirmations": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/council-tax-confirmations",
    ),
    "GET /v1/university-students": Entry(
        # A university only (other partners and the council's staff: 403); nobody in the world consents.
        only({"partner_uni": 200}),
        lambda w: "/v1/university-students",
    ),
    "PUT /v1/university-students/{care_leaver_id}/enrolment": Entry(
        only({"partner_uni": 404}),  # q_ash consents to Ashfield, not to the university
        lambda w: f"/v1/university-students/{w.id('q_ash')}/enrolment",
        body=lambda w, a: {
            "course": "BA Social Work",
            "started_on": "2026-09-21",
            "expected_end_on": "2029-06-30",
        },
    ),
    "GET /v1/me/council-tax": Entry(only(LEAVERS), lambda w: "/v1/me/council-tax"),
    "GET /v1/reports/council-tax-take-up": Entry(
        only(PARTNERS | ADMINS),
        lambda w: "/v1/reports/council-tax-take-up",
        query={"from": "2026-01", "to": "2026-12"},
    ),
    "GET /v1/users": Entry(only(ADMINS | {"system_admin"}), lambda w: "/v1/users"),
    "POST /v1/users": Entry(
        only({"admin_city": 201, "admin_county": 201, "system_admin": 422}),
        lambda w: "/v1/users",
        body=lambda w, a: {
            "email": f"new.{a}@test.example",
            "display_name": "New",
            "kind": "staff",
            "roles": ["personal_adviser"],
        },
    ),
    "GET /v1/users/{user_id}": Entry(
        only({"admin_city": 200, "admin_county": 404, "system_admin": 404}),
        lambda w: f"/v1/users/{w.users['pa_a1'].id}",
    ),
    "PATCH /v1/users/{user_id}": Entry(
        only({"admin_city": 200, "admin_county": 404, "system_admin": 404}),
        lambda w: f"/v1/users/{w.users['pa_a1'].id}",
        body=lambda w, a: {"job_title": "Senior personal adviser"},
    ),
    "POST /v1/users/{user_id}/invitations": Entry(
        only({"admin_city": 201, "admin_county": 404}),
        lambda w: f"/v1/users/{w.users['leaver_a1'].id}/invitations",
    ),
    "GET /v1/teams": Entry(only(STAFF), lambda w: "/v1/teams"),
    "POST /v1/teams": Entry(
        only(ADMINS, ok=201), lambda w: "/v1/teams", body=lambda w, a: {"name": f"Team {a}"}
    ),
    "GET /v1/partner-organisations": Entry(only(ADMINS), lambda w: "/v1/partner-organisations"),
    "POST /v1/partner-organisations": Entry(
        only(ADMINS, ok=201),
        lambda w: "/v1/partner-organisations",
        body=lambda w, a: {"name": f"University {a}", "kind": "university"},
    ),
    "GET /v1/partner-organisations/{organisation_id}/agreements": Entry(
        only(ASH_ADMIN), lambda w: f"{_ash(w)}/agreements"
    ),
    "POST /v1/partner-organisations/{organisation_id}/agreements": Entry(
        only({**ASH_ADMIN, "admin_county": 201}),
        lambda w: f"{_ash(w)}/agreements",
        body=lambda w, a: {"purpose": "status_check", "entitlement_codes": ["council-tax-exemption"]},
    ),
    "DELETE /v1/partner-organisations/{organisation_id}/agreements/{purpose}": Entry(
        only({**ASH_ADMIN, "admin_county": 204}),
        lambda w: f"{_ash(w)}/agreements/status_check",
        arrange=ash_agreement,
    ),
    "GET /v1/partner-organisations/{organisation_id}/clients": Entry(
        only(ASH_ADMIN), lambda w: f"{_ash(w)}/clients"
    ),
    "POST /v1/partner-organisations/{organisation_id}/clients": Entry(
        only({**ASH_ADMIN, "admin_county": 201}),
        lambda w: f"{_ash(w)}/clients",
        body=lambda w, a: {"name": f"System of {a}", "purposes": ["status_check"]},
    ),
    "POST /v1/partner-organisations/{organisation_id}/clients/{client_id}/secrets": Entry(
        only({**ASH_ADMIN, "admin_county": 201}),
        lambda w: f"{_ash(w)}/clients/{MATRIX_CLIENT}/secrets",
        body=lambda w, a: {"previous_secret_valid_minutes": 0},
        arrange=ash_client,
    ),
    "PUT /v1/partner-organisations/{organisation_id}/clients/{client_id}/public-key": Entry(
        only(ASH_ADMIN),
        lambda w: f"{_ash(w)}/clients/{MATRIX_CLIENT}/public-key",
        body=lambda w, a: {  # RFC 7517 appendix A.1's example P-256 public key
            "kty": "EC",
            "crv": "P-256",
            "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
            "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
        },
        arrange=ash_client,
    ),
    "DELETE /v1/partner-organisations/{organisation_id}/clients/{client_id}": Entry(
        only({**ASH_ADMIN, "admin_county": 204}),
        lambda w: f"{_ash(w)}/clients/{MATRIX_CLIENT}",
        arrange=ash_client,
    ),
    "POST /v1/status-checks": Entry(
        only({"partner_ash": 200}),
        lambda w: "/v1/status-checks",
        body=lambda w, a: {
            "given_name": "Nobody",
            "family_name": "Known",
            "date_of_birth": "2004-09-30",
            "postcode": "NG17 7BQ",
            "local_authority": factories.COUNTY,
            "entitlement": "council-tax-exemption",
        },
        arrange=ash_agreement,
    ),
    "GET /v1/audit-events": Entry(only(ADMINS), lambda w: "/v1/audit-events"),
    "POST /v1/local-authorities/{gss_code}/offer/draft": Entry(
        _offer_admin(201), lambda w: CITY_DRAFT, body=lambda w, a: {"notes": f"Draft by {a}"}
    ),
    "GET /v1/local-authorities/{gss_code}/offer/draft": Entry(
        _offer_admin(200), lambda w: CITY_DRAFT, arrange=city_draft
    ),
    "DELETE /v1/local-authorities/{gss_code}/offer/draft": Entry(
        _offer_admin(204), lambda w: CITY_DRAFT, arrange=city_draft
    ),
    "POST /v1/local-authorities/{gss_code}/offer/draft/entitlements": Entry(
        _offer_admin(201),
        lambda w: f"{CITY_DRAFT}/entitlements",
        body=lambda w, a: _new_entitlement("matrix-new"),
        arrange=city_draft,
    ),
    "PUT /v1/local-authorities/{gss_code}/offer/draft/entitlements/{code}": Entry(
        _offer_admin(200),
        lambda w: f"{CITY_DRAFT}/entitlements/matrix-added",
        body=lambda w, a: _new_entitlement("matrix-added", title=f"Changed by {a}"),
        arrange=city_draft,
    ),
    "DELETE /v1/local-authorities/{gss_code}/offer/draft/entitlements/{code}": Entry(
        _offer_admin(204), lambda w: f"{CITY_DRAFT}/entitlements/matrix-added", arrange=city_draft
    ),
    "POST /v1/local-authorities/{gss_code}/offer/draft/entitlements/{code}/withdrawal": Entry(
        _offer_admin(200),
        lambda w: f"{CITY_DRAFT}/entitlements/matrix-added/withdrawal",
        body=lambda w, a: {"withdrawn_from": (uk_today() + timedelta(days=30)).isoformat()},
        arrange=city_draft,
    ),
    "POST /v1/local-authorities/{gss_code}/offer/draft/publication": Entry(
        _offer_admin(201), lambda w: f"{CITY_DRAFT}/publication", arrange=city_draft
    ),
    # The contact log: staff who may read the person; the young person reads their own without summaries;
    # partners never.
    "GET /v1/care-leavers/{care_leaver_id}/contacts": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/contacts",
    ),
    "POST /v1/care-leavers/{care_leaver_id}/contacts": Entry(
        only(_staff_404(dict.fromkeys(P_A1_READERS, 201))),  # a colleague covering records contacts too
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/contacts",
        body=lambda w, a: {
            "occurred_at": utc_now().isoformat(),
            "method": "phone",
            "initiated_by": "young_person",
            "outcome": "spoken",
            "purpose": "Check-in",
            "summary": f"Rang the duty line ({a}).",
        },
    ),
    "GET /v1/care-leavers/{care_leaver_id}/contacts/{contact_id}": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/contacts/{w.ids['contact_a1']}",
    ),
    "PATCH /v1/care-leavers/{care_leaver_id}/contacts/{contact_id}": Entry(
        # Its author (pa_a1), the team manager or an admin; a colleague who can read it may not.
        only(_staff_404({"pa_a1": 200, "pa_a2": 403, "manager_a": 200, "admin_city": 200})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/contacts/{w.ids['contact_a1']}",
        body=lambda w, a: {"summary": "Visited at home; gas bill sorted.", "reason": "Added the outcome"},
        headers=lambda w, a: {"If-Match": '"1"'},
    ),
    "PATCH /v1/contact-actions/{action_id}": Entry(
        only(_staff_404(P_A1_READERS)),
        lambda w: f"/v1/contact-actions/{w.ids['action_a1']}",
        body=lambda w, a: {"done_on": uk_today().isoformat()},
    ),
    "GET /v1/me/contacts": Entry(only(LEAVERS), lambda w: "/v1/me/contacts"),
    "POST /v1/me/contact-requests": Entry(
        only({"leaver_a1": 201, "leaver_a2": 409}),  # leaver_a2 already has one open (request_a2)
        lambda w: "/v1/me/contact-requests",
        body=lambda w, a: {
            "window_starts_at": (utc_now() + timedelta(hours=1)).isoformat(),
            "window_ends_at": (utc_now() + timedelta(hours=3)).isoformat(),
        },
    ),
    "GET /v1/me/contact-requests": Entry(only(LEAVERS), lambda w: "/v1/me/contact-requests"),
    "GET /v1/care-leavers/{care_leaver_id}/contact-requests": Entry(
        person_read("p_a2", {**P_A1_READERS, "leaver_a2": 200, "leaver_a1": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a2')}/contact-requests",
    ),
    "PATCH /v1/contact-requests/{request_id}": Entry(
        # Staff who may read p_a2 answer it; p_a2 themself withdraws it.
        only({**_staff_404(P_A1_READERS), "leaver_a2": 200, "leaver_a1": 404}),
        lambda w: f"/v1/contact-requests/{w.ids['request_a2']}",
        body=lambda w, a: {"status": "withdrawn" if a in LEAVERS else "answered"},
    ),
    "GET /v1/contacts/overdue": Entry(only(STAFF), lambda w: "/v1/contacts/overdue"),
    "GET /v1/contact-policies": Entry(only(STAFF), lambda w: "/v1/contact-policies"),
    "PUT /v1/contact-policies": Entry(
        only(ADMINS),
        lambda w: "/v1/contact-policies",
        body=lambda w, a: {
            "bands": [
                {
                    "min_age": 16,
                    "max_age": 25,
                    "max_interval_days": 42,
                    "description": "Every 6 weeks",
                    "source": "Test",
                }
            ]
        },
    ),
    "GET /v1/care-leavers/{care_leaver_id}/pathway-plans": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/pathway-plans",
    ),
    "POST /v1/care-leavers/{care_leaver_id}/pathway-plans": Entry(
        only(_staff_404({"pa_a1": 201, "pa_a2": 403, "manager_a": 201, "admin_city": 201})),
        lambda w: f"/v1/care-leavers/{w.id('p_a3')}/pathway-plans",
    ),
    "GET /v1/pathway-plans": Entry(only(STAFF), lambda w: "/v1/pathway-plans"),
    "GET /v1/pathway-plans/reviews-due": Entry(only(STAFF), lambda w: "/v1/pathway-plans/reviews-due"),
    "GET /v1/pathway-plans/{plan_id}": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}), _plan("p_a1_current")
    ),
    "PATCH /v1/pathway-plans/{plan_id}": Entry(
        only(_staff_404(P_A1_WRITERS)),
        _plan("p_a1_review"),
        body=lambda w, a: {"contingency_plan": f"Changed by {a}"},
        headers=_if_match("p_a1_review"),
    ),
    "POST /v1/pathway-plans/{plan_id}/submit": Entry(
        only(_staff_404(P_A1_WRITERS)),
        lambda w: f"/v1/pathway-plans/{w.plans['p_a1_review'].id}/submit",
        headers=_if_match("p_a1_review"),
    ),
    "POST /v1/pathway-plans/{plan_id}/authorise": Entry(
        only(P_A2_MANAGERS),
        lambda w: f"/v1/pathway-plans/{w.plans['p_a2_submitted'].id}/authorise",
        headers=_if_match("p_a2_submitted"),
    ),
    "POST /v1/pathway-plans/{plan_id}/return": Entry(
        only(P_A2_MANAGERS),
        lambda w: f"/v1/pathway-plans/{w.plans['p_a2_submitted'].id}/return",
        body=lambda w, a: {"reason": "Add the contingency for college."},
        headers=_if_match("p_a2_submitted"),
    ),
    "POST /v1/pathway-plans/{plan_id}/comments": Entry(
        # The young person's own words: no staff role writes them.
        only({"leaver_a1": 201, "leaver_a2": 404}),
        lambda w: f"/v1/pathway-plans/{w.plans['p_a1_current'].id}/comments",
        body=lambda w, a: {"section": "accommodation", "body": "I'd like to stay near my sister."},
    ),
    "POST /v1/pathway-plans/{plan_id}/action-progress": Entry(
        only(
            {
                **_staff_404({"pa_a1": 201, "pa_a2": 403, "manager_a": 201, "admin_city": 201}),
                "leaver_a1": 201,
                "leaver_a2": 404,
            }
        ),
        lambda w: f"/v1/pathway-plans/{w.plans['p_a1_current'].id}/action-progress",
        body=lambda w, a: {"action_id": str(w.plan_actions["p_a1_young_person"]), "status": "done"},
    ),
    "GET /v1/pathway-plans/{plan_id}/printable": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/pathway-plans/{w.plans['p_a1_current'].id}/printable",
    ),
    "GET /v1/me/pathway-plan": Entry(
        only({"leaver_a1": 200, "leaver_a2": 404}), lambda w: "/v1/me/pathway-plan"
    ),
    "GET /v1/reports/pathway-plans": Entry(only(MANAGERS | ADMINS), lambda w: "/v1/reports/pathway-plans"),
    # Claims: p_a1's (tests/support/claims.py). The young person and staff who may change their record make,
    # edit, submit and withdraw them; their team's manager or an admin approves, declines and pays.
    "POST /v1/care-leavers/{care_leaver_id}/claims": Entry(
        only(_staff_404(P_A1_WRITERS | {"pa_a1": 201, "manager_a": 201, "admin_city": 201})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/claims",
        body=lambda w, a: CLAIM_BODY,
    ),
    "POST /v1/me/claims": Entry(
        # leaver_a2's record has no care history: nothing to claim (422 claim.not_eligible).
        only({"leaver_a1": 201, "leaver_a2": 422}),
        lambda w: "/v1/me/claims",
        body=lambda w, a: CLAIM_BODY,
    ),
    "GET /v1/me/claims": Entry(only(LEAVERS), lambda w: "/v1/me/claims"),
    # The offline app's sync: only a young person, only their own view (each change gets its own result).
    "GET /v1/me/sync": Entry(only(LEAVERS), lambda w: "/v1/me/sync"),
    "POST /v1/me/sync": Entry(
        only({"leaver_a1": 200, "leaver_a2": 200}),
        lambda w: "/v1/me/sync",
        body=lambda w, a: {
            "changes": [
                {
                    "id": str(uuid.uuid4()),
                    "type": "call_back_request",
                    "data": {
                        "window_starts_at": (utc_now() + timedelta(hours=1)).isoformat(),
                        "window_ends_at": (utc_now() + timedelta(hours=3)).isoformat(),
                    },
                }
            ]
        },
    ),
    "GET /v1/care-leavers/{care_leaver_id}/claims": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/claims",
    ),
    "GET /v1/claims": Entry(only(STAFF), lambda w: "/v1/claims"),
    "GET /v1/claims/{claim_id}": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}), _claim("claim_submitted")
    ),
    "PATCH /v1/claims/{claim_id}": Entry(
        only(_staff_404(P_A1_WRITERS) | {"leaver_a1": 200, "leaver_a2": 404}),
        _claim("claim_draft"),
        body=lambda w, a: {"purpose": f"Changed by {a}"},
        headers=lambda w, a: {"If-Match": f'"{w.ids["claim_draft"]}.1"'},
    ),
    "POST /v1/claims/{claim_id}/submit": Entry(
        only(_staff_404(P_A1_WRITERS) | {"leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/claims/{w.ids['claim_draft']}/submit",
    ),
    "POST /v1/claims/{claim_id}/approve": Entry(
        only(P_A2_MANAGERS), lambda w: f"/v1/claims/{w.ids['claim_submitted']}/approve"
    ),
    "POST /v1/claims/{claim_id}/decline": Entry(
        only(P_A2_MANAGERS),
        lambda w: f"/v1/claims/{w.ids['claim_submitted']}/decline",
        body=lambda w, a: {"reason": "A bed was bought for you in October."},
    ),
    "POST /v1/claims/{claim_id}/withdraw": Entry(
        only(_staff_404(P_A1_WRITERS) | {"leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/claims/{w.ids['claim_submitted']}/withdraw",
        body=lambda w, a: {},
    ),
    "POST /v1/claims/{claim_id}/payments": Entry(
        only({k: 201 if v == 200 else v for k, v in P_A2_MANAGERS.items()}),
        lambda w: f"/v1/claims/{w.ids['claim_approved']}/payments",
        body=lambda w, a: {"amount_pence": 10000},
        headers=lambda w, a: {"Idempotency-Key": f"matrix-payment-{a}"},
    ),
    "POST /v1/payments/{payment_id}/reversal": Entry(
        only({k: 201 if v == 200 else v for k, v in P_A2_MANAGERS.items()}),
        lambda w: f"/v1/payments/{w.ids['payment_paid']}/reversal",
        body=lambda w, a: {"reason": "Returned by the bank: account closed."},
    ),
    "POST /v1/claims/{claim_id}/evidence": Entry(
        only(
            _staff_404({"pa_a1": 201, "pa_a2": 403, "manager_a": 201, "admin_city": 201})
            | {"leaver_a1": 201, "leaver_a2": 404}
        ),
        lambda w: f"/v1/claims/{w.ids['claim_draft']}/evidence",
        files=lambda w, a: {"file": ("receipt.pdf", b"%PDF-1.4 receipt", "application/pdf")},
    ),
    "GET /v1/claims/{claim_id}/evidence/{evidence_id}": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/claims/{w.ids['claim_draft']}/evidence/{w.ids['evidence_draft']}",
    ),
    "GET /v1/care-leavers/{care_leaver_id}/balances": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/balances",
    ),
    "GET /v1/me/balances": Entry(only(LEAVERS), lambda w: "/v1/me/balances"),
    "GET /v1/reports/spending": Entry(
        only(ADMINS), lambda w: "/v1/reports/spending", query={"from": "2026-01-01", "to": "2026-12-31"}
    ),
    # Status letters: p_a1's (a former relevant young person in the matrix world, with one letter).
    "POST /v1/care-leavers/{care_leaver_id}/status-letters": Entry(
        only(_staff_404(P_A1_WRITERS | {"pa_a1": 201, "manager_a": 201, "admin_city": 201})),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/status-letters",
        body=lambda w, a: {"purpose": "apprenticeship_bursary"},
    ),
    "POST /v1/me/status-letters": Entry(
        # leaver_a2's record has no care history: no status to confirm (422 status_letter.no_status).
        only({"leaver_a1": 201, "leaver_a2": 422}),
        lambda w: "/v1/me/status-letters",
        body=lambda w, a: {"purpose": "housing"},
    ),
    "GET /v1/me/status-letters": Entry(only(LEAVERS), lambda w: "/v1/me/status-letters"),
    "GET /v1/care-leavers/{care_leaver_id}/status-letters": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/care-leavers/{w.id('p_a1')}/status-letters",
    ),
    "GET /v1/status-letters/{letter_id}/printable": Entry(
        person_read("p_a1", {**P_A1_READERS, "leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/status-letters/{w.ids['letter_a1']}/printable",
    ),
    "POST /v1/status-letters/{letter_id}/revocation": Entry(
        only(_staff_404(P_A1_WRITERS)),
        lambda w: f"/v1/status-letters/{w.ids['letter_a1']}/revocation",
        body=lambda w, a: {"reason": "Issued in error."},
    ),
    "POST /v1/status-letters/verification": Entry(
        public(), lambda w: "/v1/status-letters/verification", body=lambda w, a: {"token": "not-a-letter"}
    ),
    "GET /.well-known/jwks.json": Entry(public(), lambda w: "/.well-known/jwks.json"),
    "GET /v1/claim-settings": Entry(only(ADMINS), lambda w: "/v1/claim-settings"),
    "PUT /v1/claim-settings": Entry(
        only(ADMINS),
        lambda w: "/v1/claim-settings",
        body=lambda w, a: {
            "second_approval_above_pence": 100000,
            "cost_codes": {"setting-up-home-allowance": "LC1"},
        },
        headers=lambda w, a: {"If-Match": '"claim-settings.1"'},
    ),
    "GET /v1/notification-settings": Entry(only(ADMINS), lambda w: "/v1/notification-settings"),
    "PUT /v1/notification-settings": Entry(
        only(ADMINS),
        lambda w: "/v1/notification-settings",
        body=lambda w, a: {"quiet_from": "22:00", "quiet_until": "07:00", "birthday_month_message": False},
        headers=lambda w, a: {"If-Match": '"notification-settings.1"'},
    ),
    # A young person's own notifications (notification_a1 is p_a1's): another's id is 404.
    "GET /v1/me/notifications": Entry(only(LEAVERS), lambda w: "/v1/me/notifications"),
    "POST /v1/me/notifications/{notification_id}/read": Entry(
        only({"leaver_a1": 200, "leaver_a2": 404}),
        lambda w: f"/v1/me/notifications/{w.ids['notification_a1']}/read",
    ),
    # Webhooks (tests/support/webhooks.py): a council's admin reaches the council's own subscriptions and its
    # partners'; a partner its own; everyone else may never call them. Only an admin replays a dead letter.
    "POST /v1/webhook-subscriptions": Entry(
        only(ADMINS | PARTNERS | {"partner_uni"}, 201),
        lambda w: "/v1/webhook-subscriptions",
        body=lambda w, a: {
            "url": "https://hooks.example.org/new",
            "event_types": ["status_letter.revoked" if a.startswith("partner") else "claim.submitted"],
        },
    ),
    "GET /v1/webhook-subscriptions": Entry(
        only(ADMINS | PARTNERS | {"partner_uni"}), lambda w: "/v1/webhook-subscriptions"
    ),
    "GET /v1/webhook-subscriptions/{subscription_id}": Entry(
        only(ASH_WEBHOOKS), lambda w: f"/v1/webhook-subscriptions/{w.ids['sub_ash']}"
    ),
    "DELETE /v1/webhook-subscriptions/{subscription_id}": Entry(
        only({k: 204 if v == 200 else v for k, v in ASH_WEBHOOKS.items()}),
        lambda w: f"/v1/webhook-subscriptions/{w.ids['sub_ash']}",
    ),
    "POST /v1/webhook-subscriptions/{subscription_id}/secret": Entry(
        only(ASH_WEBHOOKS), lambda w: f"/v1/webhook-subscriptions/{w.ids['sub_ash']}/secret"
    ),
    "GET /v1/webhook-deliveries": Entry(
        only(ADMINS | PARTNERS | {"partner_uni"}), lambda w: "/v1/webhook-deliveries"
    ),
    "GET /v1/webhook-deliveries/{delivery_id}": Entry(
        only(ASH_WEBHOOKS), lambda w: f"/v1/webhook-deliveries/{w.ids['delivery_ash']}"
    ),
    "POST /v1/webhook-deliveries/{delivery_id}/replay": Entry(
        only({"admin_county": 202, "admin_city": 404}),
        lambda w: f"/v1/webhook-deliveries/{w.ids['delivery_ash']}/replay",
    ),
}


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> World:
    return await matrix_world(session, settings)


async def matrix_world(session: AsyncSession, settings: Settings) -> World:
    """The shared world, with the pathway plans and the care episode the operations act on."""
    w = await build_world(session, settings)
    await add_plans(session, w)
    born = w.people["p_a1"].date_of_birth
    episode = CareEpisode(
        local_authority_id=w.people["p_a1"].local_authority_id,
        care_leaver_id=w.id("p_a1"),
        kind=EpisodeKind.LOOKED_AFTER,
        start_on=birthday(born, 15),
        end_on=birthday(born, 17),
        legal_basis=LegalBasis.FULL_CARE_ORDER,
    )
    session.add(episode)
    await session.flush()
    w.ids["episode_a1"] = episode.id
    await add_claims(session, w)
    letter = StatusLetter(
        local_authority_id=w.people["p_a1"].local_authority_id,
        care_leaver_id=w.id("p_a1"),
        kid="matrix",
        purpose="general",
        status="former_relevant",
        statement="Test Alpha is a care leaver of Nottingham City Council.",
        token="matrix.letter.token",
        issued_by=w.users["pa_a1"].id,
        expires_at=utc_now() + timedelta(days=90),
    )
    session.add(letter)
    await session.flush()
    w.ids["letter_a1"] = letter.id
    await add_webhooks(session, settings.signing_key, w)
    person = w.people["p_a1"]
    message = wording.adviser_changed(uuid.uuid4(), "Sam Adviser", uk_today())
    found = await notify(session, person.local_authority_id, person.id, message)
    assert found is not None
    w.ids["notification_a1"] = found
    return w


def _operations() -> list[str]:
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    return sorted(
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def test_every_operation_has_an_entry() -> None:
    missing = sorted(set(_operations()) - set(ENTRIES))
    assert not missing, f"add these operations to the access matrix: {missing}"
    stale = sorted(set(ENTRIES) - set(_operations()))
    assert not stale, f"these matrix entries match no operation: {stale}"


def test_every_entry_covers_every_actor() -> None:
    for name, entry in ENTRIES.items():
        assert set(entry.expect) == set(ACTORS), name


@pytest.mark.parametrize("operation", sorted(ENTRIES))
async def test_access(
    operation: str, world: World, client: httpx.AsyncClient, connection: AsyncConnection, db: Database
) -> None:
    entry = ENTRIES[operation]
    method = operation.split(" ", 1)[0]
    mismatches = []
    for actor in ACTORS:
        # Each actor acts on the same world: whatever the last one changed is rolled back.
        savepoint = await connection.begin_nested()
        try:
            headers = world.headers(actor)
            if entry.arrange is not None:
                async with db.sessionmaker() as session:
                    headers = {**headers, **await entry.arrange(session, world)}
                    await session.commit()
            response = await client.request(
                method,
                entry.path(world),
                headers={**headers, **(entry.headers(world, actor) if entry.headers else {})},
                json=entry.body(world, actor) if entry.body else None,
                data=entry.form(world, actor) if entry.form else None,
                files=entry.files(world, actor) if entry.files else None,
                params=entry.query,
            )
        finally:
            await savepoint.rollback()
        if response.status_code != entry.expect[actor]:
            mismatches.append(
                f"{actor}: expected {entry.expect[actor]}, got {response.status_code} {response.text[:200]}"
            )
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json", f"{actor}: {response.text}"
    assert not mismatches, f"{operation}\n" + "\n".join(mismatches)
