"""Use cases on status letters: issue (a PA, or the young person in the app), list, print, revoke, and
verify with no account.

A letter states the leaving-care status the stored decisions give for today (`app.decisions`, the same
status every list reads), never one decided again here. It carries only what a verifier needs to match
it to the person showing it: the name on the record and the date of birth; no address, case reference
or internal id. Every issue, list, print, revocation and verification is audited about the young
person, so each appears in their access log ("your letter was checked on ...").
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import ANONYMOUS, Actor, record_about
from app.auth.principal import Principal
from app.care_leavers.enums import RecordStatus
from app.care_leavers.errors import CareLeaverNotFound
from app.care_leavers.models import CareLeaver
from app.care_leavers.service import advisers_by_id, load_for_read, load_for_write
from app.core.clock import UK
from app.core.types import uuid7
from app.db.pagination import Position, Window
from app.events.enums import EventType
from app.events.outbox import emit_to_subscribed_partners
from app.letters import keys
from app.letters.enums import LetterPurpose, VerificationResult
from app.letters.errors import LetterNotFound, NoLeavingCareStatus
from app.letters.models import StatusLetter
from app.letters.repository import KeyRepository, LetterRepository
from app.letters.schemas import (
    LetterCouncil,
    LetterHolder,
    LetterRead,
    LetterSummary,
    VerificationRead,
    VerifiedStatement,
)
from app.letters.wording import STATUS_WORDS, statement
from app.local_authorities.models import LocalAuthority
from app.local_authorities.repository import LocalAuthorityRepository

RESOURCE = "status_letter"
NOT_FOUND = "No status letter with that id is yours to see."
TOKEN_TYPE = "status-letter+jwt"


def issuer(gss_code: str) -> str:
    """The letter's `iss`: the council itself, by its GSS code."""
    return f"urn:local-offer:council:{gss_code}"


def state_of(letter: StatusLetter, now: datetime) -> VerificationResult:
    if letter.revoked_at is not None:
        return VerificationResult.REVOKED
    if letter.expires_at <= now:
        return VerificationResult.EXPIRED
    return VerificationResult.VALID


def _start_of_uk_day(day: date) -> datetime:
    return datetime.combine(day, time(0), UK).astimezone(UTC)


def summary(letter: StatusLetter, issued_by_name: str | None, now: datetime) -> LetterSummary:
    return LetterSummary.model_validate(
        {**_columns(letter), "issued_by_name": issued_by_name, "state": state_of(letter, now)}
    )


def read(letter: StatusLetter, issued_by_name: str | None, now: datetime) -> LetterRead:
    return LetterRead.model_validate(
        {
            **_columns(letter),
            "issued_by_name": issued_by_name,
            "state": state_of(letter, now),
            "token": letter.token,
        }
    )


def _columns(letter: StatusLetter) -> dict[str, Any]:
    names = [
        "id",
        "care_leaver_id",
        "purpose",
        "status",
        "statement",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revocation_reason",
    ]
    return {n: getattr(letter, n) for n in names}


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    person: CareLeaver | StatusLetter,
    resource_id: uuid.UUID | None,
    details: dict[str, Any] | None = None,
) -> None:
    await record_about(session, actor, action, RESOURCE, [person], resource_id=resource_id, details=details)


async def issue_letter(
    session: AsyncSession,
    principal: Principal,
    secret_key: str,
    care_leaver_id: uuid.UUID,
    purpose: LetterPurpose,
    now: datetime,
    *,
    by_young_person: bool = False,
) -> LetterRead:
    """Sign a letter stating today's stored status (422 `status_letter.no_status` without one)."""
    if by_young_person:
        person, _ = await load_for_read(session, principal, care_leaver_id)
    else:
        person, _ = await load_for_write(session, principal, care_leaver_id)
    today = now.astimezone(UK).date()
    letters = LetterRepository(session)
    period = await letters.status_on(person.id, today)
    status = RecordStatus(period.status) if period is not None and period.status else None
    if status is None or status not in STATUS_WORDS:
        raise NoLeavingCareStatus(
            "The record shows no leaving-care status today, so there is nothing a letter could confirm: "
            "check the care history (when they left care, and how long they were looked after since 14)."
        )
    council = await LocalAuthorityRepository(session).get_by_id(person.local_authority_id)
    assert council is not None
    expires = now + keys.LETTER_LIFETIME
    if period is not None and period.valid_to is not None:
        # Never beyond the status it states: the day after the stored status ends, the letter has too.
        expires = min(expires, _start_of_uk_day(period.valid_to + timedelta(days=1)))
    name = f"{person.given_name} {person.family_name}"
    words = statement(name, person.date_of_birth, status, council.name, purpose)
    key = await keys.current_key(session, secret_key, council.id, council.gss_code, now)
    letter_id = uuid7()
    payload = {
        "iss": issuer(council.gss_code),
        "jti": str(letter_id),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "council": {"gss_code": council.gss_code, "name": council.name},
        "holder": {"name": name, "date_of_birth": person.date_of_birth.isoformat()},
        "status": status.value,
        "purpose": purpose.value,
        "statement": words,
    }
    token = jwt.encode(
        payload,
        keys.unseal(secret_key, key),
        algorithm=keys.ALGORITHM,
        headers={"kid": key.kid, "typ": TOKEN_TYPE},
    )
    letter = StatusLetter(
        id=letter_id,
        local_authority_id=council.id,
        care_leaver_id=person.id,
        kid=key.kid,
        purpose=purpose.value,
        status=status.value,
        statement=words,
        token=token,
        issued_at=now.replace(microsecond=0),
        issued_by=principal.user_id,
        expires_at=datetime.fromtimestamp(int(expires.timestamp()), UTC),
    )
    session.add(letter)
    await session.flush()
    await _audit(
        session, principal.as_actor(), AuditAction.CREATE, person, letter.id, {"purpose": purpose.value}
    )
    return read(letter, principal.display_name, now)


async def _names(session: AsyncSession, letters: list[StatusLetter]) -> dict[uuid.UUID, str]:
    users = await advisers_by_id(session, {letter.issued_by for letter in letters})
    return {i: u.display_name for i, u in users.items()}


async def list_letters(
    session: AsyncSession,
    principal: Principal,
    care_leaver_id: uuid.UUID,
    now: datetime,
    *,
    limit: int,
    cursor: Position | None,
) -> Window[LetterSummary]:
    """The person's letters, newest first."""
    person, _ = await load_for_read(session, principal, care_leaver_id)
    window = await LetterRepository(session).of_person(person.id, limit=limit, cursor=cursor)
    names = await _names(session, window.items)
    await _audit(session, principal.as_actor(), AuditAction.LIST, person, None, {"count": len(window.items)})
    return window.map(lambda letter: summary(letter, names.get(letter.issued_by), now))


async def _letter_for(
    session: AsyncSession, principal: Principal, letter_id: uuid.UUID, *, write: bool
) -> tuple[StatusLetter, CareLeaver]:
    """The letter, if the principal may reach its person: otherwise 404, as for an unknown id."""
    letter = await LetterRepository(session).get(letter_id)
    if letter is None:
        raise LetterNotFound(NOT_FOUND)
    try:
        person, _ = await load_for_read(session, principal, letter.care_leaver_id)
    except CareLeaverNotFound:
        raise LetterNotFound(NOT_FOUND) from None
    if write:
        person, _ = await load_for_write(session, principal, letter.care_leaver_id)  # 403 if read-only
    return letter, person


async def printable_letter(
    session: AsyncSession, principal: Principal, letter_id: uuid.UUID
) -> tuple[StatusLetter, LocalAuthority]:
    """The letter to print: an export of personal data, audited as one."""
    letter, person = await _letter_for(session, principal, letter_id, write=False)
    council = await LocalAuthorityRepository(session).get_by_id(letter.local_authority_id)
    assert council is not None
    await _audit(session, principal.as_actor(), AuditAction.EXPORT, person, letter.id, {"format": "html"})
    return letter, council


async def revoke_letter(
    session: AsyncSession, principal: Principal, letter_id: uuid.UUID, reason: str, now: datetime
) -> LetterRead:
    """From now on the letter verifies as `revoked`. Revoking it again changes nothing."""
    letter, person = await _letter_for(session, principal, letter_id, write=True)
    if letter.revoked_at is None:
        letter.revoked_at = now
        letter.revoked_by = principal.user_id
        letter.revocation_reason = reason
        await session.flush()
        await _audit(session, principal.as_actor(), AuditAction.UPDATE, person, letter.id, {"revoked": True})
        await emit_to_subscribed_partners(
            session,
            EventType.STATUS_LETTER_REVOKED,
            {"letter_id": letter.id},
            local_authority_id=person.local_authority_id,
        )
    names = await _names(session, [letter])
    return read(letter, names.get(letter.issued_by), now)


INVALID = VerificationRead(result=VerificationResult.INVALID, statement=None)


async def verify_letter(session: AsyncSession, token: str, now: datetime) -> VerificationRead:
    """Check a token with no account: our signature (the key its header names, which signs only for
    its own council), unaltered, then the stored letter's revocation and expiry."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return INVALID
    kid = header.get("kid")
    if header.get("alg") != keys.ALGORITHM or not isinstance(kid, str):
        return INVALID
    key = await KeyRepository(session).by_kid(kid)
    if key is None:
        return INVALID
    council = await LocalAuthorityRepository(session).get_by_id(key.local_authority_id)
    assert council is not None
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            keys.public_key(key),
            algorithms=[keys.ALGORITHM],
            issuer=issuer(council.gss_code),
            # Expiry is judged below from the stored letter, so an expired letter says "expired".
            options={"require": ["iss", "jti", "iat", "exp"], "verify_exp": False},
        )
        letter_id = uuid.UUID(str(claims["jti"]))
    except (jwt.InvalidTokenError, ValueError):
        return INVALID
    letter = await LetterRepository(session).get(letter_id)
    if letter is None or letter.kid != kid or letter.local_authority_id != council.id:
        return INVALID
    result = state_of(letter, now)
    await _audit(session, ANONYMOUS, AuditAction.READ, letter, letter.id, {"verified": result.value})
    if result is not VerificationResult.VALID:
        return VerificationRead(result=result, statement=None)
    holder = claims.get("holder") or {}
    return VerificationRead(
        result=result,
        statement=VerifiedStatement(
            letter_id=letter.id,
            council=LetterCouncil(gss_code=council.gss_code, name=council.name),
            holder=LetterHolder.model_validate(holder),
            status=letter.status,
            purpose=LetterPurpose(letter.purpose),
            statement=letter.statement,
            issued_at=letter.issued_at,
            expires_at=letter.expires_at,
        ),
    )
