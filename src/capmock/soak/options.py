"""What a soak run does: target, schedule, crowd, mix, faults, thresholds, outputs.

:meth:`SoakOptions.from_cli` takes the flag values as typed (strings, ``None`` for a flag
not given) and raises :class:`~capmock.errors.UsageError` with a one-line message naming
the flag for anything it cannot use.
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from capmock.delivery import parse
from capmock.delivery.options import DEFAULT_USER_AGENT
from capmock.envelope import STYLES
from capmock.errors import UsageError, did_you_mean
from capmock.scenario.loader import resolve_path
from capmock.soak.ids import MAX_ID_WORKERS

DEFAULT_MIX = "crowd-journey"
JOURNAL_MODES = ("failures", "sample", "all", "off")
_RATE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:/\s*(s|sec|m|min|h|hr))?\s*$", re.I)
_PER = {"s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "hr": 3600.0}
UNBOUNDED = ("max", "unbounded", "unlimited")
MAX_CUSTOMERS_PER_PROCESS = 20_000_000  # x3 identities (companions) fits a worker's id span


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


@dataclass(frozen=True)
class SoakOptions:
    target: str
    rate: float | None = 100.0  # events/s after the ramp; None: unbounded (closed loop)
    duration: float = 60.0
    ramp: float = 0.0
    customers: int = 100_000
    mix: tuple[MixEntry, ...] = (MixEntry(DEFAULT_MIX),)
    connections: int = 32
    processes: int = 0  # 0: automatic (see effective_processes)
    envelope: str | None = None  # override every scenario's envelope
    duplicates: float = 0.0
    duplicate_delay: tuple[float, float] = (0.5, 5.0)
    reorder: int = 0  # window within a customer's journey; 0/1: causal order kept
    seed: int = 0
    timeout: float = 10.0
    user_agent: str = DEFAULT_USER_AGENT
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
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

    def __post_init__(self) -> None:
        _check_target(self.target)
        if self.rate is not None and not (self.rate > 0 and math.isfinite(self.rate)):
            raise UsageError(f"--rate: must be a positive number of events/s, got {self.rate}")
        if self.duration <= 0:
            raise UsageError("--duration: must be greater than 0")
        if self.ramp > self.duration:
            raise UsageError(f"--ramp: {self.ramp:g}s is longer than --duration {self.duration:g}s")
        if self.ramp and self.rate is None:
            raise UsageError("--ramp needs a --rate (an unbounded run has nothing to ramp to)")
        if not self.mix:
            raise UsageError("--mix: no scenarios")
        if self.envelope is not None and self.envelope not in STYLES:
            raise UsageError(f"--envelope: unknown style '{self.envelope}'",
                             hint="use flat or wrapped")
        if self.journal_mode not in JOURNAL_MODES:
            guess = did_you_mean(self.journal_mode, JOURNAL_MODES)
            raise UsageError(f"--journal-mode: unknown mode '{self.journal_mode}'",
                             hint=f"did you mean '{guess}'?" if guess else "; ".join(JOURNAL_MODES))
        if self.processes < 0 or self.processes > MAX_ID_WORKERS:
            raise UsageError(f"--processes: must be between 1 and {MAX_ID_WORKERS}")
        if self.customers < self.effective_processes:
            raise UsageError("--customers: need at least one customer per process")
        if self.customers > MAX_CUSTOMERS_PER_PROCESS * self.effective_processes:
            raise UsageError(f"--customers: at most {MAX_CUSTOMERS_PER_PROCESS:,} per process")

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
        """JSON-able options for journals and metrics (header values hidden)."""
        out = asdict(self)
        out["headers"] = [f"{name}: ***" for name, _ in self.headers]
        for key in ("metrics", "plot", "journal"):
            out[key] = None if out[key] is None else str(out[key])
        out["mix"] = [f"{m.scenario}:{m.weight:g}" for m in self.mix]
        return out

    # ---- from the command line ------------------------------------------------------
    @classmethod
    def from_cli(
        cls,
        *,
        target: str | None,
        rate: str | None = None,
        duration: str | None = None,
        ramp: str | None = None,
        customers: str | int | None = None,
        mix: str | None = None,
        connections: str | int | None = None,
        processes: str | int | None = None,
        envelope: str | None = None,
        duplicates: str | None = None,
        duplicate_delay: str | None = None,
        reorder: str | int | None = None,
        seed: str | int | None = None,
        timeout: str | None = None,
        user_agent: str | None = None,
        header: Sequence[str] = (),
        max_error_rate: str | None = None,
        max_p99: str | None = None,
        min_rate: str | None = None,
        interval: str | None = None,
        metrics: str | None = None,
        metrics_interval: str | None = None,
        plot: str | None = None,
        journal: str | None = None,
        journal_mode: str | None = None,
        journal_max: str | None = None,
        journal_keep: str | int | None = None,
        templates: str | int | None = None,
        interleave: str | int | None = None,
        variations: str | float | None = None,
    ) -> SoakOptions:
        """Options from ``capmock soak`` flags; ``None`` means the flag was not given."""
        if not target:
            raise UsageError("--target is required (e.g. --target http://127.0.0.1:8080/hook)")
        mode, sample = parse_journal_mode(journal_mode)
        kw: dict[str, Any] = {
            "target": target,
            "rate": parse_rate(rate) if rate is not None else 100.0,
            "duration": _positive_duration(duration, "--duration", 60.0),
            "ramp": 0.0 if ramp is None else parse.duration(ramp, "--ramp"),
            "customers": _int(customers, "--customers", 100_000),
            "mix": parse_mix(mix) if mix is not None else (MixEntry(DEFAULT_MIX),),
            "connections": _int(connections, "--connections", 32),
            "processes": 0 if processes in (None, "auto") else _int(processes, "--processes", 0),
            "envelope": envelope,
            "duplicates": 0.0 if duplicates is None else parse.probability(duplicates,
                                                                          "--duplicates"),
            "reorder": 0 if reorder is None else parse.positive_int(reorder, "--reorder",
                                                                    minimum=0),
            "seed": _seed(seed),
            "timeout": _positive_duration(timeout, "--timeout", 10.0),
            "user_agent": user_agent or DEFAULT_USER_AGENT,
            "headers": tuple(parse.header(h) for h in header),
            "thresholds": parse_thresholds(max_error_rate, max_p99, min_rate),
            "interval": _positive_duration(interval, "--interval", 1.0),
            "metrics": Path(metrics) if metrics else None,
            "metrics_interval": _positive_duration(metrics_interval, "--metrics-interval", 10.0),
            "plot": _plot_path(plot),
            "journal": Path(journal) if journal else None,
            "journal_mode": mode,
            "journal_sample": sample,
            "journal_keep": _int(journal_keep, "--journal-keep", 3),
            "templates": _int(templates, "--templates", 16),
            "interleave": 0 if interleave is None else _int(interleave, "--interleave", 0),
            "variations": 0.0 if variations is None else parse.probability(variations,
                                                                          "--variations"),
        }
        if duplicate_delay is not None:
            kw["duplicate_delay"] = parse.duration_range(duplicate_delay, "--duplicate-delay")
        if journal_max is not None:
            kw["journal_max_bytes"] = parse_size(journal_max, "--journal-max")
        return cls(**kw)


# ---- value parsers -----------------------------------------------------------------------


def parse_rate(text: str | float) -> float | None:
    """``500/s``, ``500``, ``30000/m``, ``3600/h`` as events per second; ``max``: None."""
    raw = str(text).strip().lower()
    if raw in UNBOUNDED:
        return None
    match = _RATE.match(raw)
    if not match:
        raise UsageError(f"--rate: cannot read rate '{text}'",
                         hint="use events per second like 500/s (or /m, /h), or max")
    value = float(match.group(1)) / _PER[(match.group(2) or "s").lower()]
    if value <= 0:
        raise UsageError(f"--rate: must be greater than 0, got '{text}'")
    return value


def parse_mix(text: str) -> tuple[MixEntry, ...]:
    """``a.yaml:3,b.yaml:1`` (weights optional, default 1); each scenario must exist."""
    entries = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            raise UsageError(f"--mix: empty entry in '{text}'", hint="use a.yaml:3,b.yaml:1")
        name, weight = raw, 1.0
        head, sep, tail = raw.rpartition(":")
        if sep and head and re.fullmatch(r"\s*[\d.]+\s*", tail):
            name, weight = head.strip(), _weight(tail, raw)
        try:
            resolve_path(name)
        except UsageError:
            raise
        except Exception as err:  # ScenarioError: one line, with the did-you-mean hint
            raise UsageError(f"--mix: {err}") from None
        entries.append(MixEntry(name, weight))
    if sum(e.weight for e in entries) <= 0:
        raise UsageError("--mix: the weights add up to 0")
    return tuple(entries)


def _weight(text: str, entry: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"--mix: bad weight in '{entry}'") from None
    if value < 0:
        raise UsageError(f"--mix: negative weight in '{entry}'")
    return value


def parse_thresholds(
    max_error_rate: str | None, max_p99: str | None, min_rate: str | None
) -> Thresholds:
    return Thresholds(
        max_error_rate=None if max_error_rate is None else parse.probability(
            max_error_rate, "--max-error-rate"),
        max_p99=None if max_p99 is None else parse.duration(max_p99, "--max-p99"),
        min_rate=None if min_rate is None else parse.probability(min_rate, "--min-rate"),
    )


def parse_journal_mode(text: str | None) -> tuple[str, float]:
    """``failures`` (default), ``all``, ``off``, or ``sample`` / ``sample:1%``."""
    if text is None:
        return "failures", 0.001
    mode, _, rate = text.strip().partition(":")
    sample = parse.probability(rate, "--journal-mode") if rate else 0.001
    if rate and mode != "sample":
        raise UsageError(f"--journal-mode: only sample takes a rate, got '{text}'")
    return mode, sample


_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*([kmg]i?b?|b)?\s*$", re.I)


def parse_size(text: str, option: str) -> int:
    match = _SIZE.match(text)
    if not match:
        raise UsageError(f"{option}: cannot read size '{text}'", hint="use e.g. 64MB or 1GB")
    unit = (match.group(2) or "b").lower()[0]
    value = int(float(match.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])
    if value < 4096:
        raise UsageError(f"{option}: at least 4KB, got '{text}'")
    return value


def _check_target(target: str) -> None:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--target: not an http(s) URL: '{target}'",
                         hint="e.g. http://127.0.0.1:8080/hook")
    try:
        parts.port  # noqa: B018 - raises for a bad port
    except ValueError:
        raise UsageError(f"--target: bad port in '{target}'") from None


def _positive_duration(text: str | None, option: str, default: float) -> float:
    if text is None:
        return default
    value = parse.duration(text, option)
    if value <= 0:
        raise UsageError(f"{option}: must be greater than 0")
    return value


def _int(text: str | int | None, option: str, default: int) -> int:
    return default if text is None else parse.positive_int(text, option)


def _seed(text: str | int | None) -> int:
    if text is None:
        return random.SystemRandom().randrange(2**31)
    try:
        return int(str(text).strip())
    except ValueError:
        raise UsageError(f"--seed: '{text}' is not a whole number") from None


def _plot_path(text: str | None) -> Path | None:
    if not text:
        return None
    path = Path(text)
    if path.suffix.lower() not in (".html", ".htm", ".svg"):
        raise UsageError(f"--plot: '{text}' must end in .html or .svg",
                         hint="an HTML file with inline SVG, no network needed")
    return path
