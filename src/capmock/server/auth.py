"""Who may use what: the page and /api/ (``--ui-password``), and the mock Capillary APIs
(``--api-user`` / ``--api-password``: Basic auth, or a token from the mock
``POST /v3/oauth/token/generate`` sent as ``X-CAP-API-OAUTH-TOKEN``).

Capillary's Basic auth sends the MD5 hex digest of the password; the mock accepts that or
the plain password. With no credentials configured everything answers anyone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

TOKEN_HEADER = "X-CAP-API-OAUTH-TOKEN"


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic …`` header, or None."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass
class UiAuth:
    """Basic auth for the page and /api/: any user name, this password."""

    password: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.password)

    def allows(self, authorization: str | None) -> bool:
        if not self.password:
            return True
        creds = basic_credentials(authorization)
        return creds is not None and same(creds[1], self.password)


@dataclass
class ApiAuth:
    """The mock Capillary APIs' credentials and the tokens issued for them."""

    user: str | None = None
    password: str | None = None
    ttl_seconds: int = 1800
    _tokens: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def enabled(self) -> bool:
        return self.user is not None and self.password is not None

    def valid_pair(self, user: str, password: str) -> bool:
        if not self.enabled:
            return True
        assert self.user is not None and self.password is not None
        md5 = hashlib.md5(self.password.encode("utf-8")).hexdigest()
        password_ok = same(password, self.password) or same(password.lower(), md5)
        return same(user, self.user) and password_ok

    def issue(self) -> tuple[str, int]:
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + self.ttl_seconds
        return token, self.ttl_seconds

    def token_ok(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            expiry = self._tokens.get(token.strip())
        return expiry is not None and expiry > time.time()

    def allows(self, authorization: str | None, token: str | None) -> bool:
        if not self.enabled:
            return True
        if self.token_ok(token):
            return True
        creds = basic_credentials(authorization)
        return creds is not None and self.valid_pair(*creds)
