"""Where a webhook may go. Outside development and tests, only to public internet addresses: a partner
chooses its URL, and a URL naming the council's own network (10.x, 169.254.169.254, localhost, a name
that resolves to one of them) would make our worker a way in to it (server-side request forgery).

Checked when a subscription is made and again before every attempt, because a name can be pointed
somewhere else after it was checked. (The connection itself is not pinned to the address checked: a
name that changes between the check and the connect, within a second, is the remaining gap.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from app.core.settings import Environment, Settings

_OPEN = frozenset({Environment.DEVELOPMENT, Environment.TEST})


def guarded(settings: Settings) -> bool:
    """Whether this deployment refuses private addresses (everywhere but a developer's machine and tests)."""
    return settings.environment not in _OPEN


def _public(ip: str) -> bool:
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    return address.is_global and not address.is_multicast


async def public_host(host: str) -> bool:
    """True when `host` is, or resolves only to, public internet addresses."""
    try:
        return _public(host.strip("[]"))
    except ValueError:
        pass  # a name, not an address
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return False
    addresses = {str(info[4][0]) for info in found}
    return bool(addresses) and all(_public(a) for a in addresses)
