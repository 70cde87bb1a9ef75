from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from app.core.schemas import InputModel
from app.letters.enums import LetterPurpose, VerificationResult

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
# An ES256 letter is under 1,500 characters; a QR code holds at most about 2,900 bytes.
Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4096)]

_TOKEN = "eyJhbGciOiJFUzI1NiIsImtpZCI6IkUwNjAwMDAxOC4yMDI2MTIwNC4zZjlhMmMwMSJ9.eyJqdGkiOiIuLi4ifQ.c2ln"
_STATEMENT = (
    "Aisha Example, born 1 March 2006, is a former relevant young person (Children Act 1989, section 23C), a "
    "care leaver, of Nottingham City Council. This letter confirms it for the apprenticeship care leavers' "
    "bursary, which the training provider claims from the Department for Education."
)
_LETTER: JsonDict = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6f20",
    "care_leaver_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e01",
    "purpose": "apprenticeship_bursary",
    "status": "former_relevant",
    "statement": _STATEMENT,
    "issued_at": "2026-12-04T10:15:00Z",
    "issued_by_name": "Sam Adviser",
    "expires_at": "2027-03-04T10:15:00Z",
    "revoked_at": None,
    "revocation_reason": None,
    "state": "valid",
}


class LetterCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"purpose": "apprenticeship_bursary"}]})

    purpose: LetterPurpose = Field(
        description="What the young person will show it for; the letter says so in words. "
        "`apprenticeship_bursary`: the £3,000 apprenticeship care leavers' bursary (apprenticeships "
        "starting from 1 August 2023), for which the training provider needs written confirmation"
    )


class RevocationCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "Issued with the wrong purpose; a new letter replaces it."}]
        }
    )

    reason: Reason = Field(description="Why, for the record (a verifier is told only that it was revoked)")


class LetterSummary(BaseModel):
    """A status letter as issued, without its token."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_LETTER]})

    id: uuid.UUID = Field(description="The letter's unique id: the token's `jti`")
    care_leaver_id: uuid.UUID
    purpose: LetterPurpose
    status: str = Field(description="The leaving-care status it states, as the record stood when issued")
    statement: str = Field(description="What it says, in words")
    issued_at: datetime
    issued_by_name: str | None = Field(description="Who issued it: the young person or a member of staff")
    expires_at: datetime = Field(
        description="90 days after issue, or sooner when the status it states ends sooner"
    )
    revoked_at: datetime | None
    revocation_reason: str | None
    state: VerificationResult = Field(description="`valid`, `expired` or `revoked`, now")


class LetterRead(LetterSummary):
    """A status letter with its token: a compact JWS (ES256) signed with the council's key."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [{**_LETTER, "token": _TOKEN}]}
    )

    token: str = Field(
        description="The signed letter (compact JWS, ES256; keys at /.well-known/jwks.json). Anyone can check "
        "it at POST /v1/status-letters/verification, with no account"
    )


class VerificationCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"token": _TOKEN}]})

    token: Token = Field(
        description="The letter's token, as printed in its QR code or sent by the young person"
    )


class LetterCouncil(BaseModel):
    gss_code: str
    name: str


class LetterHolder(BaseModel):
    """Who the letter is about: only what a verifier needs to match it to the person in front of them."""

    name: str
    date_of_birth: date


class VerifiedStatement(BaseModel):
    letter_id: uuid.UUID
    council: LetterCouncil
    holder: LetterHolder
    status: str
    purpose: LetterPurpose
    statement: str
    issued_at: datetime
    expires_at: datetime


class VerificationRead(BaseModel):
    """The answer: `valid` with the statement; otherwise only which (and never the statement)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "result": "valid",
                    "statement": {
                        "letter_id": _LETTER["id"],
                        "council": {"gss_code": "E06000018", "name": "Nottingham City Council"},
                        "holder": {"name": "Aisha Example", "date_of_birth": "2006-03-01"},
                        "status": "former_relevant",
                        "purpose": "apprenticeship_bursary",
                        "statement": _STATEMENT,
                        "issued_at": "2026-12-04T10:15:00Z",
                        "expires_at": "2027-03-04T10:15:00Z",
                    },
                },
                {"result": "revoked", "statement": None},
            ]
        }
    )

    result: VerificationResult = Field(
        description="`valid`: signed by the council, unaltered, in date and not revoked. `expired`, `revoked`: "
        "a genuine letter that no longer confirms anything. `invalid`: not a letter of ours (unreadable, "
        "forged or altered)"
    )
    statement: VerifiedStatement | None = Field(description="Only when valid")


_JWK: JsonDict = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "kid": "E06000018.20261204.3f9a2c01",
    "use": "sig",
    "alg": "ES256",
}


class LetterSigningJwk(BaseModel):
    """One council's public key (RFC 7517 JWK, EC P-256); `kid` starts with the council's GSS code."""

    model_config = ConfigDict(json_schema_extra={"examples": [_JWK]})

    kty: str
    crv: str
    x: str
    y: str
    kid: str
    use: str
    alg: str


class LetterSigningKeySet(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"keys": [_JWK]}]})

    keys: list[LetterSigningJwk]
