from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from app.auth.enums import PartnerKind, Role, SubjectKind
from app.auth.passwords import MAX_LENGTH, MIN_LENGTH
from app.core.schemas import Flag, InputModel
from app.local_authorities.schemas import LocalAuthorityRef

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
# Deliberately plain: council addresses vary, and an address is proven by signing in, not by syntax.
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{7,20}$")]
NewPassword = Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]


class TokenRequest(BaseModel):
    """OAuth 2.0 token request (RFC 6749), form-encoded: the password grant, a refresh, or a partner
    system's client credentials."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"grant_type": "password", "username": "pa1@nottingham.demo", "password": "demo"},
                {"grant_type": "refresh_token", "refresh_token": "k3Jx...Q"},
                {
                    "grant_type": "client_credentials",
                    "client_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e91",
                    "client_secret": "pcs_Jq8x0f2VYcJm3kq6rQy1c1m9q3x8bDkq2Wv5Lh7sT0E",
                },
                {
                    "grant_type": "client_credentials",
                    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9...",
                },
            ]
        }
    )

    grant_type: Literal["password", "refresh_token", "client_credentials"] = Field(
        description="`password` to sign in, `refresh_token` to renew, `client_credentials` for a partner's system"
    )
    username: Annotated[str, StringConstraints(max_length=254)] | None = Field(
        default=None, description="Email address (password grant)"
    )
    password: Annotated[str, StringConstraints(max_length=1024)] | None = Field(
        default=None, description="Password (password grant)"
    )
    refresh_token: Annotated[str, StringConstraints(max_length=512)] | None = Field(
        default=None, description="The refresh token from the last response (refresh grant)"
    )
    scope: str | None = Field(default=None, description="Ignored: access follows your roles and purposes")
    client_id: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="Client credentials grant (or send both in HTTP Basic authentication)"
    )
    client_secret: Annotated[str, StringConstraints(max_length=256)] | None = Field(
        default=None, description="Client credentials grant"
    )
    client_assertion_type: Literal["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"] | None = Field(
        default=None, description="Client credentials grant with a signed client assertion (RFC 7523)"
    )
    client_assertion: Annotated[str, StringConstraints(max_length=8192)] | None = Field(
        default=None,
        description="A JWT signed with the client's private key: `iss` and `sub` the client id, `aud` "
        "this endpoint's URL, `exp` at most 5 minutes ahead, a `jti` used once (instead of a secret)",
    )


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9...",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "r8Vd2c...Wk",
                }
            ]
        }
    )

    access_token: str = Field(description="Send as `Authorization: Bearer <token>`; short-lived")
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str | None = Field(
        default=None,
        description="Single-use: each refresh returns a new one; reusing one signs you out. Absent for "
        "client credentials (the client asks for a new token instead)",
    )
    scope: str | None = Field(default=None, description="Client credentials: the client's purposes")


class TeamRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str


class PartnerRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    kind: PartnerKind
    district_gss_code: str | None


class MeRead(BaseModel):
    """Who is signed in, and what they may do."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e7f",
                    "kind": "care_leaver",
                    "display_name": "Aisha Example",
                    "roles": ["care_leaver"],
                    "local_authority": {"gss_code": "E06000018", "name": "Nottingham City Council"},
                    "team": None,
                    "partner_organisation": None,
                    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80",
                    "adviser_id": None,
                    "signed_in_with": "local",
                }
            ]
        }
    )

    user_id: uuid.UUID
    kind: SubjectKind
    display_name: str
    roles: list[Role]
    local_authority: LocalAuthorityRef | None
    team: TeamRef | None
    partner_organisation: PartnerRef | None
    care_leaver_id: uuid.UUID | None = Field(description="For a care leaver: their own record's id")
    adviser_id: uuid.UUID | None = Field(
        description="For a personal adviser: their adviser id (as in `/v1/advisers/{adviser_id}` and the "
        "`adviser_id` filters; their caseload is `/v1/me/caseload`); null for everyone else"
    )
    signed_in_with: str = Field(description="`local`, or the issuer of the council identity provider")


_USER_EXAMPLE: JsonDict = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e7f",
    "email": "pa1@nottingham.demo",
    "display_name": "Priya Adviser (demo)",
    "kind": "staff",
    "roles": ["personal_adviser"],
    "is_active": True,
    "local_authority": {"gss_code": "E06000018", "name": "Nottingham City Council"},
    "team": {"id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e81", "name": "Leaving Care Team (demo)"},
    "partner_organisation": None,
    "phone": "0115 496 0101",
    "job_title": "Personal adviser",
}


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_USER_EXAMPLE]})

    id: uuid.UUID
    email: str
    display_name: str
    kind: SubjectKind
    roles: list[Role]
    is_active: bool
    local_authority: LocalAuthorityRef | None
    team: TeamRef | None
    partner_organisation: PartnerRef | None
    phone: str | None
    job_title: str | None


class UserCreate(InputModel):
    """A staff or partner account. Care-leaver accounts are created from the young person's record."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "new.adviser@nottingham.demo",
                    "display_name": "New Adviser (demo)",
                    "kind": "staff",
                    "roles": ["personal_adviser"],
                    "team_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e81",
                    "password": "a long passphrase of words",
                }
            ]
        },
    )

    email: Email
    display_name: Name
    kind: Literal[SubjectKind.STAFF, SubjectKind.PARTNER]
    roles: list[Role] = Field(min_length=1, max_length=6)
    team_id: uuid.UUID | None = None
    partner_organisation_id: uuid.UUID | None = None
    local_authority: Annotated[str, StringConstraints(pattern=r"^E\d{8}$")] | None = Field(
        default=None,
        description="Only a system admin sets this (an la_admin creates accounts in its own council)",
    )
    password: NewPassword | None = Field(
        default=None,
        description="At least 12 characters, not the email address; omit for accounts that sign in "
        "through the council's IdP",
    )
    phone: Phone | None = None
    job_title: Annotated[str, StringConstraints(max_length=120)] | None = None


class UserUpdate(InputModel):
    """Fields an administrator may change; anything else in the body is refused."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"roles": ["personal_adviser", "team_manager"]}, {"is_active": False}]
        },
    )

    display_name: Name | None = None
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=6)
    team_id: uuid.UUID | None = None
    is_active: Flag | None = Field(default=None, description="False signs the account out everywhere")
    phone: Phone | None = None
    job_title: Annotated[str, StringConstraints(max_length=120)] | None = None


class InvitationRead(BaseModel):
    """A new invitation: the code is shown this once. Pass it on to the young person, who redeems it
    with `POST /v1/auth/invitation` and a password only they know."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "7KQ2-M9XD-4HWT-B8NZ-3PRC", "expires_at": "2026-11-30T14:05:00+00:00"}]
        }
    )

    code: str = Field(description="Single-use; case, spaces and dashes do not matter when it is typed")
    expires_at: datetime


class InvitedUserRead(UserRead):
    """A young person's new app account, with the invitation that lets them set its password."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_USER_EXAMPLE,
                    "email": "aisha@example.demo",
                    "display_name": "Aisha Example",
                    "kind": "care_leaver",
                    "roles": ["care_leaver"],
                    "team": None,
                    "phone": None,
                    "job_title": None,
                    "invitation": {
                        "code": "7KQ2-M9XD-4HWT-B8NZ-3PRC",
                        "expires_at": "2026-11-30T14:05:00+00:00",
                    },
                }
            ]
        }
    )

    invitation: InvitationRead


class PasswordChange(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "current_password": "correct horse battery staple",
                    "new_password": "a new passphrase of words",
                }
            ]
        }
    )

    current_password: Annotated[str, StringConstraints(min_length=1, max_length=MAX_LENGTH)]
    new_password: NewPassword = Field(
        description="At least 12 characters, not the email address and not the current password"
    )


class InvitationRedemption(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "7KQ2-M9XD-4HWT-B8NZ-3PRC", "password": "a passphrase only I know"}]
        }
    )

    code: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="From the invitation your personal adviser gave you"
    )
    password: NewPassword = Field(description="At least 12 characters, not your email address")


class TeamRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e81",
                    "name": "Leaving Care Team (demo)",
                    "duty_phone": "0115 496 0100",
                }
            ]
        },
    )

    id: uuid.UUID
    name: str
    duty_phone: str | None


class TeamCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "21 Plus Team", "duty_phone": "0115 496 0199"}]}
    )

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    duty_phone: Phone | None = None


class PartnerOrganisationRead(PartnerRef):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e90",
                    "name": "Ashfield District Council",
                    "kind": "district_council",
                    "district_gss_code": "E07000170",
                }
            ]
        },
    )


class PartnerOrganisationCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Ashfield District Council",
                    "kind": "district_council",
                    "district_gss_code": "E07000170",
                }
            ]
        },
    )

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    kind: PartnerKind
    district_gss_code: Annotated[str, StringConstraints(pattern=r"^E\d{8}$")] | None = Field(
        default=None, description="Required for a district council: the district it collects council tax in"
    )
