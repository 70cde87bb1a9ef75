"""Use cases on a council's contact policy, its age bands as data (the rule itself is `policy.py`).

Replacing the bands keeps the old rows (closed with `replaced_at`) and recomputes every due date in
the council in the same unit of work, so the overdue list never mixes two policies.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record
from app.auth.principal import Principal
from app.contacts.due_dates import refresh_council
from app.contacts.errors import ContactPolicyInvalid
from app.contacts.models import ContactPolicy
from app.contacts.policy import Band, first_overlap
from app.contacts.repository import ContactRepository
from app.contacts.schemas import (
    ContactPolicyBandRead,
    ContactPolicyBandWrite,
    ContactPolicyRead,
    ContactPolicyWrite,
)
from app.core.clock import uk_today, utc_now
from app.core.errors import field_error


def _read(principal: Principal, bands: list[ContactPolicy]) -> ContactPolicyRead:
    return ContactPolicyRead(
        local_authority=principal.local_authority_gss or "",
        bands=[
            ContactPolicyBandRead(
                min_age=b.min_age,
                max_age=b.max_age,
                max_interval_days=b.max_interval_days,
                description=b.description,
                source=b.source,
                last_checked=b.last_checked,
                needs_checking=b.needs_checking,
            )
            for b in bands
        ],
    )


async def get_policy(session: AsyncSession, principal: Principal) -> ContactPolicyRead:
    """The caller's council's bands, youngest first. Reference data: no personal data, no audit event."""
    assert principal.local_authority_id is not None  # council staff only reach here
    found = await ContactRepository(session).current_policies([principal.local_authority_id])
    return _read(principal, found.get(principal.local_authority_id, []))


async def replace_policy(
    session: AsyncSession, principal: Principal, body: ContactPolicyWrite
) -> ContactPolicyRead:
    """Replace the council's bands with these; the same bands again change nothing."""
    assert principal.local_authority_id is not None
    council = principal.local_authority_id
    _check(body.bands)
    repo = ContactRepository(session)
    current = (await repo.current_policies([council])).get(council, [])
    wanted = sorted(body.bands, key=lambda b: b.min_age)
    if [_key_of_row(row) for row in current] == [_key_of_write(band) for band in wanted]:
        return _read(principal, current)
    now, today = utc_now(), uk_today()
    for row in current:
        row.replaced_at = now
    await session.flush()  # the old bands leave the unique "current" index before the new ones arrive
    added = [
        ContactPolicy(
            local_authority_id=council,
            min_age=band.min_age,
            max_age=band.max_age,
            max_interval_days=band.max_interval_days,
            description=band.description,
            source=band.source,
            last_checked=today,
            needs_checking=band.needs_checking,
            created_at=now,
            created_by=principal.user_id,
        )
        for band in wanted
    ]
    session.add_all(added)
    await session.flush()
    await refresh_council(session, council)
    await record(
        session,
        principal.as_actor(),
        AuditAction.UPDATE,
        "contact_policy",
        local_authority_id=council,
        details={"bands": [f"{b.min_age}-{b.max_age}: {b.max_interval_days} days" for b in wanted]},
    )
    return _read(principal, added)


def _check(bands: list[ContactPolicyBandWrite]) -> None:
    for index, band in enumerate(bands):
        if band.max_age <= band.min_age:
            raise ContactPolicyInvalid(
                "Each band must end after it starts.",
                errors=[field_error(f"bands.{index}.max_age", "must be more than min_age")],
            )
    overlap = first_overlap([Band(b.min_age, b.max_age, b.max_interval_days) for b in bands])
    if overlap is not None:
        earlier, later = overlap
        index = max(
            i for i, b in enumerate(bands) if (b.min_age, b.max_age) == (later.min_age, later.max_age)
        )
        raise ContactPolicyInvalid(
            f"Bands {earlier.min_age}-{earlier.max_age} and {later.min_age}-{later.max_age} overlap: "
            "a young person must be in one band at a time.",
            errors=[
                field_error(
                    f"bands.{index}.min_age", f"overlaps the band {earlier.min_age}-{earlier.max_age}"
                )
            ],
        )


def _key_of_row(row: ContactPolicy) -> tuple[object, ...]:
    return (row.min_age, row.max_age, row.max_interval_days, row.description, row.source, row.needs_checking)


def _key_of_write(band: ContactPolicyBandWrite) -> tuple[object, ...]:
    return (
        band.min_age,
        band.max_age,
        band.max_interval_days,
        band.description,
        band.source,
        band.needs_checking,
    )
