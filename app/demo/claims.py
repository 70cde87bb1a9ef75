"""Demo claims (all fictional), made through the same use cases as the API, so each is audited and its
money is in the ledger: Ben (City) has claims paid, part paid, declined, submitted and in draft against
his setting-up-home allowance and higher-education bursary; Chloe (County) has one approved, one
withdrawn and one whose payment came back. Loaded after the stored decisions, which claims are made
under; loading again adds nothing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.auth.repository import AuthRepository, principal_for
from app.claims import money, service
from app.claims.models import Claim
from app.claims.schemas import ClaimCreate, ClaimRead, PaymentCreate, ReversalCreate
from app.demo.ids import demo_id
from app.pathway_plans.models import PathwayPlan, PlanAction

SUHA = "setting-up-home-allowance"
BURSARY = "higher-education-bursary"


@dataclass(frozen=True)
class Actors:
    young_person: Principal
    adviser: Principal
    manager: Principal
    admin: Principal


async def _principal(session: AsyncSession, email: str) -> Principal:
    user = await AuthRepository(session).user_by_email(email)
    assert user is not None, email
    return principal_for(user, None)


async def _actors(session: AsyncSession, council: str, young_person: str, adviser: str) -> Actors:
    return Actors(
        await _principal(session, young_person),
        await _principal(session, adviser),
        await _principal(session, f"manager@{council}.demo"),
        await _principal(session, f"admin@{council}.demo"),
    )


def _body(
    code: str, purpose: str, *items: tuple[str, int], submit: bool = True, **extra: object
) -> ClaimCreate:
    return ClaimCreate.model_validate(
        {
            "entitlement_code": code,
            "purpose": purpose,
            "items": [{"description": d, "amount_pence": p} for d, p in items],
            "payment_method": "supplier" if "payee" in extra else "bank_transfer",
            "submit": submit,
            **extra,
        }
    )


async def _approved(session: AsyncSession, a: Actors, claim: ClaimRead) -> ClaimRead:
    """Approved by the manager, and by the admin as well where the amount needs a second approver."""
    claim = await service.approve_claim(session, a.manager, claim.id)
    if claim.status.value == "submitted":
        claim = await service.approve_claim(session, a.admin, claim.id)
    return claim


async def _pay(session: AsyncSession, a: Actors, claim: ClaimRead, pence: int, reference: str) -> uuid.UUID:
    body = PaymentCreate(amount_pence=pence, reference=reference)
    return (await money.record_payment(session, a.manager, claim.id, body)).id


async def _plan_action(session: AsyncSession, person: uuid.UUID, description: str) -> uuid.UUID | None:
    stmt = (
        select(PlanAction.id)
        .join(PathwayPlan, PathwayPlan.id == PlanAction.plan_id)
        .where(PathwayPlan.care_leaver_id == person, PlanAction.description == description)
        .order_by(PathwayPlan.version.desc())
        .limit(1)
    )
    found: uuid.UUID | None = await session.scalar(stmt)
    return found


async def _bens(session: AsyncSession, a: Actors, person: uuid.UUID) -> None:
    action = await _plan_action(session, person, "Apply for the setting-up-home allowance")
    home = _body(
        SUHA,
        "Furniture and a cooker for my first flat",
        ("Bed and mattress", 25000),
        ("Cooker", 32000),
        payee="Notts Furniture Project (demo)",
        pathway_plan_action_id=str(action) if action else None,
    )
    paid = await _approved(session, a, await service.create_claim(session, a.adviser, person, home))
    await _pay(session, a, paid, 57000, "AP-DEMO-0001")
    curtains = _body(
        SUHA, "Curtains, bedding and kitchen things", ("Curtains", 6000), ("Pans and plates", 9000)
    )
    part = await _approved(session, a, await service.create_claim(session, a.young_person, person, curtains))
    await _pay(session, a, part, 6000, "AP-DEMO-0002")
    telly = _body(SUHA, "A television", ("Television", 35000))
    declined = await service.create_claim(session, a.young_person, person, telly)
    reason = "The allowance is for the essentials of your home. Let's look at your budget together for a TV."
    await service.decline_claim(session, a.manager, declined.id, reason)
    books = _body(BURSARY, "First-year instalment of my bursary", ("Instalment 2026/27", 70000))
    await service.create_claim(session, a.adviser, person, books)
    draft = _body(SUHA, "A desk for my studies", ("Desk and chair", 12000), submit=False)
    await service.create_claim(session, a.young_person, person, draft)


async def _chloes(session: AsyncSession, a: Actors, person: uuid.UUID) -> None:
    machine = _body(
        SUHA, "A washing machine", ("Washing machine", 30000), payee="Mansfield Appliances (demo)"
    )
    await _approved(session, a, await service.create_claim(session, a.young_person, person, machine))
    rug = await service.create_claim(session, a.young_person, person, _body(SUHA, "A rug", ("Rug", 8000)))
    await service.withdraw_claim(session, a.young_person, rug.id, "My foster carer gave me one.")
    sofa = _body(SUHA, "A sofa", ("Sofa", 15000))
    bounced = await _approved(session, a, await service.create_claim(session, a.adviser, person, sofa))
    payment = await _pay(session, a, bounced, 15000, "AP-DEMO-0101")
    returned = ReversalCreate(reason="Returned by the bank: the account number was wrong.")
    await money.reverse_payment(session, a.manager, payment, returned)


DEMO: list[tuple[str, str, str, str, Callable[[AsyncSession, Actors, uuid.UUID], Awaitable[None]]]] = [
    ("city-2", "nottingham", "leaver2@nottingham.demo", "pa2@nottingham.demo", _bens),
    ("county-1", "notts", "leaver1@notts.demo", "pa1@notts.demo", _chloes),
]


async def load_claims(session: AsyncSession) -> int:
    added = 0
    for key, council, young_person, adviser, load in DEMO:
        person = demo_id("care-leaver", key)
        if await session.scalar(
            select(func.count()).select_from(Claim).where(Claim.care_leaver_id == person)
        ):
            continue  # loaded already
        await load(session, await _actors(session, council, young_person, adviser), person)
        added += int(
            await session.scalar(
                select(func.count()).select_from(Claim).where(Claim.care_leaver_id == person)
            )
            or 0
        )
    return added
