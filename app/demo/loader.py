"""Runs each domain's demo step in order, in one transaction, reporting progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.contacts.due_dates import refresh_council
from app.core.settings import Settings
from app.db.session import Database
from app.decisions.repository import DecisionRepository
from app.decisions.service import recompute_council
from app.demo.claims import load_claims
from app.demo.contacts import load_contacts
from app.demo.council_tax import load_council_tax
from app.demo.episodes import load_episodes
from app.demo.people import load_people
from app.demo.plans import load_plans
from app.demo.records import load_records
from app.wiring import wire


class DemoModeRequired(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class DemoStep:
    name: str
    run: Callable[[AsyncSession], Awaitable[int]]  # returns how many rows it added


async def _decisions(session: AsyncSession) -> int:
    """Every demo person's decisions, from the histories and circumstances just loaded; the rows added
    (none when loaded again: the timelines are regenerated the same)."""
    repository = DecisionRepository(session)
    before = await repository.count()
    for council, _ in await repository.councils():
        await recompute_council(session, council)
        await refresh_council(session, council)  # whether contact is due is one of the decisions
    return max(0, await repository.count() - before)


def demo_steps() -> list[DemoStep]:
    # Later domains append their steps here, after the ones they depend on.
    return [
        DemoStep("Accounts, teams, partners and care leavers", load_people),
        DemoStep("Care histories, circumstances and council numbers", load_records),
        DemoStep("A care history told as episodes", load_episodes),
        DemoStep("Contact logs, follow-up actions and a call-back request", load_contacts),
        DemoStep("Pathway plans", load_plans),
        # Every step above may change what the engine decides for someone.
        DemoStep("Stored entitlement decisions", _decisions),
        # After the decisions: a claim is made under the stored decision for its entitlement.
        DemoStep("Claims and payments", load_claims),
        DemoStep("Billing authorities' council-tax confirmations", load_council_tax),
    ]


async def load_demo_data(
    database: Database,
    settings: Settings,
    *,
    on_step: Callable[[DemoStep, int], None] | None = None,
) -> dict[str, int]:
    """Load every demo step; refuses outside demo mode, so fictional people never reach a real council."""
    wire()  # the steps change records, and contact and review dates must follow
    if not settings.demo:
        raise DemoModeRequired("Demo data loads only in demo mode: set LOCAL_OFFER_DEMO=true.")
    added: dict[str, int] = {}
    async with database.unit_of_work() as session:
        for step in demo_steps():
            count = await step.run(session)
            await session.flush()
            added[step.name] = count
            if on_step is not None:
                on_step(step, count)
    return added
