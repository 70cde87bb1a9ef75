"""HTTP kit: session dependency, problem+json, pagination, OpenAPI export, offline docs."""

# Registered before any router compiles its paths: `{x_id:uuid}` segments match only UUIDs.
from app.api import convertors as _convertors  # noqa: F401
