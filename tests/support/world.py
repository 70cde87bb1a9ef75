"""Two councils, their teams, caseloads and partners: the people and actors access tests reason about.

City (Nottingham):  team A = manager_a, pa_a1, pa_a2; team B = pa_b1; admin_city.
    p_a1 (pa_a1's caseload, has an app account: leaver_a1), p_a2 (pa_a2's, account leaver_a2),
    p_a3 (pa_a1's, no account), p_b1 (pa_b1's), p_free (no adviser).
    Contact log: contact_a1 (p_a1, an attempt yesterday, recorded by pa_a1) with action_a1;
    request_a2 (p_a2's open call-back). Due dates are not computed for the world's people.
County (Nottinghamshire): team N = manager_n, pa_n1; admin_county.
    q_ash (Ashfield, consents to share with the district), q_ash_private (Ashfield, no consent),
    q_rush (Rushcliffe, consents): former relevant, 20, with a dated residence there.
    Partners: partner_ash (Ashfield), partner_rush (Rushcliffe),
    partner_uni (a university: no view of anyone yet).
system_admin: reference data only.
`plans` and `plan_actions` are empty unless a test adds them (tests/support/plans.py: the access matrix does).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import ConsentRecipient, PartnerKind, Role
from app.auth.models import UserAccount
from app.care_leavers.enums import SupportRequestStatus
from app.care_leavers.models import CareLeaver, SupportRequest
from app.contacts.enums import ContactOutcome
from app.core.settings import Settings
from app.pathway_plans.models import PathwayPlan
from tests.support import factories as f

ACTORS = [
    "anonymous",
    "leaver_a1",
    "leaver_a2",
    "pa_a1",
    "pa_a2",
    "pa_b1",
    "manager_a",
    "admin_city",
    "pa_n1",
    "manager_n",
    "admin_county",
    "partner_ash",
    "partner_rush",
    "partner_uni",
    "system_admin",
]


@dataclass
class World:
    users: dict[str, UserAccount] = field(default_factory=dict)
    people: dict[str, CareLeaver] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    support_request: SupportRequest | None = None
    ids: dict[str, uuid.UUID] = field(default_factory=dict)  # other records, by name
    plans: dict[str, PathwayPlan] = field(default_factory=dict)
    plan_actions: dict[str, uuid.UUID] = field(default_factory=dict)

    def headers(self, actor: str) -> dict[str, str]:
        return {} if actor == "anonymous" else f.bearer(self.tokens[actor])

    def id(self, person: str) -> uuid.UUID:
        return self.people[person].id


async def build_world(session: AsyncSession, settings: Settings) -> World:
    w = World()
    team_a, team_b = await f.team(session, f.CITY, "Team A"), await f.team(session, f.CITY, "Team B")
    team_n = await f.team(session, f.COUNTY, "Team N")
    ash = await f.partner_organisation(session, f.COUNTY, f.ASHFIELD, "Ashfield DC")
    rush = await f.partner_organisation(session, f.COUNTY, f.RUSHCLIFFE, "Rushcliffe BC")
    uni = await f.partner_organisation(session, f.COUNTY, None, "Trent University", PartnerKind.UNIVERSITY)
    u = w.users
    u["pa_a1"] = await f.user(session, Role.PERSONAL_ADVISER, team=team_a)
    u["pa_a2"] = await f.user(session, Role.PERSONAL_ADVISER, team=team_a)
    u["pa_b1"] = await f.user(session, Role.PERSONAL_ADVISER, team=team_b)
    u["manager_a"] = await f.user(session, Role.TEAM_MANAGER, team=team_a)
    u["admin_city"] = await f.user(session, Role.LA_ADMIN)
    u["pa_n1"] = await f.user(session, Role.PERSONAL_ADVISER, gss=f.COUNTY, team=team_n)
    u["manager_n"] = await f.user(session, Role.TEAM_MANAGER, gss=f.COUNTY, team=team_n)
    u["admin_county"] = await f.user(session, Role.LA_ADMIN, gss=f.COUNTY)
    u["partner_ash"] = await f.user(session, Role.PARTNER, gss=f.COUNTY, partner=ash)
    u["partner_rush"] = await f.user(session, Role.PARTNER, gss=f.COUNTY, partner=rush)
    u["partner_uni"] = await f.user(session, Role.PARTNER, gss=f.COUNTY, partner=uni)
    u["system_admin"] = await f.user(session, Role.SYSTEM_ADMIN, gss=None)
    p = w.people
    p["p_a1"] = await f.care_leaver(session, adviser=u["pa_a1"], family_name="Alpha")
    p["p_a2"] = await f.care_leaver(session, adviser=u["pa_a2"], family_name="Bravo")
    p["p_a3"] = await f.care_leaver(session, adviser=u["pa_a1"], family_name="Charlie")
    p["p_b1"] = await f.care_leaver(session, adviser=u["pa_b1"], family_name="Delta")
    p["p_free"] = await f.care_leaver(session, family_name="Echo")
    district = (ConsentRecipient.DISTRICT_COUNCIL,)
    p["q_ash"] = await f.care_leaver(
        session,
        f.COUNTY,
        adviser=u["pa_n1"],
        district=f.ASHFIELD,
        consents=district,
        family_name="Foxtrot",
        former_relevant=True,
    )
    p["q_ash_private"] = await f.care_leaver(
        session, f.COUNTY, adviser=u["pa_n1"], district=f.ASHFIELD, family_name="Golf", former_relevant=True
    )
    p["q_rush"] = await f.care_leaver(
        session, f.COUNTY, district=f.RUSHCLIFFE, consents=district, family_name="Hotel", former_relevant=True
    )
    u["leaver_a1"] = await f.user(session, Role.CARE_LEAVER, care_leaver=p["p_a1"])
    u["leaver_a2"] = await f.user(session, Role.CARE_LEAVER, care_leaver=p["p_a2"])
    # An open 21-plus request of p_a1's (as if asked before their adviser was allocated).
    w.support_request = SupportRequest(
        local_authority_id=p["p_a1"].local_authority_id,
        care_leaver_id=p["p_a1"].id,
        message="Please call me",
        status=SupportRequestStatus.OPEN,
    )
    session.add(w.support_request)
    await session.flush()
    contact = await f.contact(session, p["p_a1"], u["pa_a1"], outcome=ContactOutcome.ATTEMPT)
    w.ids["contact_a1"] = contact.entry_id
    w.ids["action_a1"] = (await f.contact_action(session, contact, u["pa_a1"])).id
    w.ids["request_a2"] = (await f.contact_request(session, p["p_a2"])).id
    for name, account in u.items():
        w.tokens[name] = await f.token_for(session, settings, account)
    return w
