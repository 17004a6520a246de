"""``run_soak``: start the worker processes, merge their ticks, report, judge thresholds.

The parent process never sends anything itself: it builds (and validates) the journey
templates once, hands them to ``processes`` workers (``python -m capmock.soak.worker``,
so gevent stays out of the calling process), gives them one start instant, and merges the
per-interval counts and histograms they print. Memory in the parent is bounded too: the
series kept for the plot is thinned when it grows past :data:`MAX_SERIES`.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from capmock.delivery.journal import default_journal_path
from capmock.errors import DeliveryError
from capmock.outputs import prepare_output
from capmock.soak.metrics import MetricsFile, write_plot
from capmock.soak.report import Snapshot, SoakSummary, Window, breaches
from capmock.soak.schedule import Schedule
from capmock.soak.settings import SoakOptions
from capmock.soak.templates import build_mix
from capmock.soak.worker import WorkerConfig

MAX_SERIES = 4000
READY_TIMEOUT = 120.0
TickCallback = Callable[[Snapshot], None]


def run_soak(options: SoakOptions, *, on_tick: TickCallback | None = None) -> SoakSummary:
    """Run a soak as ``options`` say; ``on_tick(snapshot)`` once per interval.

    Raises CapmockError subclasses for unusable options or scenarios (exit 2) and
    DeliveryError when a worker process fails (exit 1); a broken threshold is not an
    exception: see ``summary.breaches`` and ``summary.exit_code``.
    """
    journals = check_outputs(options)
    mix = build_mix(options.mix, seed=options.seed, count=options.templates,
                    envelope=options.envelope, variations=options.variations,
                    fields=options.fields,
                    vendor=options.vendor)
    with tempfile.TemporaryDirectory(prefix="capmock-soak-") as tmp:
        mix_file = Path(tmp) / "mix.pickle"
        mix_file.write_bytes(pickle.dumps(mix, protocol=pickle.HIGHEST_PROTOCOL))
        run = SoakRun(options, str(mix_file), on_tick, journals)
        return run.run()


def journal_paths(o: SoakOptions) -> list[Path | None]:
    """Each worker's journal (``None`` each when journaling is off)."""
    n = o.effective_processes
    if o.journal_mode == "off":
        return [None] * n
    default = default_journal_path()
    base = o.journal or default.with_name(default.stem + "-soak.jsonl")
    if n == 1:
        return [base]
    return [base.with_name(f"{base.stem}.w{w}{base.suffix}") for w in range(n)]


def check_outputs(o: SoakOptions) -> list[Path | None]:
    """Every file the soak will write can be written: said now, not after the run. The
    workers' journals, as checked."""
    journals = journal_paths(o)
    files = [(p, "the journal") for p in journals if p is not None]
    files += [(p, what) for p, what in ((o.metrics, "the metrics"), (o.plot, "the plot")) if p]
    for path, what in files:
        prepare_output(path, what)
    return journals


class WorkerProcess:
    """One worker: its process, a reader thread feeding ``lines``, its stderr file."""

    def __init__(self, index: int, config: WorkerConfig, lines: queue.Queue[Any]) -> None:
        self.index = index
        self.config = config
        self.stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "capmock.soak.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.stderr, env=env,
        )
        assert self.proc.stdin is not None
        self.proc.stdin.write(config.to_json().encode() + b"\n")
        self.proc.stdin.flush()
        self.reader = threading.Thread(target=self._read, args=(lines,), daemon=True)
        self.reader.start()

    def _read(self, lines: queue.Queue[Any]) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            with contextlib.suppress(ValueError):
                lines.put((self.index, json.loads(raw)))
        lines.put((self.index, {"type": "eof"}))

    def start(self, start_at: float) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"start_at": start_at}).encode() + b"\n")
        self.proc.stdin.close()

    def error_text(self) -> str:
        self.stderr.seek(0)
        lines = self.stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self.proc.poll()}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


class SoakRun:
    def __init__(self, options: SoakOptions, mix_file: str, on_tick: TickCallback | None,
                 journals: list[Path | None]) -> None:
        self.options = options
        self.mix_file = mix_file
        self.on_tick = on_tick
        self.schedule = Schedule(options.rate, options.duration, options.ramp)
        self.workers: list[WorkerProcess] = []
        self.lines: queue.Queue[Any] = queue.Queue()
        self.pending: dict[int, list[dict[str, Any]]] = {}
        self.ended: dict[int, dict[str, Any]] = {}
        self.total = Window()
        self.series: list[dict[str, Any]] = []
        self.rss: dict[str, list[float]] = {}
        self.last_elapsed = 0.0
        self.last_span = 0.0
        self.last_due = 0
        self.interrupted = False
        self.journals = journals
        self.metrics = MetricsFile(options.metrics, options) if options.metrics else None

    # ---- set-up --------------------------------------------------------------------
    def _config(self, w: int) -> WorkerConfig:
        o, n = self.options, self.options.effective_processes
        customers = o.customers // n + (1 if w < o.customers % n else 0)
        connections = max(1, o.connections // n + (1 if w < o.connections % n else 0))
        journal = self.journals[w]
        return WorkerConfig(
            target=o.target, rate=o.rate, duration=o.duration, ramp=o.ramp, worker=w,
            workers=n, customers=customers, slots=max(connections, o.effective_interleave),
            connections=connections, seed=o.seed, timeout=o.timeout,
            headers=list(o.delivery.request_headers().items()), mix_file=self.mix_file,
            interval=o.interval, faults=asdict(o.delivery.faults),
            journal=None if journal is None else str(journal),
            journal_mode=o.journal_mode, journal_sample=o.journal_sample,
            journal_max_bytes=o.journal_max_bytes, journal_keep=o.journal_keep,
            run=o.redacted(),
        )

    # ---- the run ---------------------------------------------------------------------
    def run(self) -> SoakSummary:
        started = time.monotonic()
        try:
            n = self.options.effective_processes
            self.workers = [WorkerProcess(w, self._config(w), self.lines) for w in range(n)]
            self._await_ready()
            start_at = time.monotonic() + 0.25
            for worker in self.workers:
                worker.start(start_at)
            self._collect(start_at)
        except KeyboardInterrupt:
            self.interrupted = True  # report what was measured so far
        except BaseException:
            if self.metrics is not None:
                self.metrics.close()
            raise
        finally:
            for worker in self.workers:
                worker.stop()
        return self._summary(time.monotonic() - started)

    def _await_ready(self) -> None:
        ready: set[int] = set()
        deadline = time.monotonic() + READY_TIMEOUT
        while len(ready) < len(self.workers):
            index, record = self._next_line(deadline)
            if record["type"] == "ready":
                ready.add(index)
            elif record["type"] == "eof":
                raise self._failed(index)

    def _next_line(self, deadline: float) -> tuple[int, dict[str, Any]]:
        try:
            return self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise DeliveryError("soak worker processes stopped answering") from None

    def _failed(self, index: int) -> DeliveryError:
        return DeliveryError(f"soak worker {index} failed: {self.workers[index].error_text()}")

    def _collect(self, start_at: float) -> None:
        o = self.options
        deadline = start_at + o.duration + 2 * o.timeout + 30
        self.pending = {w.index: [] for w in self.workers}
        while len(self.ended) < len(self.workers):
            index, record = self._next_line(deadline)
            kind = record["type"]
            if kind == "eof":
                if index not in self.ended:
                    raise self._failed(index)
                continue
            self.pending[index].append(record)
            if kind == "end":
                self.ended[index] = record
            self._drain()

    def _drain(self) -> None:
        """Merge the oldest tick of every worker once all have one (or have ended)."""
        while all(self.pending[w] or w in self.ended for w in self.pending) and any(
            self.pending.values()
        ):
            records = [self.pending[w].pop(0) for w in self.pending if self.pending[w]]
            self._tick(records)

    def _tick(self, records: list[dict[str, Any]]) -> None:
        window = Window()
        for record in records:
            window.add_wire(record)
            key = f"worker {record['worker']}"
            mb = round(record["rss"] / 2**20, 1)
            self.rss.setdefault(key, [mb, mb])[1] = mb
        self.total.merge(window)
        snapshot = self._snapshot(records, window)
        self.last_due = snapshot.due
        snapshot.final = any(r["type"] == "end" for r in records)
        if not snapshot.final or self.last_span >= self.options.interval / 2:
            self._keep(snapshot)  # a short last interval would plot a misleading rate
        if self.metrics is not None:
            self.metrics.add(snapshot, window, self.total)
        if self.on_tick is not None:
            self.on_tick(snapshot)

    def _snapshot(self, records: list[dict[str, Any]], window: Window) -> Snapshot:
        elapsed = max(r["elapsed"] for r in records)
        span = self.last_span = max(1e-6, elapsed - self.last_elapsed)
        self.last_elapsed = elapsed
        tick_lag = window.lag.percentile_ms(99)
        return Snapshot(
            elapsed=elapsed, duration=self.options.duration,
            target_rate=None if self.schedule.unbounded else self.schedule.rate_at(
                min(elapsed, self.options.duration - 1e-9)),
            achieved_rate=window.done / span, sent_rate=window.started / span,
            in_flight=sum(r["in_flight"] for r in records),
            backlog=sum(r["backlog"] for r in records), lag_ms=tick_lag,
            due=sum(r["due"] for r in records), started=self.total.started,
            done=self.total.done, ok=self.total.ok, errors=dict(self.total.errors),
            tick_errors=dict(window.errors), latency_ms=window.latency.summary_ms(),
            overall_ms=self.total.latency.summary_ms(),
            rss_mb=[round(r["rss"] / 2**20, 1) for r in records], dups=self.total.dups,
        )

    def _keep(self, snapshot: Snapshot) -> None:
        self.series.append({
            "t": round(snapshot.elapsed, 3), "target": snapshot.target_rate,
            "rate": round(snapshot.achieved_rate, 2), "p50": snapshot.latency_ms["p50"],
            "p99": snapshot.latency_ms["p99"], "max": snapshot.latency_ms["max"],
            "backlog": snapshot.backlog, "errors": sum(snapshot.tick_errors.values()),
        })
        if len(self.series) > MAX_SERIES:
            self.series = self.series[::2]  # thin: memory stays flat over hours

    # ---- the end -----------------------------------------------------------------------
    def _summary(self, elapsed: float) -> SoakSummary:
        o, t = self.options, self.total
        ends = list(self.ended.values())
        planned = sum(int(e.get("planned", 0)) for e in ends)
        span = o.duration
        if self.interrupted:
            planned = max(self.last_due, t.started)
            span = self.last_elapsed or o.duration
        summary = SoakSummary(
            target=o.target, seed=o.seed, processes=len(self.workers), duration_s=o.duration,
            elapsed_s=round(elapsed, 3), rate=o.rate, planned=planned, sent=t.started,
            completed=t.done, ok=t.ok, failed=t.failed, unsent=max(0, planned - t.started),
            errors=dict(t.errors), duplicates_sent=t.dups,
            journeys=sum(int(e.get("journeys", 0)) for e in ends),
            achieved_rate=round(t.done / span, 2), latency_ms=t.latency.summary_ms(),
            lag_ms=t.lag.summary_ms(), service_ms=t.service.summary_ms(), rss_mb=self.rss,
            journal=[str(p) for p in self.journals if p is not None and p.exists()],
            metrics=None if o.metrics is None else str(o.metrics), series=self.series,
        )
        summary.interrupted = self.interrupted
        summary.breaches = breaches(summary, o.thresholds)
        if self.metrics is not None:
            self.metrics.finish(summary)
            self.metrics.close()
        if o.plot is not None:
            write_plot(o.plot, summary)
            summary.plot = str(o.plot)
        return summary
