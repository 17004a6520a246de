"""What a soak reports: a snapshot per tick, the summary at the end, threshold verdicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from capmock.soak.histogram import Histogram
from capmock.soak.settings import SoakOptions, Thresholds


@dataclass
class Window:
    """Counts and histograms over some span of ticks (one tick, a metrics window, the run)."""

    started: int = 0
    done: int = 0
    ok: int = 0
    dups: int = 0
    dup_errors: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latency: Histogram = field(default_factory=Histogram)
    lag: Histogram = field(default_factory=Histogram)
    service: Histogram = field(default_factory=Histogram)

    def add_wire(self, record: dict[str, Any]) -> None:
        for key in ("started", "done", "ok", "dups", "dup_errors"):
            setattr(self, key, getattr(self, key) + int(record.get(key, 0)))
        for kind, n in record.get("errors", {}).items():
            self.errors[kind] = self.errors.get(kind, 0) + n
        for key in ("latency", "lag", "service"):
            getattr(self, key).merge(Histogram.from_wire(record[key]))

    def merge(self, other: Window) -> None:
        for key in ("started", "done", "ok", "dups", "dup_errors"):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        for kind, n in other.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + n
        for key in ("latency", "lag", "service"):
            getattr(self, key).merge(getattr(other, key))

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


@dataclass
class Snapshot:
    """The state of the run at one tick (what ``on_tick`` gets, once a tick)."""

    elapsed: float
    duration: float
    target_rate: float | None  # the schedule's rate now; None when unbounded
    achieved_rate: float  # answers per second over the last tick
    sent_rate: float
    in_flight: int
    backlog: int  # events due but not sent yet
    lag_ms: float | None  # how late the last tick's sends went out (p99)
    due: int  # events due so far (schedule)
    started: int
    done: int
    ok: int
    errors: dict[str, int]  # by class, the whole run so far
    tick_errors: dict[str, int]
    latency_ms: dict[str, float | None]  # last tick: p50 p95 p99 max mean
    overall_ms: dict[str, float | None]  # the whole run so far
    rss_mb: list[float]  # per worker process
    dups: int = 0
    final: bool = False  # the last, partial interval (up to the workers' end)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SoakSummary:
    target: str
    seed: int
    processes: int
    duration_s: float
    elapsed_s: float
    rate: float | None  # target after the ramp; None: unbounded
    planned: int  # events the schedule asked for (for unbounded: how many were sent)
    sent: int
    completed: int
    ok: int
    failed: int
    unsent: int  # due but never sent (the consumer could not keep up)
    errors: dict[str, int]
    duplicates_sent: int
    journeys: int
    achieved_rate: float  # completed / duration
    latency_ms: dict[str, float | None]  # from the scheduled send time
    lag_ms: dict[str, float | None]  # scheduled -> actually sent
    service_ms: dict[str, float | None]  # sent -> answered
    rss_mb: dict[str, list[float]]  # per worker: first and last tick
    breaches: list[str] = field(default_factory=list)
    interrupted: bool = False  # stopped by Ctrl-C: counts are up to the last tick
    journal: list[str] = field(default_factory=list)
    metrics: str | None = None
    plot: str | None = None
    series: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def ok_run(self) -> bool:
        return not self.breaches

    @property
    def exit_code(self) -> int:
        """0, or 1 when a threshold was broken (the reasons are in ``breaches``)."""
        return 0 if not self.breaches else 1

    @property
    def error_rate(self) -> float:
        return self.failed / self.completed if self.completed else 0.0

    def to_dict(self, *, series: bool = False) -> dict[str, Any]:
        out = asdict(self)
        if not series:
            out.pop("series")
        out["error_rate"] = self.error_rate
        out["exit_code"] = self.exit_code
        return out

    def lines(self) -> list[str]:
        """A short human summary (the CLI prints it)."""
        rate = "max" if self.rate is None else f"{self.rate:,.0f}/s"
        lat, lag = self.latency_ms, self.lag_ms
        out = [
            f"soak {self.target}: {self.elapsed_s:.1f}s at {rate} with {self.processes} "
            f"process{'es' if self.processes != 1 else ''} (seed {self.seed})",
            f"events: {self.planned:,} planned, {self.sent:,} sent, {self.ok:,} ok, "
            f"{self.failed:,} failed, {self.unsent:,} never sent; "
            f"{self.achieved_rate:,.1f} answered/s; {self.duplicates_sent:,} duplicates",
            f"latency from schedule ms: p50 {_ms(lat['p50'])} p95 {_ms(lat['p95'])} "
            f"p99 {_ms(lat['p99'])} max {_ms(lat['max'])}; send lag p99 {_ms(lag['p99'])}",
        ]
        if self.errors:
            out.append("errors: " + ", ".join(f"{k} x{v:,}" for k, v in
                                              sorted(self.errors.items(), key=lambda kv: -kv[1])))
        out += [f"threshold broken: {b}" for b in self.breaches]
        if self.interrupted:
            out.append("interrupted: the counts are up to the last tick before the stop")
        return out


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def breaches(summary: SoakSummary, limits: Thresholds) -> list[str]:
    """One reason per broken threshold."""
    out = []
    if limits.max_error_rate is not None and summary.error_rate > limits.max_error_rate:
        worst = ", ".join(f"{k} x{v:,}" for k, v in sorted(summary.errors.items(),
                                                          key=lambda kv: -kv[1])[:3])
        out.append(f"error rate {summary.error_rate:.2%} > {limits.max_error_rate:.2%} "
                   f"({summary.failed:,} of {summary.completed:,} failed: {worst})")
    p99 = summary.latency_ms.get("p99")
    if limits.max_p99 is not None and p99 is not None and p99 > limits.max_p99 * 1000:
        out.append(f"p99 latency {p99:,.1f} ms > {limits.max_p99 * 1000:,.0f} ms "
                   f"(measured from the scheduled send time)")
    if limits.min_rate is not None and summary.rate is not None and summary.planned:
        share = summary.completed / summary.planned
        if share < limits.min_rate:
            out.append(f"achieved {share:.1%} of the scheduled rate < {limits.min_rate:.0%} "
                       f"({summary.completed:,} of {summary.planned:,} events answered, "
                       f"{summary.unsent:,} never sent)")
    return out


def options_line(options: SoakOptions) -> dict[str, Any]:
    return {"type": "run", "options": options.redacted()}
