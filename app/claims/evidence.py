"""Receipts and quotes kept with a claim.

What is kept is checked by its bytes, not by what the client says it is: PDF, JPEG, PNG or HEIC (a
phone's camera), up to 10 MB each and 20 a claim. Staff and the young person add evidence until the
claim is paid; it is downloaded only by someone who may read the claim, never cached.
"""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.auth.principal import Principal
from app.claims.enums import ClaimStatus
from app.claims.errors import EvidenceNotFound, EvidenceRejected, EvidenceTooLarge, WrongStatus
from app.claims.models import ClaimEvidence
from app.claims.repository import ClaimRepository
from app.claims.schemas import ClaimRead
from app.claims.service import _require_requester_side, _touch, audit, claim_for_read, read_model
from app.core.clock import utc_now
from app.core.errors import field_error

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 20
KINDS = ("receipt", "quote", "other")
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "application/pdf"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"ftypheic", 4, "image/heic"),
    (b"ftypheix", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heic"),
)
CLOSED = frozenset({ClaimStatus.PAID, ClaimStatus.DECLINED, ClaimStatus.WITHDRAWN, ClaimStatus.REVERSED})


def media_type_of(content: bytes) -> str | None:
    for signature, offset, media_type in _SIGNATURES:
        if content[offset : offset + len(signature)] == signature:
            return media_type
    return None


def _rejected(message: str) -> EvidenceRejected:
    return EvidenceRejected(message, errors=[field_error("file", message)])


async def add_evidence(
    session: AsyncSession,
    principal: Principal,
    claim_id: uuid.UUID,
    *,
    kind: str,
    file_name: str,
    content: bytes,
) -> ClaimRead:
    loaded = await claim_for_read(session, principal, claim_id, for_update=True)
    _require_requester_side(principal, loaded)
    claim = loaded.claim
    if claim.status in CLOSED:
        raise WrongStatus(f"Evidence is added until a claim is paid; this one is {claim.status.value}.")
    if not content:
        raise _rejected("The file is empty.")
    if len(content) > MAX_BYTES:
        raise EvidenceTooLarge(
            f"The file is over {MAX_BYTES // (1024 * 1024)} MB: send a smaller photo or scan."
        )
    media_type = media_type_of(content)
    if media_type is None:
        raise _rejected("Send a PDF or a photo (JPEG, PNG or HEIC).")
    repo = ClaimRepository(session)
    if len((await repo.evidence([claim.id]))[claim.id]) >= MAX_FILES:
        raise _rejected(f"A claim keeps at most {MAX_FILES} files.")
    row = ClaimEvidence(
        local_authority_id=claim.local_authority_id,
        claim_id=claim.id,
        kind=kind,
        file_name=file_name,
        media_type=media_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_at=utc_now(),
        uploaded_by=principal.user_id,
    )
    session.add(row)
    await session.flush()
    _touch(claim)
    await audit(
        session, principal, AuditAction.CREATE, loaded.person, row.id, resource="claim_evidence",
        details={"claim_id": str(claim.id), "media_type": media_type, "size_bytes": len(content)},
    )  # fmt: skip
    return await read_model(session, claim)


async def evidence_file(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID, evidence_id: uuid.UUID
) -> ClaimEvidence:
    loaded = await claim_for_read(session, principal, claim_id)
    row = await ClaimRepository(session).evidence_file(loaded.claim.id, evidence_id)
    if row is None:
        raise EvidenceNotFound("No evidence with that id on this claim.")
    await audit(session, principal, AuditAction.READ, loaded.person, row.id, resource="claim_evidence")
    return row
