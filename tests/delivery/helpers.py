"""Test helpers: a fake clock whose sleep only advances it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from capmock.delivery import Planned


class FakeTime:
    """``clock`` and ``sleep`` for deliver(): sleeping records the wait and moves the clock."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


EventsFactory = Callable[..., list[Planned]]
