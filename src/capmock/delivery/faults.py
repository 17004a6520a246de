"""Deliberate, seeded delivery faults: duplicates, reordering, per-event delay, bursts.

``duplicate``  with probability P an event is sent a second time — same eventId, same bytes —
               a random MIN..MAX seconds after the original finished.
``reorder``    events are shuffled within consecutive windows of W, so no event moves W or
               more places. Scope ``global`` shuffles all events of a window (a customer's
               pointsIssued can overtake its transactionAdded); scope ``customer`` keeps the
               interleaving of customers and only shuffles each customer's own events among
               the window's slots that customer already had.
``delay``      each event is held a random MIN..MAX seconds before its first send.
``burst``      events are released in groups of SIZE, GAP seconds apart.

Every decision is drawn from one ``random.Random(seed)`` in stream order, and written into the
event's :class:`~capmock.delivery.types.FaultNote`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from capmock.delivery.types import FaultNote, Planned
from capmock.errors import UsageError

SCOPES = ("global", "customer")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Faults:
    duplicate: float = 0.0  # probability of a second send
    duplicate_delay: tuple[float, float] = (1.0, 10.0)  # seconds after the original
    reorder: int = 0  # window W; 0 or 1: no reordering
    reorder_scope: str = "global"
    delay: tuple[float, float] = (0.0, 0.0)  # held before the first send
    burst: int = 0  # events per burst; 0: no bursts
    burst_gap: float = 1.0  # seconds between bursts

    def __post_init__(self) -> None:
        if self.reorder_scope not in SCOPES:
            raise UsageError(
                f"reorder_scope: unknown scope '{self.reorder_scope}'", hint="global or customer"
            )
        if not 0.0 <= self.duplicate <= 1.0:
            raise UsageError(f"duplicates: {self.duplicate} is not between 0 and 1")
        if self.reorder < 0 or self.burst < 0:
            raise UsageError("reorder and burst must not be negative")

    @property
    def active(self) -> bool:
        return bool(self.duplicate or self.reorder > 1 or self.delay[1] or self.burst)

    def duplicate_after(self, rng: random.Random) -> float | None:
        """Seconds after the original to send a duplicate (unscaled), or None for none."""
        if self.duplicate and rng.random() < self.duplicate:
            return rng.uniform(*self.duplicate_delay)
        return None


def shuffle_windows(items: list[T], window: int, rng: random.Random) -> list[T]:
    """``items`` shuffled within consecutive windows of ``window`` (no item moves W places)."""
    if window <= 1:
        return items
    out: list[T] = []
    for start in range(0, len(items), window):
        chunk = items[start : start + window]
        rng.shuffle(chunk)
        out += chunk
    return out


def reorder(
    events: Iterable[Planned], window: int, scope: str, rng: random.Random
) -> Iterator[tuple[Planned, int]]:
    """``(event, moved)`` in shuffled order; ``moved`` > 0 is places earlier than planned.

    Only one window of events is held at a time.
    """
    if window <= 1:
        for event in events:
            yield event, 0
        return
    held: list[Planned] = []
    for event in events:
        held.append(event)
        if len(held) == window:
            yield from _shuffled(held, scope, rng)
            held = []
    yield from _shuffled(held, scope, rng)


def _shuffled(
    held: list[Planned], scope: str, rng: random.Random
) -> Iterator[tuple[Planned, int]]:
    order = list(range(len(held)))
    if scope == "global":
        rng.shuffle(order)
    else:
        slots: dict[int, list[int]] = {}
        for pos, event in enumerate(held):
            if event.customer_id is not None:
                slots.setdefault(event.customer_id, []).append(pos)
        for positions in slots.values():
            if len(positions) > 1:
                sources = positions[:]
                rng.shuffle(sources)
                for pos, src in zip(positions, sources, strict=True):
                    order[pos] = src
    for new_pos, src in enumerate(order):
        yield held[src], src - new_pos


class FaultPlan:
    """Applies :class:`Faults` to a stream: the order, and each event's :class:`FaultNote`.

    ``sleep`` is used only for the gap between bursts; waits are multiplied by ``time_scale``.
    """

    def __init__(
        self, faults: Faults, seed: int, time_scale: float, sleep: Callable[[float], None]
    ) -> None:
        self.faults = faults
        self.rng = random.Random(seed)
        self.scale = time_scale
        self.sleep = sleep

    def apply(self, events: Iterable[Planned]) -> Iterator[tuple[Planned, FaultNote]]:
        f = self.faults
        if not f.active:
            none = FaultNote()
            for event in events:
                yield event, none
            return
        rng = self.rng
        for index, (event, moved) in enumerate(reorder(events, f.reorder, f.reorder_scope, rng)):
            burst = None
            if f.burst:
                burst, first_of_burst = divmod(index, f.burst)
                burst += 1
                if first_of_burst == 0 and index:
                    self.sleep(f.burst_gap * self.scale)
            dup = f.duplicate_after(rng)
            if dup is not None:
                dup *= self.scale
            delay = rng.uniform(*f.delay) * self.scale if f.delay[1] else 0.0
            yield event, FaultNote(moved=moved, duplicate_after=dup, delay=delay, burst=burst)
