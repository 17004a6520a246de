"""Polling with backoff and a deadline (never a fixed sleep) on tenacity; clock and sleep
injectable."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_result

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
        tries = 0
        ok = False

        def attempt() -> T:
            nonlocal tries
            tries += 1
            return probe()

        def not_yet(value: T) -> bool:
            nonlocal ok
            ok = done(value)
            return not ok

        def wait(state: RetryCallState) -> float:
            backoff = min(self.first * self.factor ** (state.attempt_number - 1), self.cap)
            return max(0.0, min(backoff, deadline - self.clock()))

        retrying = Retrying(
            retry=retry_if_result(not_yet),
            stop=lambda state: self.clock() >= deadline,
            wait=wait,
            sleep=self.sleep,
            retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
        )
        value = retrying(attempt)
        return Polled(value, ok, tries, self.clock() - start)

    def settled(self, probe: Callable[[], T]) -> Polled[T]:
        """Probe until two probes in a row agree (the consumer has caught up)."""
        last: list[T] = []

        def agrees(value: T) -> bool:
            same = bool(last) and last[-1] == value
            last[:] = [value]
            return same

        return self.until(probe, agrees)
