"""The sync's own errors."""

from __future__ import annotations

from app.core.errors import DomainError, ErrorKind, InvalidInput


class CursorExpired(DomainError):
    """The changes since this cursor are no longer kept (or it is not one of yours): sync again from a
    snapshot (no cursor)."""

    code = "sync.cursor_expired"
    kind = ErrorKind.GONE
    title = "Sync cursor expired"


class InvalidSyncCursor(InvalidInput):
    code = "sync.invalid_cursor"
    title = "Not a sync cursor"


class ChangeIdReused(InvalidInput):
    """A push's change carries an id already used for a different change (answered in its result)."""

    code = "sync.change_id_reused"
    title = "Change id already used"
