"""Small factories for arranging data directly in the test transaction (flush, never commit)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, timedelta
from functools import lru_cache

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import ConsentRecipient, PartnerKind, Role, SubjectKind
from app.auth.models import AuthSession, PartnerOrganisation, Team, UserAccount
from app.auth.passwords import hash_password
from app.auth.tokens import issue_access_token
from app.care_leavers.enums import Accommodation, CircumstanceKind, ContactMethod
from app.care_leavers.models import AdviserAllocation, CareLeaver, Circumstance, Consent
from app.contacts.enums import ActionOwnerKind, ContactInitiator, ContactOutcome, ContactRequestStatus
from app.contacts.models import Contact, ContactAction, ContactRequest
from app.core.clock import uk_today, utc_now
from app.core.dates import birthday
from app.core.settings import Settings
from app.core.types import uuid7
from app.decisions.service import refresh_people
from app.local_authorities.models import LocalAuthority

CITY, COUNTY = "E06000018", "E10000024"
ASHFIELD, RUSHCLIFFE = "E07000170", "E07000176"
PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@lru_cache
def password_hash() -> str:
    return hash_password(PASSWORD)  # Argon2 is slow on purpose: hash once per run


async def council(session: AsyncSession, gss: str) -> LocalAuthority:
    return (await session.execute(select(LocalAuthority).where(LocalAuthority.gss_code == gss))).scalar_one()


async def team(session: AsyncSession, gss: str, name: str | None = None) -> Team:
    la = await council(session, gss)
    row = Team(local_authority_id=la.id, name=name or f"Team {next(_counter)}", duty_phone="0115 496 0999")
    session.add(row)
    await session.flush()
    return row


async def partner_organisation(
    session: AsyncSession,
    gss: str,
    district: str | None,
    name: str | None = None,
    kind: PartnerKind = PartnerKind.DISTRICT_COUNCIL,
) -> PartnerOrganisation:
    la = await council(session, gss)
    row = PartnerOrganisation(
        local_authority_id=la.id,
        name=name or f"Partner {district or kind} {next(_counter)}",
        kind=kind,
        district_gss_code=district,
    )
    session.add(row)
    await session.flush()
    return row


async def user(
    session: AsyncSession,
    *roles: Role,
    gss: str | None = CITY,
    team: Team | None = None,
    partner: PartnerOrganisation | None = None,
    care_leaver: CareLeaver | None = None,
    email: str | None = None,
    is_demo: bool = False,
) -> UserAccount:
    la = await council(session, gss) if gss else None
    kind = SubjectKind.CARE_LEAVER if care_leaver else SubjectKind.PARTNER if partner else SubjectKind.STAFF
    row = UserAccount(
        email=email or f"user{next(_counter)}@test.example",
        display_name=f"Test {roles[0].value} {next(_counter)}",
        kind=kind,
        roles=[r.value for r in roles],
        password_hash=password_hash(),
        local_authority_id=la.id if la else None,
        team_id=team.id if team else None,
        partner_organisation_id=partner.id if partner else None,
        care_leaver_id=care_leaver.id if care_leaver else None,
        is_demo=is_demo,
    )
    session.add(row)
    await session.flush()
    return row


async def care_leaver(
    session: AsyncSession,
    gss: str = CITY,
    *,
    adviser: UserAccount | None = None,
    district: str | None = None,
    age_years: int = 20,
    date_of_birth: date | None = None,
    consents: tuple[ConsentRecipient, ...] = (),
    given_name: str = "Test",
    family_name: str | None = None,
    former_relevant: bool = False,
    lives_since: date | None = None,
) -> CareLeaver:
    """A record with no care history (status unknown) unless `former_relevant` (looked after from 14
    until the 18th birthday). With `district`, a residence there from `lives_since` (default: the 18th
    birthday). Its stored decisions are computed, as a record change would."""
    la = await council(session, gss)
    number = next(_counter)
    born = date_of_birth or uk_today() - timedelta(days=365 * age_years + 30)
    row = CareLeaver(
        local_authority_id=la.id,
        case_reference=f"CASE-{number:05d}",
        given_name=given_name,
        family_name=family_name or f"Person{number:05d}",
        date_of_birth=born,
        district_gss_code=district if district is not None else gss,
    )
    if former_relevant:
        row.still_looked_after = False
        row.entered_care_on = birthday(born, 14)
        row.left_care_on = birthday(born, 18)
        row.weeks_looked_after_since_14 = 208
    session.add(row)
    await session.flush()
    if district is not None:
        await residence(session, row, district, lives_since or min(birthday(born, 18), uk_today()))
    if adviser is not None:
        session.add(
            AdviserAllocation(
                local_authority_id=la.id,
                care_leaver_id=row.id,
                adviser_id=adviser.id,
                started_on=uk_today() - timedelta(days=100),
            )
        )
    for recipient in consents:
        session.add(
            Consent(
                local_authority_id=la.id,
                care_leaver_id=row.id,
                recipient=recipient,
                partner_organisation_id=await named_organisation(session, row, recipient),
            )
        )
    await session.flush()
    await refresh_people(session, [row.id])
    return row


async def named_organisation(
    session: AsyncSession, person: CareLeaver, recipient: ConsentRecipient
) -> uuid.UUID | None:
    """What the consent API names for a consent given without an organisation: for a district council,
    the billing authority where they live (a partner of their council), if any."""
    if recipient is not ConsentRecipient.DISTRICT_COUNCIL:
        return None
    stmt = select(PartnerOrganisation.id).where(
        PartnerOrganisation.local_authority_id == person.local_authority_id,
        PartnerOrganisation.kind == PartnerKind.DISTRICT_COUNCIL,
        PartnerOrganisation.district_gss_code == person.district_gss_code,
    )
    return (await session.execute(stmt)).scalars().first()


async def residence(
    session: AsyncSession, person: CareLeaver, district: str, valid_from: date
) -> Circumstance:
    """A dated residence entry (a home of their own in `district`); call `refresh_people` after more changes."""
    entry = Circumstance(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        kind=CircumstanceKind.RESIDENCE,
        valid_from=valid_from,
        details={
            "district_gss_code": district,
            "accommodation": Accommodation.INDEPENDENT_LIVING.value,
            "suitable": True,
            "same_home": False,
        },
        recorded_at=utc_now(),
    )
    session.add(entry)
    await session.flush()
    return entry


async def token_for(session: AsyncSession, settings: Settings, account: UserAccount) -> str:
    """A real access token with a live session, without going through the (slow) password check."""
    now = utc_now()
    auth_session = AuthSession(user_id=account.id, expires_at=now + timedelta(days=1))
    session.add(auth_session)
    await session.flush()
    return issue_access_token(settings, account.id, auth_session.id, now)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_in(client: httpx.AsyncClient, email: str, password: str = "demo") -> dict[str, str]:
    """Sign in through the API (password grant) and return the Authorization header."""
    response = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


async def contact(
    session: AsyncSession,
    person: CareLeaver,
    author: UserAccount,
    *,
    occurred_at: datetime | None = None,
    outcome: ContactOutcome = ContactOutcome.SEEN,
    method: ContactMethod = ContactMethod.FACE_TO_FACE_HOME,
    summary: str = "Visited at home.",
) -> Contact:
    """A first version of a log entry, written directly (the API recomputes due dates; this does not)."""
    entry_id = uuid7()
    row = Contact(
        id=entry_id,
        entry_id=entry_id,
        version=1,
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        occurred_at=occurred_at or utc_now() - timedelta(days=1),
        method=method,
        initiated_by=ContactInitiator.STAFF,
        outcome=outcome,
        purpose="Statutory visit",
        summary=summary,
        recorded_by=author.id,
        recorded_by_role=author.roles[0],
    )
    session.add(row)
    await session.flush()
    return row


async def contact_action(
    session: AsyncSession, entry: Contact, author: UserAccount, *, due_on: date | None = None
) -> ContactAction:
    row = ContactAction(
        local_authority_id=entry.local_authority_id,
        care_leaver_id=entry.care_leaver_id,
        contact_id=entry.entry_id,
        description="Send the housing form",
        owner_kind=ActionOwnerKind.ADVISER,
        due_on=due_on or uk_today() + timedelta(days=7),
        created_by=author.id,
    )
    session.add(row)
    await session.flush()
    return row


async def contact_request(session: AsyncSession, person: CareLeaver) -> ContactRequest:
    now = utc_now()
    row = ContactRequest(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        window_starts_at=now + timedelta(hours=1),
        window_ends_at=now + timedelta(hours=3),
        status=ContactRequestStatus.OPEN,
    )
    session.add(row)
    await session.flush()
    return row
