"""Polling with backoff and a deadline (never a fixed sleep); clock and sleep injectable."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Polled(Generic[T]):
    value: T  # the last observation
    ok: bool  # it satisfied the condition before the deadline
    tries: int
    elapsed: float  # seconds from the first probe to the last


@dataclass(frozen=True)
class Poller:
    """``until(probe, done)`` probes at once, then after 20 ms, 40 ms … (at most ``cap``)
    until ``done(value)`` or ``within`` seconds have passed; the last probe is at the
    deadline, so a condition that holds by then is seen."""

    within: float = 10.0
    first: float = 0.02
    factor: float = 2.0
    cap: float = 0.5
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep

    def until(self, probe: Callable[[], T], done: Callable[[T], bool]) -> Polled[T]:
        start = self.clock()
        deadline = start + self.within
        wait = self.first
        tries = 0
        while True:
            value = probe()
            tries += 1
            now = self.clock()
            if done(value):
                return Polled(value, True, tries, now - start)
            if now >= deadline:
                return Polled(value, False, tries, now - start)
            self.sleep(min(wait, deadline - now))
            wait = min(wait * self.factor, self.cap)

    def settled(self, probe: Callable[[], T]) -> Polled[T]:
        """Probe until two probes in a row agree (the consumer has caught up)."""
        last: list[T] = []

        def agrees(value: T) -> bool:
            same = bool(last) and last[-1] == value
            last[:] = [value]
            return same

        return self.until(probe, agrees)
