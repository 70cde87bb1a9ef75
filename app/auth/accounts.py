"""Managing accounts, teams and partner organisations (la_admin in its council; system_admin for admins)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record, record_about
from app.auth.enums import PartnerKind, Role, SubjectKind
from app.auth.errors import EMAIL_TAKEN, EmailTaken, PartnerNameTaken, TeamNameTaken, UserNotFound
from app.auth.invitations import people_concerned
from app.auth.models import PartnerOrganisation, Team, UserAccount
from app.auth.passwords import hash_in_thread, policy_problem
from app.auth.policy import ADMIN_ROLES, assignable_roles, may_manage_account
from app.auth.principal import Principal
from app.auth.repository import AuthRepository, roles_of
from app.auth.schemas import PartnerOrganisationCreate, TeamCreate, UserCreate, UserUpdate
from app.core.clock import utc_now
from app.core.errors import InvalidInput, field_error
from app.db.pagination import Position, Window
from app.db.session import insert_or_raise
from app.local_authorities.repository import LocalAuthorityRepository

STAFF_ROLES = {Role.PERSONAL_ADVISER, Role.TEAM_MANAGER, Role.LA_ADMIN, Role.SYSTEM_ADMIN}
# An account's kind decides which roles it can ever hold: a care leaver is never staff or a partner.
ROLES_FOR_KIND: dict[SubjectKind, set[Role]] = {
    SubjectKind.STAFF: STAFF_ROLES,
    SubjectKind.PARTNER: {Role.PARTNER},
    SubjectKind.CARE_LEAVER: {Role.CARE_LEAVER},
}


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[field_error(field, message)])


async def list_users(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: SubjectKind | None,
    role: Role | None,
    limit: int,
    cursor: Position | None,
) -> Window[UserAccount]:
    # An la_admin sees its council's accounts; a system admin sees only administrators' accounts.
    if principal.has(Role.LA_ADMIN):
        scope, roles = principal.local_authority_id, None
    else:
        scope, roles = None, ADMIN_ROLES
    window = await AuthRepository(session).users_page(
        local_authority_id=scope, kind=kind, role=role, any_of_roles=roles, limit=limit, cursor=cursor
    )
    await record(
        session,
        principal.as_actor(),
        AuditAction.LIST,
        "user_account",
        local_authority_id=scope,
        details={"count": len(window.items)},
    )
    return window


async def get_user(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> UserAccount:
    user = await AuthRepository(session).user(user_id)
    if user is None or not may_manage_account(principal, user.local_authority_id, roles_of(user)):
        raise UserNotFound("No account with that id is yours to see.")
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.READ,
        "user_account",
        people_concerned(user),
        resource_id=user.id,
        local_authority_id=user.local_authority_id,
    )
    return user


async def create_user(session: AsyncSession, principal: Principal, body: UserCreate) -> UserAccount:
    local_authority_id = await _target_authority(session, principal, body.local_authority)
    roles = _check_roles(principal, body.kind, body.roles)
    if not may_manage_account(principal, local_authority_id, frozenset(roles)):
        raise _invalid("local_authority", "You can create accounts only in your own council.")
    team_id = await _check_team(session, local_authority_id, body.team_id)
    partner_id = await _check_partner(session, local_authority_id, body.kind, body.partner_organisation_id)
    problem = policy_problem(body.password, email=body.email) if body.password is not None else None
    if problem is not None:
        raise _invalid("password", problem)
    user = UserAccount(
        email=body.email,
        display_name=body.display_name,
        kind=body.kind,
        roles=sorted(r.value for r in roles),
        password_hash=await hash_in_thread(body.password) if body.password else None,
        local_authority_id=local_authority_id,
        team_id=team_id,
        partner_organisation_id=partner_id,
        phone=body.phone,
        job_title=body.job_title,
    )
    await insert_or_raise(session, user, EmailTaken(EMAIL_TAKEN))
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "user_account",
        people_concerned(user),
        resource_id=user.id,
        local_authority_id=local_authority_id,
        details={"roles": user.roles},
    )
    return await _reload(session, user.id)


async def update_user(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID, body: UserUpdate
) -> UserAccount:
    repo = AuthRepository(session)
    user = await repo.user(user_id)
    if user is None or not may_manage_account(principal, user.local_authority_id, roles_of(user)):
        raise UserNotFound("No account with that id is yours to manage.")
    changes = body.model_dump(exclude_unset=True)
    if user.id == principal.user_id and ({"roles", "is_active"} & changes.keys()):
        # An administrator cannot lock themselves out; another administrator must do it.
        raise _invalid(
            next(iter(sorted({"roles", "is_active"} & changes.keys()))),
            "You cannot change your own roles or deactivate your own account.",
        )
    if "roles" in changes:
        if body.roles is None:
            raise _invalid("roles", "An account needs at least one role.")
        user.roles = sorted(r.value for r in _check_roles(principal, user.kind, body.roles))
    if "team_id" in changes:
        user.team_id = await _check_team(session, user.local_authority_id, body.team_id)
    for name in ("display_name", "phone", "job_title"):
        if name in changes:
            setattr(user, name, changes[name])
    if "is_active" in changes and body.is_active is not None:
        user.is_active = body.is_active
        if not body.is_active:
            await repo.revoke_user_sessions(user.id, utc_now(), "account_deactivated")
    await session.flush()
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "user_account",
        people_concerned(user),
        resource_id=user.id,
        local_authority_id=user.local_authority_id,
        details={"fields": sorted(changes)},
    )
    return await _reload(session, user.id)


async def _reload(session: AsyncSession, user_id: uuid.UUID) -> UserAccount:
    session.expire_all()
    user = await AuthRepository(session).user(user_id)
    assert user is not None
    return user


async def _target_authority(
    session: AsyncSession, principal: Principal, gss_code: str | None
) -> uuid.UUID | None:
    if principal.has(Role.LA_ADMIN):
        if gss_code is not None:
            # Never silently applied: an la_admin's accounts are always in its own council.
            raise _invalid("local_authority", "Only a system admin sets the council; yours is used.")
        return principal.local_authority_id
    if gss_code is None:
        return None
    authority = await LocalAuthorityRepository(session).get_by_gss_code(gss_code)
    if authority is None:
        raise _invalid("local_authority", f"No council has the GSS code {gss_code}.")
    return authority.id


def _check_roles(principal: Principal, kind: SubjectKind, roles: list[Role]) -> set[Role]:
    wanted = set(roles)
    refused = wanted - assignable_roles(principal)
    if refused:
        raise _invalid("roles", f"You cannot give these roles: {', '.join(sorted(refused))}.")
    fits = ROLES_FOR_KIND[kind]
    if not wanted <= fits:
        raise _invalid("roles", f"A {kind.value} account can have only: {', '.join(sorted(fits))}.")
    return wanted


async def _check_team(
    session: AsyncSession, local_authority_id: uuid.UUID | None, team_id: uuid.UUID | None
) -> uuid.UUID | None:
    if team_id is None:
        return None
    team = await AuthRepository(session).team(team_id)
    if team is None or team.local_authority_id != local_authority_id:
        raise _invalid("team_id", "No team with that id in this council.")
    return team.id


async def _check_partner(
    session: AsyncSession,
    local_authority_id: uuid.UUID | None,
    kind: SubjectKind,
    partner_id: uuid.UUID | None,
) -> uuid.UUID | None:
    if kind is not SubjectKind.PARTNER:
        if partner_id is not None:
            raise _invalid(
                "partner_organisation_id", "Only partner accounts belong to a partner organisation."
            )
        return None
    if partner_id is None:
        raise _invalid("partner_organisation_id", "A partner account needs its organisation.")
    partner = await AuthRepository(session).partner_organisation(partner_id)
    if partner is None or partner.local_authority_id != local_authority_id:
        raise _invalid("partner_organisation_id", "No partner organisation with that id in this council.")
    return partner.id


async def list_teams(session: AsyncSession, principal: Principal) -> list[Team]:
    assert principal.local_authority_id is not None
    return await AuthRepository(session).teams(principal.local_authority_id)


async def create_team(session: AsyncSession, principal: Principal, body: TeamCreate) -> Team:
    assert principal.local_authority_id is not None
    team = Team(local_authority_id=principal.local_authority_id, name=body.name, duty_phone=body.duty_phone)
    await insert_or_raise(
        session, team, TeamNameTaken(f"This council already has a team called {body.name}.")
    )
    await record(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "team",
        resource_id=team.id,
        local_authority_id=team.local_authority_id,
    )
    return team


async def list_partner_organisations(
    session: AsyncSession, principal: Principal
) -> list[PartnerOrganisation]:
    assert principal.local_authority_id is not None
    return await AuthRepository(session).partner_organisations(principal.local_authority_id)


async def create_partner_organisation(
    session: AsyncSession, principal: Principal, body: PartnerOrganisationCreate
) -> PartnerOrganisation:
    assert principal.local_authority_id is not None
    if body.kind is PartnerKind.DISTRICT_COUNCIL:
        # Any district: a city care leaver living in Ashfield claims council tax exemption from Ashfield.
        district = await LocalAuthorityRepository(session).district_by_gss_code(body.district_gss_code or "")
        if district is None:
            raise _invalid("district_gss_code", "A district council needs the GSS code of a known district.")
    elif body.district_gss_code is not None:
        raise _invalid("district_gss_code", "Only a district council has a district.")
    partner = PartnerOrganisation(
        local_authority_id=principal.local_authority_id,
        name=body.name,
        kind=body.kind,
        district_gss_code=body.district_gss_code,
    )
    await insert_or_raise(
        session, partner, PartnerNameTaken(f"A partner organisation called {body.name} already exists.")
    )
    await record(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "partner_organisation",
        resource_id=partner.id,
        local_authority_id=partner.local_authority_id,
    )
    return partner
