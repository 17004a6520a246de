"""Which send a delivery worker does next: the job queue of a run.

Each worker is one connection, one *lane*. With ``on_retry`` block (Capillary's way) and
several connections, the stream is dealt to the lanes in turn (event k to lane k mod N) and
each lane sends its own events strictly in order, so a lane whose event is being retried
holds back the events dealt to it while the other lanes go on; a worker that pulls events
for another lane queues them on that lane (at most ``backlog`` each, then it waits). With
one connection, or ``on_retry`` continue, workers simply take the next event of the stream.

Timed items — deliberate duplicates and, in continue mode, the next attempt of an event
being retried — wait in one heap and go to the first worker free once they fall due.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from capmock.delivery.types import Attempt, FaultNote, Hold, Planned, Summary

LANE_BACKLOG = 1000  # events queued per lane before the worker reading the stream waits


@dataclass(frozen=True, slots=True)
class Job:
    """An original send: the event, its faults, and where its attempt count starts."""

    planned: Planned
    note: FaultNote
    journaled: bool = False  # its planned record is already in the journal (resume)
    first_attempt: int = 1


@dataclass(slots=True)
class Deferred:
    """Continue mode: the next attempt of an event being retried, when it falls due."""

    job: Job
    call: Any  # the sender's per-event retry state
    lane: int


Item = Job | Deferred | Planned | float  # a Planned is a due duplicate; a float: seconds to wait


class JobQueue:
    def __init__(
        self,
        lanes: int,
        clock: Callable[[], float],
        on_plan: Callable[[Job], None],
        *,
        backlog: int = LANE_BACKLOG,
    ) -> None:
        self.clock, self.on_plan, self.backlog = clock, on_plan, backlog
        self.cond = threading.Condition()
        self.source: Iterator[Job] = iter(())
        self.lanes: list[deque[Job]] | None = [deque() for _ in range(lanes)] if lanes > 1 else None
        self.timers: list[tuple[float, int, Planned | Deferred]] = []
        self._order = itertools.count()
        self.pulled = 0
        self.exhausted = False
        self.active = 0  # originals and deferred attempts being sent
        self.sleeper = False  # a worker is waiting for the next timer to fall due
        self.stopping = threading.Event()

    def later(self, due: float, item: Planned | Deferred) -> None:
        with self.cond:
            heapq.heappush(self.timers, (due, next(self._order), item))
            self.cond.notify_all()

    def next(self, lane: int) -> Item | None:
        """What worker ``lane`` does next; None when everything is done (or stopping)."""
        with self.cond:
            while not self.stopping.is_set():
                now = self.clock()
                if self.timers and self.timers[0][0] <= now:
                    item = heapq.heappop(self.timers)[2]
                    if isinstance(item, Deferred):
                        self.active += 1
                    return item
                job = self._take(lane)
                if job is not None:
                    self.active += 1
                    return job
                if self.exhausted and self.timers and not self.sleeper:
                    self.sleeper = True
                    return self.timers[0][0] - now
                if self._finished():
                    self.cond.notify_all()
                    return None
                self.cond.wait()
            return None

    def _finished(self) -> bool:
        return (
            self.exhausted
            and not self.timers
            and self.active == 0
            and not (self.lanes and any(self.lanes))
        )

    def _pull(self) -> Job | None:
        job = next(self.source, None)
        if job is None:
            self.exhausted = True
            self.cond.notify_all()
            return None
        self.pulled += 1
        self.on_plan(job)
        return job

    def _take(self, lane: int) -> Job | None:
        if self.lanes is None:
            return None if self.exhausted else self._pull()
        mine = self.lanes[lane]
        if mine:
            self.cond.notify_all()  # room on this lane for whoever waits to queue on it
            return mine.popleft()
        while not self.exhausted:
            target = self.pulled % len(self.lanes)
            if target != lane and len(self.lanes[target]) >= self.backlog:
                return None  # that lane is held: wait for it to move
            job = self._pull()
            if job is None:
                return None
            if target == lane:
                return job
            self.lanes[target].append(job)
            self.cond.notify_all()
        return None

    def done(self, item: Item) -> None:
        """Worker finished ``item`` (a sent job, a deferred attempt, or a wait)."""
        with self.cond:
            if isinstance(item, Job | Deferred):
                self.active -= 1
            elif not isinstance(item, Planned):
                self.sleeper = False
            self.cond.notify_all()

    def stop(self) -> None:
        self.stopping.set()
        with self.cond:
            self.cond.notify_all()


class HoldTracker:
    """Block mode: the longest time a retried event held its lane, and the burst of events
    that lane then delivered (first try, until its next retry or the end)."""

    def __init__(self, summary: Summary, time_scale: float, clock: Callable[[], float]) -> None:
        self.summary, self.time_scale, self.clock = summary, time_scale, clock
        self.lock = threading.Lock()
        self.bursting: dict[int, tuple[Hold, float]] = {}  # lane -> (hold, released at)

    def finished(self, lane: int, job: Job, attempt: Attempt, outcome: str, started: float) -> None:
        """``job`` ended on ``lane`` with ``attempt`` (its last), after starting at ``started``."""
        now = self.clock()
        tries = attempt.attempt - job.first_attempt + 1
        with self.lock:
            if tries == 1:
                burst = self.bursting.get(lane)
                if burst is not None and outcome == "delivered":
                    burst[0].burst_events += 1
                    burst[0].burst_seconds = round(now - burst[1], 6)
                return
            self.bursting.pop(lane, None)  # a new hold ends this lane's burst
            seconds = round(now - started, 6)
            longest = self.summary.longest_hold
            if longest is not None and longest.seconds >= seconds:
                return
            planned = job.planned
            hold = Hold(
                planned.seq,
                planned.event_id,
                lane,
                seconds,
                round(seconds / self.time_scale, 6),
                tries,
                outcome,
            )
            self.summary.longest_hold = hold
            self.bursting[lane] = (hold, now)
