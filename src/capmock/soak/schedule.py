"""When each event is due: a constant rate, optionally ramped up linearly from zero.

Pure functions of time (seconds since the run started); the clock is never read here, so the
arithmetic is testable without waiting. ``count_at(t)`` is how many events are due by ``t``;
``time_of(i)`` is when event ``i`` (0-based) is due: the inverse, so that
``count_at(time_of(i)) == i + 1``... up to float rounding.

Several processes share one schedule by striding it: worker ``w`` of ``n`` sends the global
events ``w, w + n, w + 2n…``, so together they send exactly the global schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Schedule:
    """``rate`` events/s after a linear ramp of ``ramp`` seconds, for ``duration`` seconds.

    ``rate=None`` means unbounded (closed loop: as fast as the connections go); then only
    ``duration`` bounds the run and ``time_of`` is 0 for every event.
    """

    rate: float | None
    duration: float
    ramp: float = 0.0

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise ValueError("duration must be positive")
        if self.rate is not None and self.rate <= 0:
            raise ValueError("rate must be positive")
        if not 0.0 <= self.ramp <= self.duration:
            raise ValueError("ramp must be between 0 and the duration")

    @property
    def unbounded(self) -> bool:
        return self.rate is None

    def rate_at(self, t: float) -> float:
        """The target rate (events/s) at ``t``; ``inf`` when unbounded."""
        if self.rate is None:
            return math.inf
        if t < 0 or t >= self.duration:
            return 0.0
        if self.ramp and t < self.ramp:
            return self.rate * t / self.ramp
        return self.rate

    def count_at(self, t: float) -> int:
        """Events due in ``[0, t]`` (the integral of the rate, rounded down)."""
        if self.rate is None:
            return 0
        t = min(max(t, 0.0), self.duration)
        r, ramp = self.rate, self.ramp
        in_ramp = bool(ramp) and t < ramp
        exact = r * t * t / (2 * ramp) if in_ramp else r * ramp / 2 + r * (t - ramp)
        return int(exact + 1e-9)

    @property
    def total(self) -> int | None:
        """Events in the whole run; None when unbounded."""
        return None if self.rate is None else self.count_at(self.duration)

    def time_of(self, i: int) -> float:
        """When the 0-based event ``i`` is due: the moment ``count_at`` reaches ``i + 1``."""
        if self.rate is None:
            return 0.0
        r, ramp = self.rate, self.ramp
        n = i + 1
        in_ramp = r * ramp / 2
        if ramp and n <= in_ramp:
            return math.sqrt(2 * ramp * n / r)
        return ramp + (n - in_ramp) / r

    def stride(self, worker: int, workers: int) -> Strided:
        return Strided(self, worker, workers)


@dataclass(frozen=True, slots=True)
class Strided:
    """Worker ``worker`` of ``workers``: its ``k``-th event is the global event
    ``k * workers + worker``."""

    schedule: Schedule
    worker: int
    workers: int

    def __post_init__(self) -> None:
        if not 0 <= self.worker < self.workers:
            raise ValueError("worker index out of range")

    def global_index(self, k: int) -> int:
        return k * self.workers + self.worker

    def time_of(self, k: int) -> float:
        return self.schedule.time_of(self.global_index(k))

    def count_at(self, t: float) -> int:
        """This worker's events due by ``t``."""
        n = self.schedule.count_at(t)
        return max(0, (n - self.worker + self.workers - 1) // self.workers)

    @property
    def total(self) -> int | None:
        total = self.schedule.total
        return None if total is None else self.count_at(self.schedule.duration)
