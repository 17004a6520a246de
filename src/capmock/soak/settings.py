"""What a soak run does: target, schedule, crowd, mix, delivery, thresholds, outputs.

:data:`SOAK_SETTINGS` declares the soak's own settings once (read by :mod:`capmock.units`,
shown by the CLI as typed click options); the delivery settings a soak takes
(:data:`SOAK_DELIVERY`: connections, timeout, headers, auth, duplicates, reorder) are the
delivery core's own, read into a :class:`~capmock.delivery.options.DeliveryOptions`.
:meth:`SoakOptions.from_settings` takes the values typed or as text, and raises
:class:`~capmock.errors.UsageError` naming the setting (never a flag).
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from capmock import units
from capmock.catalog.shape import FIELDS, check_fields
from capmock.delivery.options import DeliveryOptions, Setting, choice, given
from capmock.envelope import STYLES
from capmock.errors import UsageError
from capmock.soak.ids import MAX_ID_WORKERS

DEFAULT_MIX = "crowd-journey"
JOURNAL_MODES = ("failures", "sample", "all", "off")
MAX_CUSTOMERS_PER_PROCESS = 20_000_000  # x3 identities (companions) fits a worker's id span
# The delivery settings a soak takes; the rest (retries, delay, burst, signing) it does not.
SOAK_DELIVERY = ("connections", "timeout", "user_agent", "header", "basic_auth", "bearer",
                 "duplicates", "duplicate_delay", "reorder")
# A soak's delivery defaults differ from `capmock run`'s: many connections, a short timeout,
# no retries (an open model), duplicates soon after, reordering within a customer's journey.
SOAK_DEFAULTS: dict[str, Any] = {"connections": 32, "timeout": 10.0, "retry": "none",
                                 "duplicate_delay": (0.5, 5.0), "reorder_scope": "customer"}
SOAK_DELIVERY_HELP = {
    "connections": "Keep-alive connections in all, split over the processes (default 32).",
    "timeout": "Per request, e.g. 10s (default).",
    "duplicate_delay": "Wait before a duplicate (default 0.5s..5s).",
    "reorder": "Shuffle each journey's events within windows of W (default: in order).",
}


@dataclass(frozen=True, slots=True)
class MixEntry:
    scenario: str  # a path, or the name of a bundled scenario
    weight: float = 1.0


@dataclass(frozen=True)
class Thresholds:
    max_error_rate: float | None = None  # fraction of scheduled events that failed
    max_p99: float | None = None  # seconds, latency from the scheduled send time
    min_rate: float | None = None  # fraction of the scheduled events that completed

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.max_error_rate, self.max_p99, self.min_rate))


def soak_delivery(values: Mapping[str, Any] | None = None) -> DeliveryOptions:
    """Delivery options of a soak: its defaults, then ``values`` (typed or text)."""
    return DeliveryOptions.from_settings({**SOAK_DEFAULTS, **given(values or {})})


@dataclass(frozen=True)
class SoakOptions:
    target: str
    rate: float | None = 100.0  # events/s after the ramp; None: unbounded (closed loop)
    duration: float = 60.0
    ramp: float = 0.0
    customers: int = 100_000
    mix: tuple[MixEntry, ...] = (MixEntry(DEFAULT_MIX),)
    processes: int = 0  # 0: automatic (see effective_processes)
    envelope: str | None = None  # override every scenario's envelope
    vendor: str = "capillary"  # whose webhooks the journeys are rendered as (capmock.vendor)
    seed: int = 0
    delivery: DeliveryOptions = field(default_factory=soak_delivery)
    thresholds: Thresholds = field(default_factory=Thresholds)
    interval: float = 1.0  # seconds between ticks (live display)
    metrics: Path | None = None
    metrics_interval: float = 10.0
    plot: Path | None = None
    journal: Path | None = None  # None: .capmock/runs/<stamp>-soak.jsonl (unless mode off)
    journal_mode: str = "failures"
    journal_sample: float = 0.001  # fraction journaled in "sample" mode (failures always)
    journal_max_bytes: int = 64 * 1024 * 1024
    journal_keep: int = 3
    templates: int = 16  # journeys rendered per mix scenario, stamped per customer
    interleave: int = 0  # active customers per process; 0: 4 x connections
    variations: float = 0.0  # rate of documented shape variants (capmock.variations)
    fields: str | None = None  # all | typical | required; None: each scenario's own

    def __post_init__(self) -> None:
        units.within("target", _check_target, self.target)
        if self.rate is not None and not (self.rate > 0 and math.isfinite(self.rate)):
            raise UsageError(f"rate: must be a positive number of events/s, got {self.rate}")
        if self.duration <= 0:
            raise UsageError("duration: must be greater than 0")
        if self.ramp > self.duration:
            raise UsageError(f"ramp: {self.ramp:g}s is longer than the duration "
                             f"{self.duration:g}s")
        if self.ramp and self.rate is None:
            raise UsageError("ramp needs a rate (an unbounded run has nothing to ramp to)")
        if not self.mix:
            raise UsageError("mix: no scenarios")
        if self.fields is not None:
            check_fields(self.fields)
        if self.envelope is not None and self.envelope not in STYLES:
            raise UsageError(f"envelope: unknown style '{self.envelope}'",
                             hint="use flat or wrapped")
        if self.journal_mode not in JOURNAL_MODES:
            raise UsageError(f"journal_mode: unknown mode '{self.journal_mode}'")
        if self.processes < 0 or self.processes > MAX_ID_WORKERS:
            raise UsageError(f"processes: must be between 1 and {MAX_ID_WORKERS}")
        if self.customers < self.effective_processes:
            raise UsageError("customers: need at least one customer per process")
        if self.customers > MAX_CUSTOMERS_PER_PROCESS * self.effective_processes:
            raise UsageError(f"customers: at most {MAX_CUSTOMERS_PER_PROCESS:,} per process")
        if self.delivery.faults.reorder_scope != "customer":
            raise UsageError("reorder_scope: a soak reorders within each customer's journey")
        if self.delivery.policy.max_attempts != 1 or self.delivery.faults.delay[1] or (
            self.delivery.faults.burst
        ):
            raise UsageError("a soak sends each event once, on schedule: no retries, "
                             "delay or bursts")

    # ---- the delivery part ------------------------------------------------------------
    @property
    def connections(self) -> int:
        return self.delivery.connections

    @property
    def timeout(self) -> float:
        return self.delivery.timeout

    @property
    def duplicates(self) -> float:
        return self.delivery.faults.duplicate

    @property
    def reorder(self) -> int:
        return self.delivery.faults.reorder

    # ---- derived ------------------------------------------------------------------
    @property
    def effective_processes(self) -> int:
        """Worker processes: as asked, else one per ~2,500 events/s up to the CPU count."""
        if self.processes:
            return self.processes
        cpus = os.cpu_count() or 1
        if self.rate is None:
            return cpus
        return max(1, min(cpus, math.ceil(self.rate / 2500)))

    @property
    def effective_interleave(self) -> int:
        per_process = self.customers // self.effective_processes
        wanted = self.interleave or 4 * self.connections
        return max(1, min(wanted, per_process))

    def redacted(self) -> dict[str, Any]:
        """JSON-able options for journals and metrics (secrets hidden)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["delivery"] = self.delivery.redacted()
        out["thresholds"] = asdict(self.thresholds)
        for key in ("metrics", "plot", "journal"):
            out[key] = None if out[key] is None else str(out[key])
        out["mix"] = [f"{m.scenario}:{m.weight:g}" for m in self.mix]
        return out

    @classmethod
    def from_settings(
        cls, values: Mapping[str, Any] | None = None, **more: Any
    ) -> SoakOptions:
        """Options from setting values (see :data:`SOAK_SETTINGS` and
        :data:`SOAK_DELIVERY`), typed or text; None means not given."""
        v = given({**(values or {}), **more})
        unknown = sorted(set(v) - set(SOAK_SETTINGS) - set(SOAK_DELIVERY))
        if unknown:
            raise UsageError(f"a soak takes no '{unknown[0]}'")
        if "target" not in v:
            raise UsageError("target is required (e.g. http://127.0.0.1:8080/hook)")
        kw: dict[str, Any] = {}
        for name, setting in SOAK_SETTINGS.items():
            if name in v:
                kw[name] = units.within(name, setting.read, v[name])
        thresholds = Thresholds(*(kw.pop(k, None) for k in ("max_error_rate", "max_p99",
                                                             "min_rate")))
        if "journal_mode" in kw:
            kw["journal_mode"], kw["journal_sample"] = kw["journal_mode"]
        if "journal_max" in kw:
            kw["journal_max_bytes"] = kw.pop("journal_max")
        if kw.get("rate") == math.inf:
            kw["rate"] = None  # max: unbounded
        kw.setdefault("seed", random.SystemRandom().randrange(2**31))
        delivery = soak_delivery({k: v[k] for k in SOAK_DELIVERY if k in v})
        delivery = replace(delivery, seed=kw["seed"])
        return cls(delivery=delivery, thresholds=thresholds, **kw)


# ---- value readers -----------------------------------------------------------------------


def parse_mix(text: Any) -> tuple[MixEntry, ...]:
    """``a.yaml:3,b.yaml:1`` (weights optional, default 1); each scenario must exist."""
    from capmock.scenario.loader import resolve_path

    if isinstance(text, tuple):
        return text
    entries = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            raise UsageError(f"empty entry in '{text}'", hint="use a.yaml:3,b.yaml:1")
        name, weight = raw, 1.0
        head, sep, tail = raw.rpartition(":")
        if sep and head and _is_weight(tail):
            name, weight = head.strip(), _weight(tail, raw)
        try:
            resolve_path(name)
        except UsageError:
            raise
        except Exception as err:  # ScenarioError: one line, with the did-you-mean hint
            raise UsageError(str(err)) from None
        entries.append(MixEntry(name, weight))
    if sum(e.weight for e in entries) <= 0:
        raise UsageError("the weights add up to 0")
    return tuple(entries)


def _is_weight(tail: str) -> bool:
    """Whether the text after an entry's last ``:`` is meant as its weight (``3``, ``0.5``,
    and mistakes like ``-1`` or ``x``), not part of a path (``C:/…``, ``a:b.yaml``)."""
    text = tail.strip()
    return bool(text) and not re.search(r"[/\\]|\.ya?ml$", text) and len(text) <= 20


def _weight(text: str, entry: str) -> float:
    hint = "a weight is a number of 0 or more, e.g. crowd-journey:3"
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"bad weight in '{entry}'", hint=hint) from None
    if value < 0 or not math.isfinite(value):
        raise UsageError(f"bad weight in '{entry}'", hint=hint)
    return value


def parse_journal_mode(value: Any) -> tuple[str, float]:
    """``failures`` (default), ``all``, ``off``, or ``sample`` / ``sample:1%``."""
    if isinstance(value, tuple):
        return value
    mode, _, share = str(value).strip().partition(":")
    if mode not in JOURNAL_MODES:
        choice(JOURNAL_MODES, "journal mode")(mode)
    if share and mode != "sample":
        raise UsageError(f"only sample takes a share, got '{value}'")
    return mode, units.probability(share) if share else 0.001


def _rate(value: Any) -> float:
    """Events per second; ``max`` is infinity (None would read as "not given")."""
    if value == math.inf:
        return math.inf
    return units.rate(value) or math.inf


def _processes(value: Any) -> int:
    """A number of processes, or ``auto`` (0)."""
    return 0 if str(value).strip() == "auto" else units.count(value)


def _path(value: Any) -> Path:
    return Path(value)


def _target(value: Any) -> str:
    _check_target(str(value))
    return str(value)


def _check_target(target: str) -> None:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: '{target}'",
                         hint="e.g. http://127.0.0.1:8080/hook")
    try:
        parts.port  # noqa: B018 - raises for a bad port
    except ValueError:
        raise UsageError(f"bad port in '{target}'") from None


def _plot_path(text: Any) -> Path | None:
    if not text:
        return None
    path = Path(text)
    if path.suffix.lower() not in (".html", ".htm", ".svg"):
        raise UsageError(f"'{text}' must end in .html or .svg",
                         hint="an HTML file with inline SVG, no network needed")
    return path


def _journal_max(value: Any) -> int:
    return units.size(value, minimum=4096)


SOAK_SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("target", _target, "URL", "Webhook URL (loopback or your own test hosts; "
                "default $CAPMOCK_TARGET, else capmock's own sink)."),
        Setting("rate", _rate, "RATE", "Events per second, e.g. 500/s, or max."),
        Setting("duration", units.positive_duration, "DURATION", "How long, e.g. 2h "
                "(default 60s)."),
        Setting("ramp", units.duration, "DURATION", "Reach the rate over this long, e.g. 5m."),
        Setting("customers", units.count, "N",
                "Crowd size (customers are made lazily from the seed)."),
        Setting("mix", parse_mix, "A.yaml:W,…",
                "Scenarios and weights: a.yaml:3,b.yaml:1 (default: crowd-journey)."),
        Setting("processes", _processes, "N", "Worker processes (default: auto)."),
        Setting("envelope", choice(STYLES, "envelope"), "[" + "|".join(STYLES) + "]",
                "Override every scenario's envelope."),
        Setting("seed", units.integer, "N", "Seed of the crowd and the journeys."),
        Setting("max_error_rate", units.probability, "SHARE",
                "Fail (exit 1) above this, e.g. 0.1%."),
        Setting("max_p99", units.duration, "DURATION",
                "Fail above this p99 latency, e.g. 500ms."),
        Setting("min_rate", units.probability, "SHARE",
                "Fail below this share of the target rate, e.g. 95%."),
        Setting("interval", units.positive_duration, "DURATION", "Display interval, e.g. 1s."),
        Setting("metrics", _path, "FILE", "JSON Lines metrics file."),
        Setting("metrics_interval", units.positive_duration, "DURATION",
                "Metrics every so often, e.g. 10s."),
        Setting("plot", _plot_path, "FILE.html", "HTML plot of rate and latency over time."),
        Setting("journal", _path, "FILE", "Journal file (failures-only by default, rotated)."),
        Setting("journal_mode", parse_journal_mode, "MODE",
                "failures (default), sample:0.01, all or off."),
        Setting("journal_max", _journal_max, "SIZE", "Rotate the journal at this size, "
                "e.g. 100MB."),
        Setting("journal_keep", units.count, "N", "Rotated journals kept."),
        Setting("templates", units.count, "N", "Model plays per mix scenario "
                "(journey variety)."),
        Setting("interleave", units.count, "N", "Customers in flight at once per process."),
        Setting("variations", units.probability, "RATE", "Rate (0-1) of Capillary's "
                "documented shape variants (docs/variations.md)."),
        Setting("fields", choice(FIELDS, "fields"), "[" + "|".join(FIELDS) + "]",
                "Optional members: all, typical or required (default: each scenario's "
                "options.fields, else typical)."),
    )
}
