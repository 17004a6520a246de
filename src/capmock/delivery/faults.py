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

from capmock.delivery import parse
from capmock.delivery.types import FaultNote, Planned
from capmock.errors import UsageError

SCOPES = ("global", "customer")


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
                f"--reorder-scope: unknown scope '{self.reorder_scope}'", hint="global or customer"
            )
        if not 0.0 <= self.duplicate <= 1.0:
            raise UsageError(f"--duplicates: {self.duplicate} is not between 0 and 1")
        if self.reorder < 0 or self.burst < 0:
            raise UsageError("--reorder and --burst must not be negative")

    @property
    def active(self) -> bool:
        return bool(self.duplicate or self.reorder > 1 or self.delay[1] or self.burst)

    @classmethod
    def from_cli(
        cls,
        *,
        duplicates: str | float | None = None,
        duplicate_delay: str | None = None,
        reorder: str | int | None = None,
        reorder_scope: str | None = None,
        delay: str | None = None,
        burst: str | None = None,
    ) -> Faults:
        """From ``--duplicates 10% --duplicate-delay 1s..30s --reorder 5 --reorder-scope
        customer --delay 0..200ms --burst 50/2s`` (all optional)."""
        kwargs: dict[str, object] = {}
        if duplicates is not None:
            kwargs["duplicate"] = parse.probability(duplicates, "--duplicates")
        if duplicate_delay is not None:
            kwargs["duplicate_delay"] = parse.duration_range(duplicate_delay, "--duplicate-delay")
        if reorder is not None:
            kwargs["reorder"] = parse.positive_int(reorder, "--reorder", minimum=0)
        if reorder_scope is not None:
            kwargs["reorder_scope"] = reorder_scope
        if delay is not None:
            kwargs["delay"] = parse.duration_range(delay, "--delay")
        if burst is not None:
            size, _, gap = str(burst).partition("/")
            kwargs["burst"] = parse.positive_int(size, "--burst")
            if gap:
                kwargs["burst_gap"] = parse.duration(gap, "--burst")
        return cls(**kwargs)  # type: ignore[arg-type]


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
            dup = None
            if f.duplicate and rng.random() < f.duplicate:
                dup = rng.uniform(*f.duplicate_delay) * self.scale
            delay = rng.uniform(*f.delay) * self.scale if f.delay[1] else 0.0
            yield event, FaultNote(moved=moved, duplicate_after=dup, delay=delay, burst=burst)
