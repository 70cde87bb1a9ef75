"""Issue 11, case 6: the six-month plan measure reads the stored statuses, and someone who became
eligible within the last three months is not failing (CPPCR 2010 reg 42(1), CLR 2010 reg 5(2))."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.core.clock import uk_today
from app.core.dates import add_months, birthday
from tests.decisions.helpers import create
from tests.support.world import World


async def measure(client: httpx.AsyncClient, world: World) -> dict[str, object]:
    response = await client.get("/v1/reports/pathway-plans", headers=world.headers("admin_city"))
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


async def test_someone_eligible_since_today_is_not_failing(client: httpx.AsyncClient, world: World) -> None:
    before = await measure(client, world)
    today = uk_today()
    in_care = {"still_looked_after": True, "weeks_looked_after_since_14": 40}
    await create(
        client, world, "admin_city", family_name="SixteenToday", date_of_birth=birthday(today, -16), **in_care
    )
    after = await measure(client, world)
    assert after["should_have_plan"] == before["should_have_plan"]
    assert after["first_plan_not_yet_due"] == int(str(before["first_plan_not_yet_due"])) + 1
    # Eligible for four months with no plan: that one is failing.
    four_months = add_months(today, -4) - timedelta(days=1)
    await create(
        client,
        world,
        "admin_city",
        family_name="SixteenEarlier",
        date_of_birth=birthday(four_months, -16),
        **in_care,
    )
    later = await measure(client, world)
    assert later["should_have_plan"] == int(str(before["should_have_plan"])) + 1
    assert later["never_authorised"] == int(str(before["never_authorised"])) + 1
