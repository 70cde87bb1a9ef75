"""Append-only audit trail: who looked at or changed whose data, when, and with what outcome."""
