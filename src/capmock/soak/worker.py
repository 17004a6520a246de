"""One soak process: ``python -m capmock.soak.worker`` (started by :func:`run_soak`).

Protocol on the pipes, one JSON object per line:

* stdin: the :class:`WorkerConfig`; after ``{"type": "ready"}`` on stdout, a second line
  ``{"start_at": <time.monotonic() value>}`` (the shared clock of all workers);
* stdout: ``{"type": "tick", …}`` every ``interval`` seconds from ``start_at`` (counts and
  latency histograms of that interval, gauges at its end), then ``{"type": "end", …}``.

The hot path runs on gevent: ``connections`` greenlets, each with its own keep-alive
connection (:mod:`capmock.soak.client`). Open model: the k-th event of this worker is due at
``start_at + schedule.time_of(k)`` whatever the responses do; a greenlet takes the next due
event, waits for its moment if it is early, sends, and records the latency from the due
time (so waiting for a free connection counts: no coordinated omission). Nothing here
monkey-patches: the process only uses gevent's own sockets and sleeps.
"""

from __future__ import annotations

import gc
import heapq
import json
import pickle
import random
import signal
import sys
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from gevent.hub import Waiter

from capmock.delivery.faults import Faults
from capmock.delivery.types import Planned
from capmock.soak.client import Connection, HttpError, Target, request_head
from capmock.soak.crowd import Claim, JourneySource
from capmock.soak.histogram import Histogram
from capmock.soak.ids import derive
from capmock.soak.sampled_journal import SoakJournal
from capmock.soak.schedule import Schedule, Strided

monotonic = time.monotonic
LATE_GRACE = 0.5  # seconds after the end during which events already due are still sent
# The dispatcher wakes at most this often (seconds) and releases every event then due: one
# wake-up per batch instead of one per event (at 10k events/s a wake-up per event cost more
# than the batching's lag, which is at most this and is counted in latency and lag).
DISPATCH_TICK = 0.002
WARM_TIMEOUT = 5.0  # seconds: connects still pending then are left to the first requests


@dataclass
class WorkerConfig:
    target: str
    rate: float | None  # the global rate; this worker sends its stride of it
    duration: float
    ramp: float
    worker: int
    workers: int
    customers: int  # crowd members of this worker
    slots: int
    connections: int
    seed: int
    timeout: float
    headers: list[tuple[str, str]]
    mix_file: str  # the pickled Mix
    interval: float = 1.0
    faults: dict[str, Any] = field(default_factory=dict)  # the delivery core's Faults
    journal: str | None = None
    journal_mode: str = "failures"
    journal_sample: float = 0.0
    journal_max_bytes: int = 64 * 1024 * 1024
    journal_keep: int = 3
    run: dict[str, Any] = field(default_factory=dict)  # redacted options, for the journal

    @classmethod
    def from_json(cls, text: str) -> WorkerConfig:
        data = json.loads(text)
        data["headers"] = [tuple(h) for h in data["headers"]]
        return cls(**data)

    @property
    def fault_settings(self) -> Faults:
        f = dict(self.faults)
        for key in ("duplicate_delay", "delay"):
            if key in f:
                f[key] = tuple(f[key])
        return Faults(**f)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


class Stats:
    """Counts and histograms of the current interval (reset at every tick)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.started = 0
        self.done = 0
        self.ok = 0
        self.errors: dict[str, int] = {}
        self.latency = Histogram()  # from the due time to the response
        self.lag = Histogram()  # from the due time to the send
        self.service = Histogram()  # from the send to the response
        self.dups = 0
        self.dup_errors = 0

    def wire(self) -> dict[str, Any]:
        return {"started": self.started, "done": self.done, "ok": self.ok,
                "errors": self.errors, "latency": self.latency.to_wire(),
                "lag": self.lag.to_wire(), "service": self.service.to_wire(),
                "dups": self.dups, "dup_errors": self.dup_errors}


class Worker:
    def __init__(self, cfg: WorkerConfig, out: Any = None) -> None:
        self.cfg = cfg
        self.out = out or sys.stdout
        with open(cfg.mix_file, "rb") as f:
            mix = pickle.load(f)
        self.faults = cfg.fault_settings
        self.source = JourneySource(mix, seed=cfg.seed, worker=cfg.worker,
                                    customers=cfg.customers, slots=cfg.slots,
                                    reorder=self.faults.reorder)
        self.schedule = Schedule(cfg.rate, cfg.duration, cfg.ramp)
        self.strided = Strided(self.schedule, cfg.worker, cfg.workers)
        self.total = self.strided.total
        self.target = Target.parse(cfg.target)
        self.head = request_head(self.target, cfg.headers)
        self.stats = Stats()
        self.totals = {"started": 0, "done": 0, "ok": 0, "dups": 0, "dup_errors": 0}
        self.next_k = 0
        self.in_flight = 0
        self.freed = Event()
        self.idle: deque[Waiter] = deque()  # senders with nothing due yet
        self.closing = False
        self.connections: list[Connection] = []
        self.pool: list[Connection] = []  # opened by warm(), taken by the senders
        self.dup_heap: list[tuple[float, int, bytes, str]] = []
        self.dup_rng = random.Random(derive(cfg.seed, 0xD0B, cfg.worker))
        self.journal = self._journal()
        self.t0 = 0.0
        self.end_at = self.cutoff = 0.0

    def _journal(self) -> SoakJournal | None:
        cfg = self.cfg
        if cfg.journal is None or cfg.journal_mode == "off":
            return None
        return SoakJournal(Path(cfg.journal), mode=cfg.journal_mode, sample=cfg.journal_sample,
                           max_bytes=cfg.journal_max_bytes, keep=cfg.journal_keep,
                           run={**cfg.run, "worker": cfg.worker}, seed=cfg.seed + cfg.worker)

    # ---- running -------------------------------------------------------------------
    def run(self, start_at: float) -> None:
        self.t0 = start_at
        self.end_at = start_at + self.cfg.duration
        self.cutoff = self.end_at + LATE_GRACE
        sender = self.open_sender if self.total is not None else self.closed_sender
        senders = [gevent.spawn(sender) for _ in range(self.cfg.connections)]
        dups = [gevent.spawn(self.dup_sender) for _ in range(2)] if self.faults.duplicate else []
        ticker = gevent.spawn(self.ticker)
        watchdog = gevent.spawn(self.watchdog)
        dispatcher = gevent.spawn(self.dispatcher) if self.total is not None else None
        hard_stop = self.cfg.duration + self.cfg.timeout * 2 + 5 - max(0.0, monotonic() - start_at)
        gevent.joinall(senders + dups, timeout=max(1.0, hard_stop))
        gevent.killall(senders + dups, timeout=2)
        ticker.kill()
        watchdog.kill()
        if dispatcher is not None:
            dispatcher.kill()
        self.emit_tick(final=True)
        if self.journal is not None:
            self.journal.close()

    def warm(self) -> None:
        """Open the senders' connections before the start, all at once, waiting at most
        :data:`WARM_TIMEOUT`: otherwise the first moments of the run pay for every TCP
        (and TLS) handshake at once, and the first events are late for it."""
        self.pool = [Connection(self.target, self.head, self.cfg.timeout)
                     for _ in range(self.cfg.connections)]
        opening = [gevent.spawn(conn.open) for conn in self.pool]
        gevent.joinall(opening, timeout=min(WARM_TIMEOUT, self.cfg.timeout))
        gevent.killall([g for g in opening if not g.dead])  # left to the first requests

    def connection(self) -> Connection:
        """A sender's connection: a warmed one while there are, else a new one."""
        conn = (self.pool.pop() if self.pool
                else Connection(self.target, self.head, self.cfg.timeout))
        self.connections.append(conn)
        return conn

    def watchdog(self) -> None:
        """Requests past their deadline fail as timeouts (a timer per request would cost)."""
        every = min(0.25, self.cfg.timeout / 4)
        while True:
            gevent.sleep(every)
            now = monotonic()
            for conn in self.connections:
                conn.expire_if_late(now)

    def open_sender(self) -> None:
        """Open model: take the next due event (waiting idle until there is one), send it,
        record its latency from the moment it was due."""
        conn = self.connection()
        time_of, t0 = self.strided.time_of, self.t0
        while (k := self.take()) is not None:
            self.send(conn, t0 + time_of(k))
        conn.close()

    def take(self) -> int | None:
        """The index of the next due event; None when the run is over. Events still due
        after the end stay unsent (and are reported as such)."""
        assert self.total is not None
        while True:
            k = self.next_k
            if k >= self.total or self.closing:
                return None
            now = monotonic()
            if self.t0 + self.strided.time_of(k) <= now:
                if now >= self.cutoff:
                    return None
                self.next_k = k + 1
                return k
            waiter = Waiter()  # idle until the dispatcher says an event is due
            self.idle.append(waiter)
            waiter.get()

    def dispatcher(self) -> None:
        """Wakes one idle sender per due event: one timer per batch of due events instead
        of one per event (a busy sender takes the next due event without waiting)."""
        assert self.total is not None
        run_callback = gevent.get_hub().loop.run_callback
        count_at, time_of, t0 = self.strided.count_at, self.strided.time_of, self.t0
        while self.next_k < self.total and monotonic() < self.cutoff:
            due = count_at(monotonic() - t0)
            for _ in range(min(due - self.next_k, len(self.idle))):
                run_callback(self.idle.popleft().switch, None)
            # until the next event falls due (all due: only busy senders are left to finish)
            wait = t0 + time_of(due) - monotonic() if due < self.total else 0.05
            gevent.sleep(min(max(wait, DISPATCH_TICK), 0.05))
        self.closing = True
        while self.idle:
            run_callback(self.idle.popleft().switch, None)

    def closed_sender(self) -> None:
        """Unbounded rate: every connection sends again as soon as it has its answer."""
        conn = self.connection()
        while True:
            now = monotonic()
            if now >= self.end_at:
                break
            self.next_k += 1
            self.send(conn, now)
        conn.close()

    def send(self, conn: Connection, due: float) -> None:
        claim = self.source.claim()
        while claim is None:  # fewer customers than connections: wait for one to be free
            self.freed.clear()
            self.freed.wait()
            claim = self.source.claim()
        stats = self.stats
        stats.started += 1
        self.in_flight += 1
        start = monotonic()
        status: int | None = None
        error: str | None = "client error"
        try:
            status, error = post(conn, claim.body)
        finally:  # whatever happened, the slot is freed and the event ends in a count
            end = monotonic()
            self.in_flight -= 1
            self.source.release(claim.slot)
            self.freed.set()
            if conn.resent:
                stats.dups += 1  # the server may have got the first copy too
            self.record(claim, due, start, end, status, error)

    def record(
        self, claim: Claim, due: float, start: float, end: float, status: int | None,
        error: str | None,
    ) -> None:
        stats = self.stats
        stats.done += 1
        stats.latency.record_us(int((end - due) * 1e6))
        stats.lag.record_us(int((start - due) * 1e6))
        stats.service.record_us(int((end - start) * 1e6))
        if error is None:
            stats.ok += 1
        else:
            stats.errors[error] = stats.errors.get(error, 0) + 1
        if self.journal is not None and self.journal.wants(error is None):
            planned = Planned(claim.seq, claim.event_id, claim.event_name, claim.customer_id,
                              claim.body)
            self.journal.record(planned, kind="send", status=status,
                                latency_ms=(end - start) * 1000, error=error, ok=error is None)
        after = self.faults.duplicate_after(self.dup_rng)
        if after is not None:
            at = end + after
            if at < self.end_at:
                heapq.heappush(self.dup_heap, (at, claim.seq, claim.body, claim.event_id))

    def dup_sender(self) -> None:
        """Deliberate duplicates: the same bytes again, on a connection of their own."""
        conn = self.connection()
        while monotonic() < self.end_at:
            if not self.dup_heap or self.dup_heap[0][0] > monotonic():
                gevent.sleep(0.005)  # a short poll: duplicates are few and not latency-critical
                continue
            _, _, body, _ = heapq.heappop(self.dup_heap)
            failed = True
            try:
                failed = post(conn, body)[1] is not None
            finally:
                self.stats.dups += 1 + conn.resent
                self.stats.dup_errors += failed
        conn.close()

    # ---- reporting -----------------------------------------------------------------
    def ticker(self) -> None:
        n = 1
        while True:
            wait = self.t0 + n * self.cfg.interval - monotonic()
            if wait > 0:
                gevent.sleep(wait)
            self.emit_tick()
            n += 1

    def emit_tick(self, final: bool = False) -> None:
        now = monotonic()
        elapsed = now - self.t0
        due = self.strided.count_at(elapsed) if self.total is not None else self.next_k
        started_total = self.totals["started"] + self.stats.started
        record = {
            "type": "end" if final else "tick",
            "worker": self.cfg.worker,
            "elapsed": round(elapsed, 4),
            "due": due,
            "in_flight": self.in_flight,
            "backlog": max(0, due - started_total),
            "rss": rss_bytes(),
            **self.stats.wire(),
        }
        if final:
            record["planned"] = self.total if self.total is not None else started_total
            record["journeys"] = self.source.journeys
            if self.journal is not None:
                record["journal_records"] = self.journal.records
                record["journal_rotations"] = self.journal.rotations
        for key in self.totals:
            self.totals[key] += getattr(self.stats, key)
        self.stats.reset()
        self.out.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.out.flush()


def post(conn: Connection, body: bytes) -> tuple[int | None, str | None]:
    """(status, error) of one POST: error is None for a 2xx, else what went wrong; an
    exception the client did not expect is an error too, never a lost event."""
    try:
        status = conn.post(body)
    except HttpError as err:
        return None, err.kind
    except Exception as exc:  # counted, never lost (an unexpected client failure)
        conn.close()
        return None, f"client error: {type(exc).__name__}"
    return status, None if 200 <= status < 300 else f"http {status}"


def rss_bytes() -> int:
    """Resident memory of this process (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _page_size()
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _page_size() -> int:
    import os

    return os.sysconf("SC_PAGE_SIZE")


def settle_heap() -> None:
    """Collect once, then freeze what start-up left (modules, the journey templates) out of
    the cyclic collector's reach. Otherwise the first full collection, a few seconds into
    the run, walks all of it: a 35-40 ms pause in every worker at once, measured here,
    which at 80% of the maximum rate shows as a latency spike in the p99."""
    gc.collect()
    gc.freeze()


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    cfg = WorkerConfig.from_json(sys.stdin.readline())
    worker = Worker(cfg)
    worker.warm()
    settle_heap()
    print(json.dumps({"type": "ready", "worker": cfg.worker}), flush=True)
    line = sys.stdin.readline()
    if not line:
        return 1  # the parent went away before the start
    worker.run(float(json.loads(line)["start_at"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
