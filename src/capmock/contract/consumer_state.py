"""Reading a consumer's view of a customer: ``GET {base}/customers/{customerId}``.

The template comes from a scenario's ``consumer.state`` or ``--state``. ``{base}`` is the
target's ``scheme://host:port``; ``{customerId}`` the customer's id. Header values may
use ``${ENV_VAR}`` so tokens stay out of files.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from capmock.errors import UsageError
from capmock.units import header as parse_header

METHODS = ("GET", "POST")
_ENV = re.compile(r"\$\{(\w+)\}")
SNIPPET = 300


def base_of(target: str) -> str:
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def expand_env(value: str) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise UsageError(f"state header uses ${{{name}}}, which is not set")
        return os.environ[name]

    return _ENV.sub(sub, value)


@dataclass(frozen=True)
class Observation:
    """What the state endpoint answered: status and JSON body (or text, or an error)."""

    status: int | None
    body: Any = None
    error: str | None = None

    def brief(self) -> str:
        if self.error:
            return f"no answer ({self.error})"
        text = self.body if isinstance(self.body, str) else json.dumps(self.body)
        if len(text) > SNIPPET:
            text = text[:SNIPPET] + "…"
        return f"{self.status} {text}"


@dataclass(frozen=True)
class StateEndpoint:
    template: str  # a URL with {customerId}; {base} already resolved
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    timeout: float = 10.0

    @classmethod
    def parse(
        cls,
        spec: str,
        *,
        target: str | None,
        headers: dict[str, Any] | list[str] | tuple[str, ...] = (),
        timeout: float = 10.0,
    ) -> StateEndpoint:
        """From ``"[GET ]URL-template"``; ``headers`` as a mapping or 'K: V' strings."""
        method, _, rest = spec.strip().partition(" ")
        if method.upper() not in METHODS or not rest.strip():
            method, rest = "GET", spec.strip()
        template = rest.strip()
        if "{customerId}" not in template:
            raise UsageError(f"state URL '{template}' has no {{customerId}}")
        if "{base}" in template:
            if not target:
                raise UsageError("the state URL uses {base} but there is no target")
            template = template.replace("{base}", base_of(target))
        pairs = (
            [(str(k), str(v)) for k, v in headers.items()]
            if isinstance(headers, dict)
            else [parse_header(h) for h in headers]
        )
        resolved = tuple((k, expand_env(v)) for k, v in pairs)
        if urlsplit(template).scheme not in ("http", "https"):
            raise UsageError(f"state URL '{template}' is not an http(s) URL")
        return cls(template, method.upper(), resolved, timeout)

    def url(self, customer_id: int | str) -> str:
        return self.template.replace("{customerId}", str(customer_id))

    def read(self, customer_id: int | str, session: requests.Session | None = None) -> Observation:
        http = session or requests
        try:
            resp = http.request(
                self.method, self.url(customer_id), headers=dict(self.headers),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            return Observation(None, None, type(exc).__name__)
        try:
            body: Any = resp.json()
        except ValueError:
            body = resp.text[:SNIPPET]
        return Observation(resp.status_code, body)
