"""Demo ids derived from readable keys, the same on every machine, so loading twice adds nothing."""

import uuid

DEMO_NAMESPACE = uuid.UUID("0d3e1f5a-7c9b-4e2d-8a6f-1b2c3d4e5f60")


def demo_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(parts))
