"""A demo young person whose status changed because an episode was added (issue 11): Farah Timeline.

In care for ten weeks (accommodated under s20, with foster carers), she is not yet an eligible child.
Then an earlier period turns up in the paper file: eight weeks in a children's home under a care order
at 15. Recorded through the same use case the API calls, it makes 18 weeks since her 14th birthday,
and she is eligible: the audit trail of that episode says the status moved, and from what to what.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.repository import AuthRepository, principal_for
from app.care_leavers import episodes
from app.care_leavers.care_history import LegalBasis, PlacementType
from app.care_leavers.episode_schemas import CareEpisodeCreate
from app.care_leavers.models import CareLeaver
from app.core.clock import uk_today
from app.core.dates import birthday
from app.demo.ids import demo_id
from app.demo.people import CITY
from app.local_authorities.models import LocalAuthority

KEY = "city-episodes"
RECORDED_BY = "admin@nottingham.demo"


async def load_episodes(session: AsyncSession) -> int:
    person_id = demo_id("care-leaver", KEY)
    user = await AuthRepository(session).user_by_email(RECORDED_BY)
    if user is None or await session.get(CareLeaver, person_id) is not None:
        return 0
    city = await session.scalar(select(LocalAuthority.id).where(LocalAuthority.gss_code == CITY))
    assert city is not None
    today = uk_today()
    born = today - timedelta(days=17 * 365 + 120)
    person = CareLeaver(
        id=person_id,
        local_authority_id=city,
        case_reference="DEMO-EPISODES",
        given_name="Farah",
        family_name="Timeline",
        date_of_birth=born,
        district_gss_code=CITY,
    )
    session.add(person)
    await session.flush()
    principal = principal_for(user, None)
    now = CareEpisodeCreate(
        start_on=today - timedelta(weeks=10),
        legal_basis=LegalBasis.SECTION_20_SINGLE_PERIOD,
        placement_type=PlacementType.FOSTER_OTHER,
    )
    await episodes.add_episode(session, principal, person, now)
    earlier_start = birthday(born, 15) + timedelta(days=30)
    earlier = CareEpisodeCreate(
        start_on=earlier_start,
        end_on=earlier_start + timedelta(weeks=8),
        legal_basis=LegalBasis.FULL_CARE_ORDER,
        placement_type=PlacementType.CHILDRENS_HOME,
    )
    await episodes.add_episode(session, principal, person, earlier)
    return 3
