"""Deliver a stream of planned events: faults, N parallel in-flight sends, the journal.

With ``connections=1`` everything runs in the calling thread, strictly in order. Each
connection is a lane (see :mod:`capmock.delivery.queue`): under ``on_retry`` block (the
default, as Capillary documents) an event being retried holds back the lane's later events
until it is delivered or the policy gives up; under continue its retries wait in a timer
heap and the lane goes on. Nothing is lost: every planned event ends delivered or
failed-final, and the journal says which.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from capmock.delivery.faults import FaultPlan
from capmock.delivery.journal import JournalWriter, default_journal_path
from capmock.delivery.options import DeliveryOptions
from capmock.delivery.policy import Decision
from capmock.delivery.queue import Deferred, HoldTracker, Job, JobQueue
from capmock.delivery.restore import secret_names
from capmock.delivery.secrets import redact_url
from capmock.delivery.sender import Clock, Sender, Sleep, check_target
from capmock.delivery.types import Attempt, EventOutcome, Interrupted, Planned, Summary
from capmock.errors import UsageError
from capmock.outputs import prepare_output

Progress = Callable[[EventOutcome], None]
AttemptHook = Callable[[Attempt], None]
JournalArg = str | Path | None | Literal[False]


def as_planned(events: Iterable[Planned | dict[str, Any]]) -> Iterator[Planned]:
    """Planned events as given; payload dicts are serialised once, numbered by position."""
    for seq, event in enumerate(events):
        yield event if isinstance(event, Planned) else Planned.from_payload(seq, event)


def open_journal(journal: JournalArg, *, fresh: bool) -> JournalWriter | None:
    """``None``: a new file under ``.capmock/runs/``; ``False``: no journal; else that path."""
    if journal is False:
        return None
    path = prepare_output(default_journal_path() if journal is None else journal, "the journal")
    if fresh and path.exists() and path.stat().st_size:
        raise UsageError(f"journal {path} already exists", hint="resume it or choose another path")
    return JournalWriter(path)


class Stopped(Exception):
    """Raised inside a worker's wait when the run is being stopped."""


class Run:
    """One delivery session: N workers (connections) take sends from a :class:`JobQueue`,
    send, count, journal. ``connections=1`` runs the very same loop in the calling thread.
    """

    def __init__(
        self,
        target: str,
        options: DeliveryOptions,
        *,
        sleep: Sleep,
        clock: Clock,
        journal: JournalWriter | None,
        on_progress: Progress | None = None,
        on_attempt: AttemptHook | None = None,
    ) -> None:
        self.options, self.sleep, self.clock = options, sleep, clock
        self.journal = journal
        self.on_progress, self.on_attempt = on_progress, on_attempt
        self.sender = Sender(target, options, record=self._record, sleep=self.pause, clock=clock)
        self.summary = Summary(journal=str(journal.path) if journal else None)
        self.lock = threading.Lock()  # counters and outcomes
        policy = options.policy
        self.deferring = not policy.holds  # continue: retries wait in the queue's timers
        self.queue = JobQueue(options.connections if policy.holds else 1, clock, self._plan)
        self.holds = HoldTracker(self.summary, policy.time_scale, clock)
        self.latencies: list[float] = []
        self.error: BaseException | None = None

    @property
    def stopping(self) -> threading.Event:
        return self.queue.stopping

    def fault_plan(self) -> FaultPlan:
        opts = self.options
        return FaultPlan(opts.faults, opts.seed, opts.policy.time_scale, self.sleep)

    def pause(self, seconds: float) -> None:
        """The injected sleep; the default one is cut short when the run stops."""
        if self.sleep is time.sleep:
            self.stopping.wait(seconds)
        else:
            self.sleep(seconds)
        if self.stopping.is_set():
            raise Stopped

    # -- recording ---------------------------------------------------------------------------

    def _record(self, attempt: Attempt) -> None:
        if self.journal is not None:
            self.journal.attempt(attempt)
        with self.lock:
            if attempt.status is not None:
                self.latencies.append(attempt.latency_ms)
            if attempt.outcome == "retrying":
                self.summary.retries += 1
        if self.on_attempt is not None:
            self._call_back(self.on_attempt, attempt)

    def _call_back(self, callback: Callable[[Any], None], value: object) -> None:
        """Run a caller's callback; if it raises, stop the run (the error is re-raised by
        :meth:`execute`) rather than let it spoil the record of a send."""
        try:
            callback(value)
        except Exception as exc:
            self.error = self.error or exc
            self.stop()

    def _plan(self, job: Job) -> None:
        planned, note = job.planned, job.note
        with self.lock:
            s = self.summary
            s.planned += 1
            if note.moved:
                s.reordered += 1
            s.outcomes[planned.seq] = EventOutcome(
                planned.seq, planned.event_id, planned.event_name, planned.customer_id,
                faults=note,
            )
        if self.journal is not None and not job.journaled:
            self.journal.planned(planned, note)

    def _finish(self, seq: int, outcome: str, attempts: int, status: int | None,
                reason: str) -> None:
        with self.lock:
            o = self.summary.outcomes[seq]
            o.outcome = "delivered" if outcome == "delivered" else "failed-final"
            o.attempts, o.status, o.reason = attempts, status, reason
            if o.outcome == "delivered":
                self.summary.delivered += 1
            else:
                self.summary.failed_final += 1
        if self.on_progress is not None:
            self._call_back(self.on_progress, o)

    # -- sending -----------------------------------------------------------------------------

    def original(self, job: Job, lane: int) -> None:
        """Send with retries until delivered or failed-final (continue mode: the first
        attempt, the rest deferred); then schedule its duplicate."""
        planned, note = job.planned, job.note
        try:
            if note.delay:
                self.pause(note.delay)
            if self.deferring:
                self.step(Deferred(job, self.sender.start(planned, job.first_attempt), lane))
                return
            started = self.clock()
            attempt, decision = self.sender.send(planned, job.first_attempt)
        except Stopped:
            return  # left pending: resume sends it
        except Exception as exc:  # a bug must still leave the event accounted for
            self._internal_error(job, exc)
            return
        self.holds.finished(lane, job, attempt, decision.outcome, started)
        self._settle(job, attempt, decision)

    def step(self, deferred: Deferred) -> None:
        """Continue mode: one attempt; if the policy says retry, back into the queue."""
        try:
            attempt, decision = self.sender.attempt(deferred.call)
        except Exception as exc:
            self._internal_error(deferred.job, exc)
            return
        if decision.retry:
            self.queue.later(self.clock() + decision.wait, deferred)
        else:
            self._settle(deferred.job, attempt, decision)

    def _settle(self, job: Job, attempt: Attempt, decision: Decision) -> None:
        planned = job.planned
        self._finish(planned.seq, decision.outcome, attempt.attempt, attempt.status,
                     decision.reason)
        if job.note.duplicate_after is not None:
            self.schedule_duplicate(planned, job.note.duplicate_after)

    def _internal_error(self, job: Job, exc: Exception) -> None:
        planned = job.planned
        reason = f"internal error: {type(exc).__name__}: {exc}"
        self._record(Attempt(planned.seq, planned.event_id, job.first_attempt, "send",
                             time.time(), None, 0.0, reason, "failed-final"))
        self._finish(planned.seq, "failed-final", job.first_attempt, None, reason)

    def duplicate(self, planned: Planned) -> None:
        try:
            self.sender.once(planned)
        except Exception as exc:
            self._record(Attempt(planned.seq, planned.event_id, 1, "duplicate", time.time(),
                                 None, 0.0, f"internal error: {exc}", "duplicate"))
        with self.lock:
            self.summary.duplicates_sent += 1
            outcome = self.summary.outcomes.get(planned.seq)
            if outcome is not None:
                outcome.duplicates_sent += 1

    def schedule_duplicate(self, planned: Planned, after: float) -> None:
        self.queue.later(self.clock() + after, planned)

    # -- workers -----------------------------------------------------------------------------

    def _work(self, lane: int = 0) -> None:
        while (item := self.queue.next(lane)) is not None:
            try:
                if isinstance(item, Job):
                    self.original(item, lane)
                elif isinstance(item, Deferred):
                    self.step(item)
                elif isinstance(item, Planned):
                    self.duplicate(item)
                else:
                    try:
                        self.pause(item)
                    except Stopped:
                        return
            finally:
                self.queue.done(item)

    def _work_guarded(self, lane: int) -> None:
        try:
            self._work(lane)
        except BaseException as exc:  # a failing event source: stop everyone, re-raise later
            self.error = self.error or exc
            self.stop()

    def stop(self) -> None:
        self.queue.stop()

    # -- the whole session -------------------------------------------------------------------

    def execute(self, jobs: Iterable[Job]) -> Summary:
        """Send every job (and the duplicates the faults ask for) and close everything.

        If the source raises, sends in flight finish and are journaled; events not yet
        acknowledged stay pending for ``resume``. On Ctrl-C the same happens and
        :class:`Interrupted` (a KeyboardInterrupt) carries the summary so far.
        """
        self.queue.source = iter(jobs)
        start = self.clock()
        threads: list[threading.Thread] = []
        try:
            if self.options.connections == 1:
                self._work()
            else:
                threads = [
                    threading.Thread(target=self._work_guarded, args=(i,),
                                     name=f"capmock-send-{i}", daemon=True)
                    for i in range(self.options.connections)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        except KeyboardInterrupt:
            self._halt(threads)
            raise Interrupted(self._close(start, True)) from None
        except BaseException:
            self._halt(threads)
            self._close(start, True)
            raise
        if self.error is not None:
            self._close(start, True)
            raise self.error
        return self._close(start, False)

    def _halt(self, threads: list[threading.Thread]) -> None:
        """Stop: sends in flight finish and are journaled."""
        self.stop()
        for thread in threads:
            thread.join()

    def _close(self, start: float, interrupted: bool) -> Summary:
        self.sender.close()
        s = self.summary
        s.elapsed_s = round(self.clock() - start, 6)
        s.set_latencies(self.latencies)
        s.pending = s.planned - s.delivered - s.failed_final
        s.interrupted = interrupted
        if self.journal is not None:
            self.journal.end(s.to_dict(outcomes=False))
            self.journal.close()
        return s


def deliver(
    events: Iterable[Planned | dict[str, Any]],
    target: str,
    options: DeliveryOptions | None = None,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
    journal: JournalArg = None,
    meta: dict[str, Any] | None = None,
    on_progress: Progress | None = None,
    on_attempt: AttemptHook | None = None,
) -> Summary:
    """POST every event to ``target`` as ``options`` say; returns the :class:`Summary`.

    ``events`` is read lazily (payload dicts are serialised once); ``journal`` is a path, None
    for ``.capmock/runs/<UTC timestamp>.jsonl`` or False for none; ``meta`` is stored in the
    journal's run record (e.g. how to regenerate the events for ``resume``). ``sleep`` and
    ``clock`` are injectable; ``on_progress`` gets each event's final outcome and
    ``on_attempt`` every attempt, from the sending thread.
    """
    return _deliver(events, target, options, sleep=sleep, clock=clock, journal=journal,
                    meta=meta, on_progress=on_progress, on_attempt=on_attempt)


def _deliver(
    events: Iterable[Planned | dict[str, Any]],
    target: str,
    options: DeliveryOptions | None,
    *,
    sleep: Sleep,
    clock: Clock,
    journal: JournalArg,
    meta: dict[str, Any] | None,
    on_progress: Progress | None,
    on_attempt: AttemptHook | None,
    mode: str = "deliver",
) -> Summary:
    options = options or DeliveryOptions()
    check_target(target)
    writer = open_journal(journal, fresh=True)
    if writer is not None:
        writer.run(mode, redact_url(target), options.redacted(), meta=meta or {},
                   secret_headers=secret_names(options))
    run = Run(target, options, sleep=sleep, clock=clock, journal=writer,
              on_progress=on_progress, on_attempt=on_attempt)

    jobs = (Job(p, note) for p, note in run.fault_plan().apply(as_planned(events)))
    return run.execute(jobs)
