"""Events that arrive: an outbox of events written with the change they describe, signed webhooks to
the councils and partners that subscribe, and the worker (`python -m app worker`) that delivers them."""
