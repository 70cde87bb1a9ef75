"""Database kit: declarative base, engine, unit of work, repository base."""
