"""What a reachable ``capmock serve`` lets others do, and its guards.

*Targets*: with ``--allow-target`` the server delivers only to those places (and to its own
sinks). A URL is compared by its parts — scheme, host, port (the scheme's default when
absent) and path (the allowed path, or below it at a ``/``) — as the sender will parse and
connect to it (requests' preparation, then urllib3's parser), never as a string prefix:
``http://127.0.0.1:18240@127.0.0.2:18241/`` goes to 127.0.0.2:18241 and is refused when only
``http://127.0.0.1:18240/`` is allowed.

*Exposure*: bound to a non-loopback address with neither ``--allow-target`` nor
``--ui-password``, anyone who reaches the port can make the server POST to any URL (an open
relay into the host's network) and read the model's customers; :func:`exposure_warning`
says so.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import requests
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from capmock.errors import UsageError

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Place:
    """Where a URL is delivered: scheme, host (lower case), port, path."""

    scheme: str
    host: str
    port: int
    path: str

    def covers(self, other: Place) -> bool:
        """Is ``other`` this place, or below its path?"""
        if (self.scheme, self.host, self.port) != (other.scheme, other.host, other.port):
            return False
        base = self.path.rstrip("/")
        return not base or other.path == base or other.path.startswith(base + "/")


def place(url: str) -> Place:
    """The place ``url`` is delivered to, parsed as the sender parses it."""
    try:
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, None)
        parts = parse_url(prepared.url or "")
    except (requests.RequestException, LocationParseError, ValueError) as err:
        raise UsageError(f"cannot read the URL: {err}") from None
    scheme = (parts.scheme or "").lower()
    if scheme not in DEFAULT_PORTS or not parts.host:
        raise UsageError("not an http(s) URL with a host")
    host = parts.host.lower().strip("[]")
    return Place(scheme, host, parts.port or DEFAULT_PORTS[scheme], parts.path or "/")


def allowed_places(allowed: tuple[str, ...]) -> tuple[Place, ...]:
    """``--allow-target`` values as places; UsageError names the one that is not a URL."""
    out = []
    for url in allowed:
        try:
            out.append(place(url))
        except UsageError as err:
            raise UsageError(
                f"--allow-target '{url}': {err.message}", hint="e.g. http://127.0.0.1:9000/hooks"
            ) from None
    return tuple(out)


def permitted(url: str, allowed: tuple[Place, ...]) -> bool:
    """May the server deliver to ``url``? (Always, when nothing is configured.)"""
    if not allowed:
        return True
    try:
        target = place(url)
    except UsageError:
        return False
    return any(a.covers(target) for a in allowed)


def is_loopback(host: str) -> bool:
    """Is the bound address loopback only? (A name other than localhost counts as not.)"""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(
    host: str,
    allow_targets: tuple[str, ...],
    ui_password: str | None,
) -> str | None:
    """The warning to print when the server is reachable from other hosts and unguarded."""
    if is_loopback(host) or allow_targets or ui_password:
        return None
    return (
        f"warning: listening on {host} with no --allow-target and no --ui-password: anyone "
        "who reaches this port can make capmock send requests to any URL (an open relay into "
        "your network) and read the model's customers; add --ui-password, or --allow-target "
        "for each consumer URL"
    )
