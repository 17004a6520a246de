"""How to deliver: connections, timeout, auth, signing, retry policy, faults.

:data:`SETTINGS` declares every delivery setting once: its name (``--name-with-dashes`` on
the command line, ``name`` or ``name-with-dashes`` in a scenario's ``delivery:`` block and
in ``capmock serve``'s JSON), how its text is read (:mod:`capmock.units`), its metavar and
its help. The CLI turns each into a typed click option; :meth:`DeliveryOptions.from_settings`
takes the values (typed, or text to read) from any of those sources. Errors name the
setting, never a flag: only the CLI speaks of flags.

Secrets (basic-auth password, bearer token, signing secret, every header value) never
appear in ``repr()`` or :meth:`DeliveryOptions.redacted`, which is what journals record.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from capmock import units
from capmock.delivery.faults import SCOPES, Faults
from capmock.delivery.policy import ON_RETRY, POLICIES, Policy, capillary, make_policy
from capmock.errors import UsageError, did_you_mean

DEFAULT_USER_AGENT = "Java/1.8.0_272"  # what Capillary's webhook sender announces
SIGNING = ("standard-webhooks",)
MASK = "***"


def _user_agent(value: Any) -> str:
    return units.header_value(str(value), "user agent")


def choice(choices: tuple[str, ...], what: str = "value") -> Callable[[Any], str]:
    """A reader accepting one of ``choices`` (with a did-you-mean hint)."""

    def read(value: Any) -> str:
        text = str(value).strip()
        if text not in choices:
            guess = did_you_mean(text, choices)
            raise UsageError(
                f"unknown {what} '{text}'",
                hint=f"did you mean '{guess}'?" if guess else "one of " + ", ".join(choices),
            )
        return text

    read.choices = choices  # type: ignore[attr-defined]
    return read


@dataclass(frozen=True)
class Setting:
    """One delivery setting: its name, how its text is read, and how to show it."""

    name: str
    read: Callable[[Any], Any]
    metavar: str
    help: str
    multiple: bool = False
    required: bool = False

    @property
    def choices(self) -> tuple[str, ...] | None:
        return getattr(self.read, "choices", None)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("connections", units.count, "N",
                "Parallel in-flight deliveries (default 1: in order)."),
        Setting("timeout", units.positive_duration, "DURATION",
                "Per attempt, e.g. 30s (default)."),
        Setting("user_agent", _user_agent, "TEXT", "Default: Java/1.8.0_272, like Capillary."),
        Setting("header", units.header, "'NAME: VALUE'",
                "Sent with every event (repeatable).", multiple=True),
        Setting("basic_auth", units.user_password, "USER:PASSWORD", "Basic authentication."),
        Setting("bearer", units.token, "TOKEN", "Bearer token."),
        Setting("sign", choice(SIGNING, "signing scheme"), "SCHEME",
                "Sign deliveries: standard-webhooks."),
        Setting("secret", units.token, "whsec_…", "Signing secret."),
        Setting("retry", choice(POLICIES, "retry policy"), "POLICY",
                "capillary (default), none, standard-webhooks or custom."),
        Setting("max_attempts", units.count, "N", "Custom policy: attempts in all."),
        Setting("backoff", units.backoff, "BASE,CAP", "Custom policy: e.g. 1s,5m."),
        Setting("give_up_after", units.duration, "DURATION",
                "Stop retrying after this long, e.g. 2h."),
        Setting("time_scale", units.positive_number, "FACTOR",
                "Multiply every wait, e.g. 0.001 in CI."),
        Setting("on_retry", choice(ON_RETRY, "on-retry mode"), "MODE",
                "block (default: a retried event holds back its connection's later events, "
                "as Capillary does) or continue (retry it later, send the next ones now)."),
        Setting("duplicates", units.probability, "SHARE",
                "Send events again: probability or N%."),
        Setting("duplicate_delay", units.duration_range, "MIN..MAX",
                "Wait before a duplicate, e.g. 1s..30s."),
        Setting("reorder", units.whole, "W", "Shuffle within windows of W events."),
        Setting("reorder_scope", choice(SCOPES, "scope"), "SCOPE", "global (default) or customer."),
        Setting("delay", units.duration_range, "MIN..MAX",
                "Hold each event before its first send, e.g. 10ms..50ms."),
        Setting("burst", units.burst, "N[/GAP]",
                "Release events in groups of N, GAP apart (default 1s)."),
    )
}
# Keys besides the settings that from_settings takes, and aliases of settings' names.
EXTRA_KEYS = ("seed",)
ALIASES = {"headers": "header"}


def setting_values(
    raw: Mapping[str, Any], *, where: str = "", extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``raw`` (a ``delivery:`` block, a JSON object) keyed by setting names: dashes become
    underscores, ``headers`` may be a mapping or a list, unknown keys are errors."""
    known = (*SETTINGS, *EXTRA_KEYS, *extra)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        name = ALIASES.get(name, name)
        if name not in known:
            guess = did_you_mean(name, known)
            raise UsageError(
                f"{where}unknown delivery setting '{key}'",
                hint=f"did you mean '{guess}'?" if guess else None,
            )
        if name == "header":
            if isinstance(value, Mapping):
                value = [(str(k), str(v)) for k, v in value.items()]
            elif isinstance(value, str):
                value = [value]
            value = tuple(value)
        out[name] = value
    return out


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that were given (None and empty sequences mean: not given)."""
    return {k: v for k, v in values.items() if v is not None and v != () and v != []}


def signing_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret (``whsec_`` + base64)."""
    try:
        key = base64.b64decode(secret.removeprefix("whsec_") + "==", validate=False)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise UsageError("secret: not a Standard Webhooks secret", hint="use whsec_<base64>")
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
            raise UsageError(f"connections: must be at least 1, got {self.connections}")
        if self.timeout <= 0:
            raise UsageError(f"timeout: must be greater than 0, got {self.timeout}")
        if self.basic_auth is not None and self.bearer is not None:
            raise UsageError("basic_auth and bearer both set the Authorization header")
        if self.sign is not None:
            if self.sign not in SIGNING:
                raise UsageError(f"sign: unknown scheme '{self.sign}'", hint="standard-webhooks")
            if not self.secret:
                raise UsageError("sign standard-webhooks needs a secret (whsec_…)")
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

    def request_headers(self) -> dict[str, str]:
        """The headers of every delivery: JSON, the user agent, the headers given, auth."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self.user_agent,
            "Accept": "*/*",
        }
        headers.update(self.headers)
        if self.basic_auth:
            token = base64.b64encode(":".join(self.basic_auth).encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        return headers

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
            raise UsageError(
                f"the journaled run used {', '.join(used)}; secrets are not journaled",
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
    def from_settings(
        cls, values: Mapping[str, Any] | None = None, *, where: str = "", **more: Any
    ) -> DeliveryOptions:
        """Options from setting values (see :data:`SETTINGS`): typed (as the CLI's
        ParamTypes return them) or text to read; None or an empty sequence means not given.
        Errors start with ``where`` (e.g. ``"scenario.yaml: delivery."``) and the name."""
        v = given({**(values or {}), **more})
        unknown = sorted(set(v) - set(SETTINGS) - set(EXTRA_KEYS))
        if unknown:
            raise UsageError(f"{where}unknown delivery setting '{unknown[0]}'")
        read: dict[str, Any] = {}
        for name, value in v.items():
            setting = SETTINGS.get(name)
            if setting is None:
                read[name] = value
            elif setting.multiple:
                items = value if isinstance(value, tuple | list) else (value,)
                read[name] = tuple(units.within(where + name, setting.read, x) for x in items)
            else:
                read[name] = units.within(where + name, setting.read, value)
        try:
            return cls._build(read)
        except UsageError as err:
            raise UsageError(where + err.message, hint=err.hint) from None

    @classmethod
    def _build(cls, v: dict[str, Any]) -> DeliveryOptions:
        size, gap = v.get("burst", (0, None))
        default = Faults()
        faults = Faults(
            duplicate=v.get("duplicates", 0.0),
            duplicate_delay=v.get("duplicate_delay", default.duplicate_delay),
            reorder=v.get("reorder", 0),
            reorder_scope=v.get("reorder_scope", "global"),
            delay=v.get("delay", (0.0, 0.0)),
            burst=size,
            burst_gap=default.burst_gap if gap is None else gap,
        )
        policy = make_policy(
            v.get("retry", "capillary"),
            max_attempts=v.get("max_attempts"),
            backoff=v.get("backoff"),
            give_up_after=v.get("give_up_after"),
            time_scale=v.get("time_scale"),
            on_retry=v.get("on_retry"),
        )
        return cls(
            connections=v.get("connections", 1),
            timeout=v.get("timeout", 30.0),
            user_agent=v.get("user_agent") or DEFAULT_USER_AGENT,
            headers=v.get("header", ()),
            basic_auth=v.get("basic_auth"),
            bearer=v.get("bearer"),
            sign=v.get("sign"),
            secret=v.get("secret"),
            policy=policy,
            faults=faults,
            seed=units.integer(v.get("seed", 0)),
        )
