"""The signed-in subject of a request, as every policy decision sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.audit.service import Actor
from app.auth.enums import COUNCIL_STAFF_ROLES, PartnerKind, Role, SubjectKind

# The role shown in audit trails and access logs when someone holds several: the most powerful.
_ROLE_ORDER = [
    Role.LA_ADMIN,
    Role.TEAM_MANAGER,
    Role.PERSONAL_ADVISER,
    Role.PARTNER,
    Role.CARE_LEAVER,
    Role.SYSTEM_ADMIN,
]


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID
    kind: SubjectKind
    roles: frozenset[Role]
    display_name: str
    local_authority_id: uuid.UUID | None = None
    local_authority_gss: str | None = None
    local_authority_name: str | None = None
    team_id: uuid.UUID | None = None
    team_name: str | None = None
    partner_organisation_id: uuid.UUID | None = None
    partner_name: str | None = None
    partner_kind: PartnerKind | None = None
    partner_district_gss: str | None = None
    care_leaver_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    issuer: str | None = None  # None for our own tokens

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_council_staff(self) -> bool:
        return self.local_authority_id is not None and not self.roles.isdisjoint(COUNCIL_STAFF_ROLES)

    @property
    def primary_role(self) -> Role | None:
        return next((r for r in _ROLE_ORDER if r in self.roles), None)

    @property
    def organisation(self) -> str | None:
        return self.partner_name or self.team_name or self.local_authority_name

    def as_actor(self) -> Actor:
        role = self.primary_role
        return Actor(
            id=self.user_id,
            kind=self.kind.value,
            role=role.value if role else None,
            organisation=self.organisation,
        )
