"""Who may reach whose record: the one place the access rules live. Pure: no web, no database.

Routers declare which roles may call an operation (`app.auth.deps.allow`); repositories scope
queries to what the caller may see; services ask `person_access` about a loaded person. An
object outside the caller's scope is answered with 404, never 403, so ids cannot be probed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.auth.enums import Access, ConsentRecipient, PartnerKind, Role
from app.auth.principal import Principal


@dataclass(frozen=True, slots=True)
class PersonScope:
    """The facts about one care leaver that decide who may reach them."""

    care_leaver_id: uuid.UUID
    local_authority_id: uuid.UUID
    adviser_id: uuid.UUID | None  # current personal adviser
    adviser_team_id: uuid.UUID | None
    district_gss: str | None  # where they live now
    consents: frozenset[ConsentRecipient] = frozenset()  # active consents to share
    consent_organisations: frozenset[uuid.UUID] = frozenset()  # the organisations those consents name


def person_access(principal: Principal, person: PersonScope) -> Access:
    """The most any of the principal's roles allows on this person."""
    if principal.local_authority_id != person.local_authority_id:
        # Every person-level row belongs to exactly one council; nobody crosses that line.
        return Access.NONE
    return max((_role_access(role, principal, person) for role in principal.roles), default=Access.NONE)


def _role_access(role: Role, principal: Principal, person: PersonScope) -> Access:
    match role:
        case Role.LA_ADMIN:
            return Access.WRITE
        case Role.TEAM_MANAGER:
            if person.adviser_team_id is not None and person.adviser_team_id == principal.team_id:
                return Access.WRITE
            # Managers look after the young people nobody is allocated to yet, and allocate them.
            return Access.WRITE if person.adviser_id is None else Access.NONE
        case Role.PERSONAL_ADVISER:
            if person.adviser_id == principal.user_id:
                return Access.WRITE
            if person.adviser_team_id is not None and person.adviser_team_id == principal.team_id:
                return Access.READ  # covering for a colleague: read-only
            return Access.NONE
        case Role.CARE_LEAVER:
            return Access.READ if principal.care_leaver_id == person.care_leaver_id else Access.NONE
        case Role.PARTNER:
            return Access.PARTNER if partner_in_scope(principal, person) else Access.NONE
        case Role.SYSTEM_ADMIN:
            return Access.NONE  # reference data only, unless also given a council role


def partner_in_scope(principal: Principal, person: PersonScope) -> bool:
    """A partner sees only people it serves, and only with the young person's consent to share."""
    if principal.partner_kind is PartnerKind.DISTRICT_COUNCIL:
        # Council tax is granted by the district they live in (STATUTE.md section 4).
        return (
            principal.partner_district_gss is not None
            and person.district_gss == principal.partner_district_gss
            and principal.partner_organisation_id in person.consent_organisations
        )
    if principal.partner_kind is PartnerKind.UNIVERSITY:
        # A university sees its students: those who agreed to share with that university by name.
        return (
            principal.partner_organisation_id is not None
            and principal.partner_organisation_id in person.consent_organisations
        )
    # Housing providers get their views with the records that define their scope.
    return False


def may_read(principal: Principal, person: PersonScope) -> bool:
    return person_access(principal, person) >= Access.READ


def may_write(principal: Principal, person: PersonScope) -> bool:
    return person_access(principal, person) >= Access.WRITE


def may_manage_offer(principal: Principal, local_authority_id: uuid.UUID) -> bool:
    """A council's Local Offer is changed only by that council's administrators."""
    return principal.has(Role.LA_ADMIN) and principal.local_authority_id == local_authority_id


ADMIN_ROLES = frozenset({Role.LA_ADMIN, Role.SYSTEM_ADMIN})


def may_manage_account(
    principal: Principal, local_authority_id: uuid.UUID | None, roles: frozenset[Role]
) -> bool:
    """la_admin manages its own council's accounts. A system admin manages only administrators'
    accounts (to bootstrap a council), never those of staff, partners or care leavers."""
    if (
        principal.has(Role.LA_ADMIN)
        and local_authority_id is not None
        and local_authority_id == principal.local_authority_id
    ):
        return True
    return principal.has(Role.SYSTEM_ADMIN) and bool(roles) and roles <= ADMIN_ROLES


def assignable_roles(principal: Principal) -> frozenset[Role]:
    """Roles this principal may give to accounts it creates or edits."""
    if principal.has(Role.LA_ADMIN):
        return frozenset(Role) - {Role.SYSTEM_ADMIN}
    if principal.has(Role.SYSTEM_ADMIN):
        return frozenset({Role.LA_ADMIN, Role.SYSTEM_ADMIN})
    return frozenset()
