"""All SQL about claims, payments and the ledger. Lists of claims are scoped like the care-leaver list."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.care_leavers.models import CareLeaver
from app.care_leavers.repository import visible_people
from app.claims.enums import ClaimStatus, LedgerKind
from app.claims.lifecycle import LEDGER_EFFECT, ClaimMoney
from app.claims.models import AllowanceAccount, Claim, ClaimEvidence, ClaimSettings, LedgerEntry, Payment
from app.db.pagination import Position, SortKey, Window, keyset_page
from app.decisions.models import EntitlementDecision
from app.decisions.repository import decision_on
from app.entitlements.enums import ProviderKind
from app.entitlements.models import Entitlement

NEWEST_FIRST = SortKey("-created_at", (Claim.created_at, Claim.id), descending=True)
# A manager's queue: the claim waiting longest first.
OLDEST_FIRST = SortKey("updated_at", (Claim.updated_at, Claim.id))
BY_PAID_ON = SortKey("paid_on", (Payment.paid_on, Payment.id))


@dataclass(frozen=True, slots=True)
class Pot:
    """One row of a young person's balances: the decision today (if any) and the ledger's sums."""

    entitlement_code: str
    period_key: str | None
    cap_pence: int | None  # from today's stored decision; None when there is none, or no amount
    title: str | None
    period: str | None
    committed: int
    paid: int


def ledger_line(
    claim: Claim, kind: LedgerKind, amount: int, by: uuid.UUID, payment_id: uuid.UUID | None = None
) -> LedgerEntry:
    """One ledger line of `claim`'s allowance, with its signed effects on the balance's two sums."""
    committed, paid = LEDGER_EFFECT[kind]
    return LedgerEntry(
        local_authority_id=claim.local_authority_id,
        care_leaver_id=claim.care_leaver_id,
        entitlement_code=claim.entitlement_code,
        period_key=claim.period_key,
        claim_id=claim.id,
        payment_id=payment_id,
        kind=kind,
        amount_pence=amount,
        committed_delta=committed * amount,
        paid_delta=paid * amount,
        created_by=by,
    )


class ClaimRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def get(self, claim_id: uuid.UUID, *, for_update: bool = False) -> Claim | None:
        stmt = select(Claim).where(Claim.id == claim_id)
        if for_update:
            # PostgreSQL: a second request changing this claim waits for the first to commit, then sees
            # its outcome. SQLite: the transaction already holds the write lock (BEGIN IMMEDIATE).
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def settings(self, local_authority_id: uuid.UUID) -> ClaimSettings | None:
        return await self.session.get(ClaimSettings, local_authority_id)

    async def people(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, CareLeaver]:
        if not ids:
            return {}
        stmt = select(CareLeaver).where(CareLeaver.id.in_(list(ids)))
        return {p.id: p for p in (await self.session.execute(stmt)).scalars()}

    async def entitlement(self, offer_version_id: uuid.UUID, code: str) -> Entitlement | None:
        stmt = select(Entitlement).where(
            Entitlement.offer_version_id == offer_version_id, Entitlement.code == code
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def decision_on(
        self, care_leaver_id: uuid.UUID, code: str, day: date
    ) -> EntitlementDecision | None:
        stmt = select(EntitlementDecision).where(
            EntitlementDecision.care_leaver_id == care_leaver_id,
            EntitlementDecision.entitlement_code == code,
            decision_on(day),
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    # Lists

    async def of_person(
        self, care_leaver_id: uuid.UUID, *, limit: int, cursor: Position | None
    ) -> Window[Claim]:
        stmt = select(Claim).where(Claim.care_leaver_id == care_leaver_id)
        return await keyset_page(self.session, stmt, NEWEST_FIRST, limit=limit, cursor=cursor)

    async def visible(
        self,
        principal: Principal,
        today: date,
        *,
        statuses: Collection[ClaimStatus],
        team_id: uuid.UUID | None,
        limit: int,
        cursor: Position | None,
    ) -> Window[Claim]:
        people = visible_people(principal, today, team_id=team_id, include_closed=True)
        stmt = select(Claim).where(Claim.status.in_(list(statuses)), Claim.care_leaver_id.in_(people))
        return await keyset_page(self.session, stmt, OLDEST_FIRST, limit=limit, cursor=cursor)

    # Money

    async def lock_account(self, claim: Claim) -> None:
        """Hold the lock on the claim's allowance until the transaction ends (creating its row the first
        time), so two approvals or payments against one allowance never both read the same remainder."""
        values = {
            "id": uuid.uuid4(),
            "local_authority_id": claim.local_authority_id,
            "care_leaver_id": claim.care_leaver_id,
            "entitlement_code": claim.entitlement_code,
            "period_key": claim.period_key,
        }
        if not self._postgres:
            # SQLite: the transaction holds the database's write lock already; the row records the pot.
            exists = await self.session.scalar(self._account(claim))
            if exists is None:
                await self.session.execute(insert(AllowanceAccount).values(**values))
            return
        await self.session.execute(pg_insert(AllowanceAccount).values(**values).on_conflict_do_nothing())
        await self.session.execute(self._account(claim).with_for_update())

    @staticmethod
    def _account(claim: Claim) -> Select[uuid.UUID]:
        return select(AllowanceAccount.id).where(
            AllowanceAccount.care_leaver_id == claim.care_leaver_id,
            AllowanceAccount.entitlement_code == claim.entitlement_code,
            AllowanceAccount.period_key == claim.period_key,
        )

    async def pot_sums(self, claim: Claim) -> tuple[int, int]:
        """(committed, paid) of the claim's allowance, from the ledger."""
        stmt = select(
            func.coalesce(func.sum(LedgerEntry.committed_delta), 0),
            func.coalesce(func.sum(LedgerEntry.paid_delta), 0),
        ).where(
            LedgerEntry.care_leaver_id == claim.care_leaver_id,
            LedgerEntry.entitlement_code == claim.entitlement_code,
            LedgerEntry.period_key == claim.period_key,
        )
        committed, paid = (await self.session.execute(stmt)).one()
        return int(committed), int(paid)

    async def append(
        self, claim: Claim, kind: LedgerKind, amount: int, by: uuid.UUID, payment_id: uuid.UUID | None = None
    ) -> None:
        self.session.add(ledger_line(claim, kind, amount, by, payment_id))
        await self.session.flush()

    async def money(self, claim_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ClaimMoney]:
        """Each claim's approved, paid, reversed and released amounts, from the ledger: one query."""
        if not claim_ids:
            return {}
        stmt = (
            select(LedgerEntry.claim_id, LedgerEntry.kind, func.sum(LedgerEntry.amount_pence))
            .where(LedgerEntry.claim_id.in_(list(claim_ids)))
            .group_by(LedgerEntry.claim_id, LedgerEntry.kind)
        )
        sums: dict[uuid.UUID, dict[LedgerKind, int]] = {}
        for claim_id, kind, total in (await self.session.execute(stmt)).all():
            sums.setdefault(claim_id, {})[LedgerKind(kind)] = int(total)
        return {
            claim_id: ClaimMoney(
                approved=found.get(LedgerKind.COMMITMENT, 0),
                paid=found.get(LedgerKind.PAYMENT, 0),
                reversed=found.get(LedgerKind.REVERSAL, 0),
                released=found.get(LedgerKind.RELEASE, 0),
            )
            for claim_id, found in sums.items()
        }

    async def payments(self, claim_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[Payment]]:
        found: dict[uuid.UUID, list[Payment]] = {i: [] for i in claim_ids}
        if not claim_ids:
            return found
        stmt = (
            select(Payment)
            .where(Payment.claim_id.in_(list(claim_ids)))
            .order_by(Payment.created_at, Payment.id)
        )
        for payment in (await self.session.execute(stmt)).scalars():
            found[payment.claim_id].append(payment)
        return found

    async def payment(self, payment_id: uuid.UUID, *, for_update: bool = False) -> Payment | None:
        stmt = select(Payment).where(Payment.id == payment_id)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def evidence(self, claim_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[ClaimEvidence]]:
        """Evidence without its bytes (`content` is loaded only to download one file)."""
        found: dict[uuid.UUID, list[ClaimEvidence]] = {i: [] for i in claim_ids}
        if not claim_ids:
            return found
        columns = [c for c in ClaimEvidence.__table__.c if c.name != "content"]
        stmt = (
            select(*columns)
            .where(ClaimEvidence.claim_id.in_(list(claim_ids)))
            .order_by(ClaimEvidence.uploaded_at)
        )
        for row in (await self.session.execute(stmt)).mappings():
            found[row["claim_id"]].append(ClaimEvidence(**row))
        return found

    async def evidence_file(self, claim_id: uuid.UUID, evidence_id: uuid.UUID) -> ClaimEvidence | None:
        stmt = select(ClaimEvidence).where(
            ClaimEvidence.id == evidence_id, ClaimEvidence.claim_id == claim_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def pots(
        self, care_leaver_id: uuid.UUID, today: date, providers: Collection[ProviderKind]
    ) -> list[Pot]:
        """Every allowance the young person may claim here today (an amount, from one of `providers`) or
        has drawn on, with the ledger's sums: one query (today's decisions full-outer-joined to the ledger
        grouped by pot)."""
        ledger = (
            select(
                LedgerEntry.entitlement_code.label("code"),
                LedgerEntry.period_key.label("period_key"),
                func.sum(LedgerEntry.committed_delta).label("committed"),
                func.sum(LedgerEntry.paid_delta).label("paid"),
            )
            .where(LedgerEntry.care_leaver_id == care_leaver_id)
            .group_by(LedgerEntry.entitlement_code, LedgerEntry.period_key)
            .subquery("ledger")
        )
        decided = (
            select(
                EntitlementDecision.entitlement_code.label("code"),
                EntitlementDecision.amount_pence.label("cap"),
                Entitlement.title.label("title"),
                Entitlement.amount.label("amount"),
            )
            .join(
                Entitlement,
                (Entitlement.offer_version_id == EntitlementDecision.offer_version_id)
                & (Entitlement.code == EntitlementDecision.entitlement_code),
            )
            .where(
                EntitlementDecision.care_leaver_id == care_leaver_id,
                decision_on(today),
                EntitlementDecision.outcome == "eligible",
                EntitlementDecision.amount_pence.is_not(None),
                Entitlement.provider_kind.in_(list(providers)),
            )
            .subquery("decided")
        )
        stmt = select(
            func.coalesce(decided.c.code, ledger.c.code),
            ledger.c.period_key,
            decided.c.cap,
            decided.c.title,
            decided.c.amount,
            func.coalesce(ledger.c.committed, literal(0)),
            func.coalesce(ledger.c.paid, literal(0)),
        ).select_from(decided.join(ledger, decided.c.code == ledger.c.code, full=True))
        pots = []
        for code, key, cap, title, amount, committed, paid in (await self.session.execute(stmt)).all():
            spec: dict[str, Any] = amount or {}
            period = spec.get("period")
            pots.append(Pot(code, key, cap, title, period, int(committed), int(paid)))
        return pots

    def spending(self, local_authority_id: uuid.UUID, first: date, last: date) -> Select[Payment]:
        """Payments paid, or reversed, between two days (inclusive), for the finance system."""
        return select(Payment).where(
            Payment.local_authority_id == local_authority_id,
            ((Payment.paid_on >= first) & (Payment.paid_on <= last))
            | ((Payment.reversed_on >= first) & (Payment.reversed_on <= last)),
        )

    async def spending_page(
        self, local_authority_id: uuid.UUID, first: date, last: date, *, limit: int, cursor: Position | None
    ) -> Window[Payment]:
        stmt = self.spending(local_authority_id, first, last)
        return await keyset_page(self.session, stmt, BY_PAID_ON, limit=limit, cursor=cursor)
