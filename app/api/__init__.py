"""HTTP kit: session dependency, problem+json, pagination, OpenAPI export, offline docs."""
