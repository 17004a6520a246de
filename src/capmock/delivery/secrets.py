"""Secrets around delivery: URLs shown without credentials, and header values a run can get
without a command line (environment variables, a headers file).

Nothing here keeps a secret: values go straight into the headers of the requests; what is
shown or journaled is the URL with ``***`` for credentials and header *names* only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from capmock.errors import InputError, UsageError
from capmock.units import HEADER_NAME, header_value

MASK = "***"
HEADER_ENV_PREFIX = "CAPMOCK_HEADER_"
_SECRET_WORDS = ("key", "token", "secret", "signature", "password", "passwd", "pwd", "auth")


def secret_param(name: str) -> bool:
    """Whether a query parameter's name looks like it carries a secret (``api_key``,
    ``access_token``, ``X-Amz-Signature``, ``sig``, ``password``…)."""
    lowered = name.lower()
    if any(word in lowered for word in _SECRET_WORDS):
        return True
    return "sig" in re.split(r"[^a-z0-9]+", lowered)


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` and the values of secret-looking query
    parameters replaced by ``***``; everything else as given."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # unparseable: show nothing that could be a credential
        return MASK if "@" in url else url
    if parts.username is not None or parts.password is not None:
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        parts = parts._replace(netloc=f"{MASK}@{host}{f':{port}' if port else ''}")
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if any(secret_param(k) for k, _ in pairs):
            masked = [(k, MASK if secret_param(k) else v) for k, v in pairs]
            parts = parts._replace(query=urlencode(masked, safe="*"))
    return parts.geturl()


def is_redacted(url: str) -> bool:
    """A URL as :func:`redact_url` left it, with something hidden (unusable as a target)."""
    return MASK in url


def header_key(name: str) -> str:
    """The form two header names are compared in: case and ``_``/``-`` do not matter."""
    return name.strip().lower().replace("_", "-")


def env_header_name(var: str) -> str:
    """``CAPMOCK_HEADER_X_API_KEY`` -> ``X-Api-Key``."""
    words = var.removeprefix(HEADER_ENV_PREFIX).split("_")
    return "-".join(w.capitalize() for w in words if w)


def headers_from_env(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Headers given as ``CAPMOCK_HEADER_<NAME>=value`` variables, sorted by name."""
    env = os.environ if environ is None else environ
    found = sorted(
        (env_header_name(var), var, value)
        for var, value in env.items()
        if var.startswith(HEADER_ENV_PREFIX) and env_header_name(var)
    )
    out = []
    for name, var, value in found:
        try:
            out.append((name, header_value(value, name)))
        except UsageError as err:
            raise UsageError(f"${var}: {err.message}", hint=err.hint) from None
    return out


def headers_from_file(path: str | Path) -> list[tuple[str, str]]:
    """``Name: value`` lines of a file (blank lines and ``#`` comments skipped).

    Raises InputError with the file and line for anything else; the line's value is never
    repeated in the message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"cannot read headers: {reason}", file=str(path)) from None
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition(":")
        if not sep or not HEADER_NAME.fullmatch(name.strip()):
            what = f"not a header name '{name.strip()[:40]}'" if sep else "no ':' in it"
            raise InputError(
                f"not a header line: {what}",
                file=str(path),
                line=number,
                hint="write one 'Name: value' per line",
            )
        try:
            out.append((name.strip(), header_value(value.strip(), name.strip())))
        except UsageError as err:  # the value itself is never repeated
            raise InputError(err.message, file=str(path), line=number, hint=err.hint) from None
    return out


def merge_headers(*sources: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers of several sources, a later source replacing an earlier one's same name."""
    merged: dict[str, tuple[str, str]] = {}
    for source in sources:
        for name, value in source:
            merged[header_key(name)] = (name, value)
    return list(merged.values())
