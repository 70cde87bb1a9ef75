"""Bodies of partner agreements and partner clients (OAuth 2.0 client credentials)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.config import JsonDict

from app.auth.enums import PartnerPurpose
from app.core.schemas import Count, InputModel

# The same shape as a catalogue code (app.entitlements.schemas), which this layer cannot import.
EntitlementCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
_CLIENT_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e91"
_SECRET = "pcs_Jq8x0f2VYcJm3kq6rQy1c1m9q3x8bDkq2Wv5Lh7sT0E"
_CLIENT: JsonDict = {
    "client_id": _CLIENT_ID,
    "partner_organisation_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e81",
    "name": "Ashfield billing system",
    "purposes": ["status_check"],
    "created_at": "2026-12-05T10:00:00+00:00",
    "secret_rotated_at": None,
    "previous_secret_expires_at": None,
    "revoked_at": None,
    "public_key": None,
    "public_key_set_at": None,
}
_EC_KEY: JsonDict = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "kid": "billing-2026",
}


class PartnerAgreementCreate(InputModel):
    """A purpose the council's data-sharing agreement with the partner covers. Recording one for a
    purpose that already has an agreement in force replaces it, at once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "purpose": "status_check",
                    "entitlement_codes": ["council-tax-exemption"],
                    "reference": "DSA-2026-014",
                }
            ]
        }
    )

    purpose: PartnerPurpose
    entitlement_codes: list[EntitlementCode] = Field(
        min_length=1, max_length=50, description="The entitlements the partner may ask about"
    )
    reference: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None
    ) = Field(default=None, description="The council's reference for the signed agreement")


class PartnerAgreementRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e90",
                    "partner_organisation_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e81",
                    "purpose": "status_check",
                    "entitlement_codes": ["council-tax-exemption"],
                    "reference": "DSA-2026-014",
                    "recorded_at": "2026-12-05T10:00:00+00:00",
                    "ended_at": None,
                }
            ]
        },
    )

    id: uuid.UUID
    partner_organisation_id: uuid.UUID
    purpose: PartnerPurpose
    entitlement_codes: list[str]
    reference: str | None
    recorded_at: datetime
    ended_at: datetime | None = Field(description="Null while in force")


class PartnerClientCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Ashfield billing system", "purposes": ["status_check"]}]}
    )

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    purposes: list[PartnerPurpose] = Field(
        min_length=1,
        max_length=10,
        description="What this client may do, within the organisation's agreements in force at the time",
    )


class SecretRotation(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"previous_secret_valid_minutes": 60}]})

    previous_secret_valid_minutes: Annotated[Count, Field(ge=0, le=10_080)] = Field(
        default=60,
        description="How long the old secret goes on working, so the partner can deploy the new one "
        "(at most 7 days). 0: it stops at once, and so do the tokens issued with it.",
    )


B64url = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=1024)]


class ClientPublicKey(InputModel):
    """A public JWK (RFC 7517): EC P-256 (the assertion is signed ES256) or RSA of at least 2048 bits
    (RS256). Private key members (`d`, `p`, `q`...) are refused: the council never holds the key."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EC_KEY]})

    kty: Literal["EC", "RSA"] = Field(description="`EC` (with crv P-256, x, y) or `RSA` (with n, e)")
    crv: Literal["P-256"] | None = None
    x: B64url | None = None
    y: B64url | None = None
    n: B64url | None = None
    e: B64url | None = None
    kid: Annotated[str, StringConstraints(max_length=120)] | None = Field(
        default=None, description="The partner's name for the key; stored, not checked"
    )
    use: Literal["sig"] | None = None
    key_ops: list[Literal["verify"]] | None = Field(default=None, max_length=1)
    alg: Literal["ES256", "RS256"] | None = Field(
        default=None, description="If given, it must match the key type: ES256 for EC, RS256 for RSA"
    )

    @model_validator(mode="after")
    def _members_for_the_type(self) -> ClientPublicKey:
        if self.kty == "EC":
            if not (self.crv and self.x and self.y) or self.n or self.e or self.alg not in (None, "ES256"):
                raise ValueError("An EC key has crv P-256, x and y (signed ES256), and nothing of RSA")
        elif not (self.n and self.e) or self.crv or self.x or self.y or self.alg not in (None, "RS256"):
            raise ValueError("An RSA key has n and e (signed RS256), and nothing of EC")
        return self


class PartnerClientRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [_CLIENT]},
    )

    client_id: uuid.UUID = Field(validation_alias="id")
    partner_organisation_id: uuid.UUID
    name: str
    purposes: list[PartnerPurpose]
    created_at: datetime
    secret_rotated_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(description="Until then the old secret works too")
    revoked_at: datetime | None
    public_key: dict[str, str] | None = Field(
        description="The public JWK its signed client assertions are checked against, if any"
    )
    public_key_set_at: datetime | None


class PartnerClientSecret(BaseModel):
    """Shown once: only a digest of the secret is kept, so a lost secret is replaced, never recovered."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client": _CLIENT,
                    "client_secret": _SECRET,
                }
            ]
        }
    )

    client: PartnerClientRead
    client_secret: str = Field(description="Send with the client id to POST /v1/auth/token")
