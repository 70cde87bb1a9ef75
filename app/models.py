"""Every domain's models, imported so that `Base.metadata` describes the whole schema (for Alembic)."""

from app.audit import models as _audit  # noqa: F401
from app.auth import models as _auth  # noqa: F401
from app.care_leavers import models as _care_leavers  # noqa: F401
from app.claims import models as _claims  # noqa: F401
from app.contacts import models as _contacts  # noqa: F401
from app.db import idempotency as _idempotency  # noqa: F401
from app.db.base import Base
from app.decisions import models as _decisions  # noqa: F401
from app.devices import models as _devices  # noqa: F401
from app.entitlements import models as _entitlements  # noqa: F401
from app.events import models as _events  # noqa: F401
from app.letters import models as _letters  # noqa: F401
from app.local_authorities import models as _local_authorities  # noqa: F401
from app.notifications import models as _notifications  # noqa: F401
from app.partners import models as _partners  # noqa: F401
from app.pathway_plans import models as _pathway_plans  # noqa: F401
from app.sync import models as _sync  # noqa: F401

target_metadata = Base.metadata
