"""How to deliver: connections, timeout, auth, signing, retry policy, faults.

:meth:`DeliveryOptions.from_cli` takes the raw flag values (strings as typed) and raises
:class:`~capmock.errors.UsageError` with the flag name for anything it cannot use.
Secrets (basic-auth password, bearer token, signing secret, every ``--header`` value) never
appear in ``repr()`` or :meth:`DeliveryOptions.redacted`, which is what journals record.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from capmock.delivery import parse
from capmock.delivery.faults import Faults
from capmock.delivery.policy import Policy, capillary, make_policy
from capmock.errors import UsageError

DEFAULT_USER_AGENT = "Java/1.8.0_272"  # what Capillary's webhook sender announces
SIGNING = ("standard-webhooks",)
MASK = "***"


# The names of from_cli's parameters: the CLI flags (with dashes) and the keys of a
# scenario's `delivery:` block (with dashes or underscores).
CLI_FIELDS = (
    "connections",
    "timeout",
    "user_agent",
    "header",
    "basic_auth",
    "bearer",
    "sign",
    "secret",
    "retry",
    "max_attempts",
    "backoff",
    "give_up_after",
    "time_scale",
    "on_retry",
    "duplicates",
    "duplicate_delay",
    "reorder",
    "reorder_scope",
    "delay",
    "burst",
)


def signing_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret (``whsec_`` + base64)."""
    try:
        key = base64.b64decode(secret.removeprefix("whsec_") + "==", validate=False)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise UsageError("--secret: not a Standard Webhooks secret", hint="use whsec_<base64>")
    return key


@dataclass(frozen=True)
class DeliveryOptions:
    connections: int = 1  # parallel in-flight deliveries (Capillary's maxAllowedConnections)
    timeout: float = 30.0  # seconds, to connect and to read the response
    user_agent: str = DEFAULT_USER_AGENT
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    basic_auth: tuple[str, str] | None = field(default=None, repr=False)
    bearer: str | None = field(default=None, repr=False)
    sign: str | None = None  # "standard-webhooks"
    secret: str | None = field(default=None, repr=False)
    policy: Policy = field(default_factory=capillary)
    faults: Faults = field(default_factory=Faults)
    seed: int = 0  # faults, jitter and fresh ids are drawn from it

    def __post_init__(self) -> None:
        if self.connections < 1:
            raise UsageError(f"--connections: must be at least 1, got {self.connections}")
        if self.timeout <= 0:
            raise UsageError(f"--timeout: must be greater than 0, got {self.timeout}")
        if self.basic_auth is not None and self.bearer is not None:
            raise UsageError("--basic-auth and --bearer both set the Authorization header")
        if self.sign is not None:
            if self.sign not in SIGNING:
                raise UsageError(f"--sign: unknown scheme '{self.sign}'", hint="standard-webhooks")
            if not self.secret:
                raise UsageError("--sign standard-webhooks needs --secret whsec_…")
            signing_key(self.secret)

    def __repr__(self) -> str:
        return f"DeliveryOptions({self.redacted()!r})"

    def redacted(self) -> dict[str, Any]:
        """Everything as JSON-able data, secrets replaced by ``***``."""
        return {
            "connections": self.connections,
            "timeout": self.timeout,
            "user_agent": self.user_agent,
            "headers": [f"{name}: {MASK}" for name, _ in self.headers],
            "basic_auth": f"{self.basic_auth[0]}:{MASK}" if self.basic_auth else None,
            "bearer": MASK if self.bearer else None,
            "sign": self.sign,
            "secret": MASK if self.secret else None,
            "policy": asdict(self.policy),
            "faults": asdict(self.faults),
            "seed": self.seed,
        }

    @property
    def has_secrets(self) -> bool:
        return bool(self.headers or self.basic_auth or self.bearer or self.secret)

    @classmethod
    def from_redacted(cls, data: dict[str, Any]) -> DeliveryOptions:
        """Options recorded by :meth:`redacted` (e.g. in a journal), without the secrets.

        Raises UsageError when the recorded run used secrets: they must be given again.
        """
        used = [k for k in ("headers", "basic_auth", "bearer", "secret") if data.get(k)]
        if used:
            flags = ", ".join("--" + k.replace("_", "-") for k in used)
            raise UsageError(
                f"the journaled run used {flags}; secrets are not journaled",
                hint="pass the same delivery options again",
            )
        policy_fields = {f.name for f in fields(Policy)}
        policy = Policy(**{k: v for k, v in data.get("policy", {}).items() if k in policy_fields})
        policy = replace(policy, schedule=tuple(policy.schedule))
        faults_data = dict(data.get("faults", {}))
        for key in ("duplicate_delay", "delay"):
            if key in faults_data:
                faults_data[key] = tuple(faults_data[key])
        return cls(
            connections=int(data.get("connections", 1)),
            timeout=float(data.get("timeout", 30.0)),
            user_agent=str(data.get("user_agent", DEFAULT_USER_AGENT)),
            sign=data.get("sign"),
            policy=policy,
            faults=Faults(**faults_data),
            seed=int(data.get("seed", 0)),
        )

    @classmethod
    def from_cli(
        cls,
        *,
        connections: str | int | None = None,
        timeout: str | float | None = None,
        user_agent: str | None = None,
        header: Sequence[str] = (),
        basic_auth: str | None = None,
        bearer: str | None = None,
        sign: str | None = None,
        secret: str | None = None,
        retry: str = "capillary",
        max_attempts: str | int | None = None,
        backoff: str | None = None,
        give_up_after: str | None = None,
        time_scale: str | float | None = None,
        on_retry: str | None = None,
        duplicates: str | float | None = None,
        duplicate_delay: str | None = None,
        reorder: str | int | None = None,
        reorder_scope: str | None = None,
        delay: str | None = None,
        burst: str | None = None,
        seed: int | None = None,
    ) -> DeliveryOptions:
        """Options from CLI flag values; ``None`` means the flag was not given.

        ``--header 'K: V'`` (repeatable), ``--basic-auth user:pass``, ``--bearer TOKEN``,
        ``--timeout 30s``, ``--retry capillary|none|standard-webhooks|custom``,
        ``--backoff 1s,5m``, ``--burst 50/2s``; see :class:`Faults` and
        :func:`~capmock.delivery.policy.make_policy` for the rest.
        """
        basic = None
        if basic_auth is not None:
            user, sep, password = basic_auth.partition(":")
            if not sep or not user:
                raise UsageError("--basic-auth: expected user:password")
            basic = (user, password)
        return cls(
            connections=1
            if connections is None
            else parse.positive_int(connections, "--connections"),
            timeout=30.0 if timeout is None else _timeout(timeout),
            user_agent=user_agent or DEFAULT_USER_AGENT,
            headers=tuple(parse.header(h) for h in header),
            basic_auth=basic,
            bearer=bearer,
            sign=sign,
            secret=secret,
            policy=make_policy(
                retry,
                max_attempts=max_attempts,
                backoff=backoff,
                give_up_after=give_up_after,
                time_scale=time_scale,
                on_retry=on_retry,
            ),
            faults=Faults.from_cli(
                duplicates=duplicates,
                duplicate_delay=duplicate_delay,
                reorder=reorder,
                reorder_scope=reorder_scope,
                delay=delay,
                burst=burst,
            ),
            seed=0 if seed is None else seed,
        )


def _timeout(text: str | float) -> float:
    value = parse.duration(text, "--timeout")
    if value <= 0:
        raise UsageError("--timeout: must be greater than 0")
    return value
