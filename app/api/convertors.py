"""Path convertors: an id segment matches only a UUID, so `/care-leavers/imports` is never read as an id.

Without this, a static route next to `/{care_leaver_id}` (a GET /imports, a PATCH on a queue) would
match the parameter route and answer 422 for a bad UUID instead of 405, and `Allow` would list the
parameter route's methods. Starlette's own `uuid` convertor accepts only lower case; UUIDs are not
case-sensitive (RFC 9562), so ours accepts both.
"""

from __future__ import annotations

import uuid

from starlette.convertors import Convertor, register_url_convertor


class UUIDConvertor(Convertor[uuid.UUID]):
    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def convert(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_string(self, value: uuid.UUID) -> str:
        return str(value)


def register() -> None:
    register_url_convertor("uuid", UUIDConvertor())


register()
