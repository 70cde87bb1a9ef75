"""The council's admin records what each partner organisation may do, and manages its systems' clients."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.api.deps import SessionDep
from app.api.problems import problem_responses
from app.auth import clients
from app.auth.client_schemas import (
    ClientPublicKey,
    PartnerAgreementCreate,
    PartnerAgreementRead,
    PartnerClientCreate,
    PartnerClientRead,
    PartnerClientSecret,
    SecretRotation,
)
from app.auth.deps import LaAdmin
from app.auth.enums import PartnerPurpose
from app.auth.errors import ClientRevoked, PartnerClientNotFound, PartnerNotFound
from app.core.clock import utc_now

NO_PARTNER = PartnerNotFound(clients.NO_PARTNER)
NO_CLIENT = PartnerClientNotFound(clients.NO_CLIENT)

router = APIRouter(prefix="/v1/partner-organisations/{organisation_id:uuid}", tags=["Accounts"])


@router.get(
    "/agreements",
    summary="A partner's agreements",
    responses=problem_responses(401, 403, NO_PARTNER),
)
async def list_partner_agreements(
    organisation_id: uuid.UUID, principal: LaAdmin, session: SessionDep
) -> list[PartnerAgreementRead]:
    """What the partner organisation may use the service for, now and before (the newest first)."""
    items = await clients.list_agreements(session, principal, organisation_id)
    return [PartnerAgreementRead.model_validate(a) for a in items]


@router.post(
    "/agreements",
    summary="Record a partner's agreement",
    status_code=201,
    responses=problem_responses(401, 403, NO_PARTNER),
)
async def create_partner_agreement(
    organisation_id: uuid.UUID, body: PartnerAgreementCreate, principal: LaAdmin, session: SessionDep
) -> PartnerAgreementRead:
    """A purpose the council's data-sharing agreement with the partner covers, for the entitlements
    named; it replaces the agreement in force for that purpose, at once."""
    agreement = await clients.record_agreement(session, principal, organisation_id, body, utc_now())
    return PartnerAgreementRead.model_validate(agreement)


@router.delete(
    "/agreements/{purpose}",
    summary="End a partner's agreement",
    status_code=204,
    responses=problem_responses(401, 403, NO_PARTNER),
)
async def end_partner_agreement(
    organisation_id: uuid.UUID, purpose: PartnerPurpose, principal: LaAdmin, session: SessionDep
) -> Response:
    """The partner, and every client of it, can no longer use this purpose, from now."""
    await clients.end_agreement(session, principal, organisation_id, purpose, utc_now())
    return Response(status_code=204)


@router.get(
    "/clients",
    summary="A partner's clients",
    responses=problem_responses(401, 403, NO_PARTNER),
)
async def list_partner_clients(
    organisation_id: uuid.UUID, principal: LaAdmin, session: SessionDep
) -> list[PartnerClientRead]:
    """The partner's systems that sign in with client credentials, revoked ones included (never secrets)."""
    items = await clients.list_clients(session, principal, organisation_id)
    return [PartnerClientRead.model_validate(c) for c in items]


@router.post(
    "/clients",
    summary="Add a client for a partner's system",
    status_code=201,
    responses=problem_responses(401, 403, NO_PARTNER),
)
async def create_partner_client(
    organisation_id: uuid.UUID,
    body: PartnerClientCreate,
    principal: LaAdmin,
    session: SessionDep,
    response: Response,
) -> PartnerClientSecret:
    """A client id and secret for `POST /v1/auth/token` (`grant_type=client_credentials`). The secret
    is shown only now; give it to the partner by a secure channel."""
    response.headers["Cache-Control"] = "no-store"
    client, secret = await clients.create_client(session, principal, organisation_id, body, utc_now())
    return PartnerClientSecret(client=PartnerClientRead.model_validate(client), client_secret=secret)


@router.post(
    "/clients/{client_id:uuid}/secrets",
    summary="Rotate a client's secret",
    status_code=201,
    responses=problem_responses(
        401,
        403,
        NO_PARTNER,
        NO_CLIENT,
        ClientRevoked(),
    ),
)
async def rotate_partner_client_secret(
    organisation_id: uuid.UUID,
    client_id: uuid.UUID,
    body: SecretRotation,
    principal: LaAdmin,
    session: SessionDep,
    response: Response,
) -> PartnerClientSecret:
    """A new secret, shown only now. The old one works on for the minutes asked (default 60), or stops
    at once with 0, and then so do the tokens already issued."""
    response.headers["Cache-Control"] = "no-store"
    client, secret = await clients.rotate_secret(
        session,
        principal,
        organisation_id,
        client_id,
        previous_valid_minutes=body.previous_secret_valid_minutes,
        now=utc_now(),
    )
    return PartnerClientSecret(client=PartnerClientRead.model_validate(client), client_secret=secret)


@router.put(
    "/clients/{client_id:uuid}/public-key",
    summary="Register a client's public key",
    responses=problem_responses(401, 403, NO_PARTNER, NO_CLIENT, ClientRevoked()),
)
async def put_partner_client_public_key(
    organisation_id: uuid.UUID,
    client_id: uuid.UUID,
    body: ClientPublicKey,
    principal: LaAdmin,
    session: SessionDep,
) -> PartnerClientRead:
    """The public JWK (EC P-256 or RSA) the client's signed assertions (`client_assertion`, RFC 7523)
    are checked against; never a private key. Replacing it takes effect at once: the old key is refused
    and the tokens already issued to the client stop."""
    client = await clients.set_public_key(session, principal, organisation_id, client_id, body, utc_now())
    return PartnerClientRead.model_validate(client)


@router.delete(
    "/clients/{client_id:uuid}",
    summary="Revoke a client",
    status_code=204,
    responses=problem_responses(401, 403, NO_PARTNER, NO_CLIENT),
)
async def revoke_partner_client(
    organisation_id: uuid.UUID, client_id: uuid.UUID, principal: LaAdmin, session: SessionDep
) -> Response:
    """The client stops at once: its secrets and every token it holds. It stays listed, revoked."""
    await clients.revoke_client(session, principal, organisation_id, client_id, utc_now())
    return Response(status_code=204)
