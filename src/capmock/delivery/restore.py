"""The options a resumed run continues with: the journaled ones (they are not secret),
overridden by what the resume is given; and the secrets it must be given again.

A journal records the *names* of the headers a run sent with secret values (``--header``
names, ``Authorization`` for basic or bearer auth, the signing secret) and never a value.
:func:`check_secrets` refuses a resume that would send without any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from capmock.delivery.options import DeliveryOptions
from capmock.delivery.secrets import HEADER_ENV_PREFIX, header_key
from capmock.errors import UsageError

SIGNING = "signing secret"
_SECRET_KEYS = ("headers", "basic_auth", "bearer", "secret")
_SAME_NAME = ("connections", "timeout", "user_agent", "sign", "secret", "bearer", "basic_auth")
_POLICY = ("retry", "max_attempts", "backoff", "give_up_after")
_FAULTS = {  # flag -> the Faults fields it sets
    "duplicates": ("duplicate",),
    "duplicate_delay": ("duplicate_delay",),
    "reorder": ("reorder",),
    "reorder_scope": ("reorder_scope",),
    "delay": ("delay",),
    "burst": ("burst", "burst_gap"),
}


def secret_names(options: DeliveryOptions) -> list[str]:
    """Names of what carries a secret in ``options``: header names, ``Authorization``,
    and ``signing secret``."""
    names = [name for name, _ in options.headers]
    if options.basic_auth or options.bearer:
        names.append("Authorization")
    if options.secret:
        names.append(SIGNING)
    return names


def journaled_secret_names(run: Mapping[str, Any]) -> list[str]:
    """The secret names a journal's run record lists (older journals: from its options)."""
    if "secret_headers" in run:
        return [str(n) for n in run["secret_headers"]]
    options = run.get("options") or {}
    names = [str(h).partition(":")[0].strip() for h in options.get("headers") or ()]
    if options.get("basic_auth") or options.get("bearer"):
        names.append("Authorization")
    if options.get("secret"):
        names.append(SIGNING)
    return names


def check_secrets(run: Mapping[str, Any], options: DeliveryOptions) -> None:
    """UsageError naming every journaled secret that ``options`` do not supply again."""
    have = {header_key(n) for n in secret_names(options)}
    missing = [n for n in journaled_secret_names(run) if header_key(n) not in have]
    if not missing:
        return
    env = [f"{HEADER_ENV_PREFIX}{n.upper().replace('-', '_')}" for n in missing if n != SIGNING]
    raise UsageError(
        f"the journaled run sent {', '.join(missing)}, whose values are never journaled; "
        "supply them again to resume",
        hint=f"the same auth and header options, or {', '.join(env[:3])} in the environment"
        if env
        else "the same signing secret",
    )


def journaled_options(data: Mapping[str, Any]) -> DeliveryOptions:
    """The journaled options without their (masked) secrets."""
    plain = {k: v for k, v in data.items() if k not in _SECRET_KEYS}
    plain.pop("sign", None)  # signing needs the secret: it comes back with it
    return DeliveryOptions.from_redacted(plain)


def overridden(
    base: DeliveryOptions, given: Mapping[str, Any], *, sign: str | None = None
) -> DeliveryOptions:
    """``base`` with what the flag-named values in ``given`` set (``None``/empty: not
    given). ``sign``: the journaled signing scheme, kept when a secret is given again."""
    given = {k: v for k, v in given.items() if v not in (None, (), [])}
    if given.get("secret") and sign and "sign" not in given:
        given["sign"] = sign
    if not given:
        return base
    flagged = DeliveryOptions.from_settings(given, seed=base.seed)  # validates every value
    changes: dict[str, Any] = {k: getattr(flagged, k) for k in _SAME_NAME if k in given}
    if "header" in given:
        changes["headers"] = flagged.headers
    changes["policy"] = _policy(base, flagged, given)
    faults = {f: getattr(flagged.faults, f) for k, fs in _FAULTS.items() if k in given for f in fs}
    changes["faults"] = replace(base.faults, **faults)
    return replace(base, **changes)


def _policy(base: DeliveryOptions, flagged: DeliveryOptions, given: Iterable[str]) -> Any:
    """The journaled policy, or the one the given retry values make; the time scale and
    the on-retry mode from wherever they were named."""
    keys = set(given)
    policy = flagged.policy if keys & set(_POLICY) else base.policy
    return replace(
        policy,
        time_scale=(flagged if "time_scale" in keys else base).policy.time_scale,
        on_retry=(flagged if "on_retry" in keys else base).policy.on_retry,
    )


def resumed_options(run: Mapping[str, Any], given: Mapping[str, Any]) -> DeliveryOptions:
    """A resume's options: the journaled run's, overridden by ``given`` (flag-named values),
    refused when a journaled secret is not given again."""
    data = run.get("options") or {}
    options = overridden(journaled_options(data), given, sign=data.get("sign"))
    check_secrets(run, options)
    return options
