"""Pathway plans: written with the young person, reviewed on time, authorised, never lost."""
