"""The delivery log of ``capmock serve``: runs in background threads, every attempt recorded.

A *run* is one call of :func:`capmock.delivery.deliver` in its own thread: a single event,
a scenario, or a redelivery. Each event it sends is a *delivery*: its bytes, the request
headers (secrets masked), and every attempt (time, status, latency, error, the start of the
response body — the sender keeps it for non-2xx answers). A redelivery sends the same bytes
(same eventId) to the same target again, without faults, and appends its attempts to the
original delivery. Every change bumps a version, so a page can poll for what changed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from capmock.delivery import Attempt, DeliveryOptions, EventOutcome, Faults, Planned, deliver
from capmock.delivery.sender import redact_url
from capmock.errors import CapmockError

log = logging.getLogger(__name__)
MASK = "***"


class Busy(CapmockError):
    """Too many runs in progress."""


class ShutDown(CapmockError):
    """The server is stopping: waits between attempts end at once."""


def request_headers(options: DeliveryOptions) -> dict[str, str]:
    """The headers every send carries, as the sender builds them, secrets masked."""
    headers = {"Content-Type": "application/json", "User-Agent": options.user_agent,
               "Accept": "*/*"}
    headers.update({name: MASK for name, _ in options.headers})
    if options.basic_auth:
        headers["Authorization"] = f"Basic {MASK}"
    elif options.bearer:
        headers["Authorization"] = f"Bearer {MASK}"
    return headers


@dataclass
class AttemptRow:
    n: int
    kind: str  # send | duplicate | redeliver
    time: float
    status: int | None
    latency_ms: float
    error: str | None
    outcome: str
    wait: float
    response: str | None


@dataclass
class Delivery:
    id: int
    run_id: int
    planned: Planned = field(repr=False)
    target: str = field(repr=False)  # as given (may hold credentials): never shown
    options: DeliveryOptions = field(repr=False)
    created: float = field(default_factory=time.time)
    attempts: list[AttemptRow] = field(default_factory=list)
    outcome: str = "queued"  # queued | retrying | delivered | failed-final
    version: int = 0

    def summary(self) -> dict[str, Any]:
        p, last = self.planned, (self.attempts[-1] if self.attempts else None)
        return {
            "id": self.id, "run": self.run_id, "created": self.created,
            "eventName": p.event_name, "eventId": p.event_id, "customerId": p.customer_id,
            "target": redact_url(self.target), "outcome": self.outcome,
            "status": last.status if last else None,
            "latency_ms": last.latency_ms if last else None,
            "attempts": [a.__dict__ for a in self.attempts], "version": self.version,
        }

    def detail(self) -> dict[str, Any]:
        out = self.summary()
        out["request"] = {
            "method": "POST", "url": redact_url(self.target),
            "headers": request_headers(self.options),
            "body": self.planned.body.decode("utf-8", "replace"),
        }
        return out


@dataclass
class RunInfo:
    id: int
    kind: str  # event | scenario | redeliver
    label: str
    target: str
    started: float = field(default_factory=time.time)
    state: str = "running"  # running | done | error
    finished: float | None = None
    error: str | None = None
    summary: dict[str, Any] | None = None
    deliveries: int = 0
    version: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["target"] = redact_url(self.target)
        return out


class DeliveryLog:
    def __init__(self, keep: int = 5000, max_active: int = 32, keep_runs: int = 500) -> None:
        self.keep, self.max_active, self.keep_runs = keep, max_active, keep_runs
        self.lock = threading.Lock()
        self.version = 0
        self.deliveries: OrderedDict[int, Delivery] = OrderedDict()
        self.runs: OrderedDict[int, RunInfo] = OrderedDict()
        self._ids = {"delivery": 0, "run": 0}
        self.threads: list[threading.Thread] = []
        self.closing = threading.Event()

    def _bump(self) -> int:
        self.version += 1
        return self.version

    def _next(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    # ---- starting runs ----------------------------------------------------------------

    def start(self, kind: str, label: str, target: str, options: DeliveryOptions,
              events: Iterable[Planned]) -> RunInfo:
        """Deliver ``events`` in a background thread; each becomes a delivery as it is sent."""
        run = self._new_run(kind, label, target)
        seq_ids: dict[int, int] = {}

        def stream() -> Iterator[Planned]:
            for planned in events:
                seq_ids[planned.seq] = self._add(run, planned, target, options)
                yield planned

        self._spawn(run, stream(), target, options, seq_ids)
        return run

    def redeliver(self, delivery_id: int) -> RunInfo | None:
        with self.lock:
            d = self.deliveries.get(delivery_id)
        if d is None:
            return None
        run = self._new_run("redeliver", f"redeliver #{d.id} {d.planned.event_name}", d.target)
        options = replace(d.options, faults=Faults())
        self._spawn(run, iter([d.planned]), d.target, options, {d.planned.seq: d.id})
        return run

    def _new_run(self, kind: str, label: str, target: str) -> RunInfo:
        with self.lock:
            active = sum(1 for r in self.runs.values() if r.state == "running")
            if self.closing.is_set():
                raise ShutDown("the server is stopping")
            if active >= self.max_active:
                raise Busy(f"{active} runs in progress; wait for one to finish")
            run = RunInfo(self._next("run"), kind, label, target, version=self._bump())
            self.runs[run.id] = run
            for old in list(self.runs)[: max(0, len(self.runs) - self.keep_runs)]:
                if self.runs[old].state != "running":
                    del self.runs[old]
        return run

    def _spawn(self, run: RunInfo, events: Iterator[Planned], target: str,
               options: DeliveryOptions, seq_ids: dict[int, int]) -> None:
        def body() -> None:
            self._execute(run, events, target, options, seq_ids)

        thread = threading.Thread(target=body, name=f"capmock-run-{run.id}", daemon=True)
        with self.lock:
            self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()

    def _execute(self, run: RunInfo, events: Iterator[Planned], target: str,
                 options: DeliveryOptions, seq_ids: dict[int, int]) -> None:
        kind = "redeliver" if run.kind == "redeliver" else None

        def on_attempt(a: Attempt) -> None:
            self._attempt(seq_ids, a, kind)

        def on_progress(o: EventOutcome) -> None:
            self._outcome(seq_ids, o)

        summary, error = None, None
        try:
            result = deliver(events, target, options, journal=False, sleep=self._sleep,
                             on_attempt=on_attempt, on_progress=on_progress)
            summary = result.to_dict(outcomes=False)
        except CapmockError as err:
            error = str(err)
        except Exception as err:  # a run must end visibly, whatever happened
            log.exception("run %s failed", run.id)
            error = f"{type(err).__name__}: {err}"
        with self.lock:
            run.state = "error" if error else "done"
            run.error, run.summary, run.finished = error, summary, time.time()
            run.version = self._bump()

    def _sleep(self, seconds: float) -> None:
        """The runs' waits (backoff, faults): cut short, with an error, by :meth:`shutdown`."""
        if self.closing.wait(seconds):
            raise ShutDown("the server is stopping")

    def shutdown(self, timeout: float = 5.0) -> bool:
        """End every run quickly: waits raise, events still to send fail at once."""
        self.closing.set()
        return self.wait_idle(timeout)

    # ---- recording --------------------------------------------------------------------

    def _add(self, run: RunInfo, planned: Planned, target: str,
             options: DeliveryOptions) -> int:
        with self.lock:
            d = Delivery(self._next("delivery"), run.id, planned, target, options)
            d.version = self._bump()
            self.deliveries[d.id] = d
            run.deliveries += 1
            run.version = d.version
            while len(self.deliveries) > self.keep:
                self.deliveries.popitem(last=False)
            return d.id

    def _attempt(self, seq_ids: dict[int, int], a: Attempt, kind: str | None) -> None:
        with self.lock:
            d = self.deliveries.get(seq_ids.get(a.seq, -1))
            if d is None:
                return  # forgotten (the log keeps the newest deliveries only)
            d.attempts.append(AttemptRow(
                len(d.attempts) + 1, kind if kind and a.kind == "send" else a.kind, a.time,
                a.status, a.latency_ms, a.error, a.outcome, a.wait, a.response,
            ))
            if a.outcome != "duplicate":
                d.outcome = a.outcome
            d.version = self._bump()

    def _outcome(self, seq_ids: dict[int, int], o: EventOutcome) -> None:
        with self.lock:
            d = self.deliveries.get(seq_ids.get(o.seq, -1))
            if d is not None:
                d.outcome = o.outcome
                d.version = self._bump()

    # ---- reading ----------------------------------------------------------------------

    def changed(self, since: int = 0, limit: int = 200, run: int | None = None,
                ) -> dict[str, Any]:
        with self.lock:
            rows = [d for d in reversed(self.deliveries.values())
                    if d.version > since and (run is None or d.run_id == run)]
            runs = [r.to_dict() for r in reversed(self.runs.values()) if r.version > since]
            return {
                "version": self.version,
                "total": len(self.deliveries),
                "deliveries": [d.summary() for d in rows[:limit]],
                "runs": runs[:limit],
            }

    def get(self, delivery_id: int) -> dict[str, Any] | None:
        with self.lock:
            d = self.deliveries.get(delivery_id)
            return d.detail() if d else None

    def run(self, run_id: int) -> dict[str, Any] | None:
        with self.lock:
            r = self.runs.get(run_id)
            return r.to_dict() if r else None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no run is in progress (tests, shutdown); False at the deadline."""
        deadline = time.monotonic() + timeout
        with self.lock:
            threads = list(self.threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)
