"""The journey engine of one worker: a crowd of customers, each playing journeys in order.

A worker owns ``customers`` crowd members (local indices ``0..customers-1``; their
customerIds are disjoint from every other worker's, see :func:`capmock.soak.ids.customer_id`)
and keeps ``slots`` of them active at once. Slot ``s`` plays the journeys of customers
``s, s + slots, s + 2 * slots…`` one after the other, then starts over (the next *lap*:
a returning customer is not enrolled again). Nothing is kept per customer: a journey is a
pure function of ``(seed, worker, customer, lap)``, so memory depends on ``slots`` only.

Causal order: a slot hands out its next event only after the previous one was released
(answered, or given up on), so one customer's events never overlap in flight; which slot
sends next is drawn at random among the idle ones, which interleaves customers. With
``reorder`` > 1 each journey's events are shuffled within windows of that size first.

Pure Python, no I/O and no clock: the soak worker (gevent) and the Locust user share it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from capmock.delivery.faults import shuffle_windows
from capmock.soak.ids import MAX_CUSTOMERS, customer_id, encode_event_id, run_tag
from capmock.soak.templates import (
    EventTemplate,
    Identity,
    JourneyTemplate,
    Mix,
    journey_bytes,
    make_identity,
    render,
    token_values,
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One event to send now: its bytes and what a report needs to name it."""

    slot: int
    body: bytes
    event_id: str
    event_name: str
    customer_id: int
    seq: int  # this worker's running number of claimed events


class Slot:
    __slots__ = ("customer", "idents", "lap", "order", "pos", "ready", "template", "values")

    def __init__(self, customer: int) -> None:
        self.customer = customer
        self.lap = 0
        self.order: list[int] = []
        self.pos = 0
        self.template: JourneyTemplate | None = None
        self.values: list[bytes] = []
        self.idents: list[Identity] = []
        self.ready: Claim | None = None


class JourneySource:
    def __init__(
        self, mix: Mix, *, seed: int, worker: int, customers: int, slots: int,
        reorder: int = 0,
    ) -> None:
        if customers < 1 or customers * mix.max_identities > MAX_CUSTOMERS:
            raise ValueError("customers per worker out of range")
        self.mix = mix
        self.seed = seed
        self.worker = worker
        self.customers = customers
        self.reorder = reorder
        self.tag = run_tag(seed)
        self.need = mix.max_need
        self.rng = random.Random(seed * 1_000_003 + worker)
        self.slots = [Slot(c) for c in range(min(slots, customers))]
        self.idle = list(range(len(self.slots)))
        self.seq = 0
        self.journeys = 0
        for index, slot in enumerate(self.slots):
            self._start(slot)
            slot.ready = self._next(index, slot)

    # ---- the two calls a sender makes ------------------------------------------------
    def claim(self) -> Claim | None:
        """The next event of a random idle customer (None when every slot is in flight)."""
        idle = self.idle
        if not idle:
            return None
        k = self.rng.randrange(len(idle)) if len(idle) > 1 else 0
        index = idle[k]
        idle[k] = idle[-1]
        idle.pop()
        slot = self.slots[index]
        claim = slot.ready
        assert claim is not None
        self.seq += 1
        return Claim(index, claim.body, claim.event_id, claim.event_name, claim.customer_id,
                     self.seq)

    def release(self, index: int) -> None:
        """The slot's event is done with (answered or given up on): render its next one."""
        slot = self.slots[index]
        slot.ready = self._next(index, slot)
        self.idle.append(index)

    @property
    def in_flight(self) -> int:
        return len(self.slots) - len(self.idle)

    # ---- journeys --------------------------------------------------------------------
    def _start(self, slot: Slot) -> None:
        c, lap = slot.customer, slot.lap
        r = journey_bytes(self.seed, self.worker, c, lap, self.need)
        template = self.mix.pick(r)
        slot.template = template
        slot.idents = [self._identity(c + k * self.customers) for k in range(template.identities)]
        slot.values = token_values(template, slot.idents, r)
        order = [i for i, e in enumerate(template.events) if not (lap and e.enrols)]
        if self.reorder > 1:
            order = shuffle_windows(order, self.reorder, random.Random(r[:8]))
        slot.order = order
        slot.pos = 0
        self.journeys += 1

    def _identity(self, local: int) -> Identity:
        cid = customer_id(self.worker, local)
        return make_identity(self.mix, self.seed, self.worker, local, cid)

    def _advance(self, slot: Slot) -> None:
        """On to the slot's next customer (and a new lap after the last one)."""
        nxt = slot.customer + len(self.slots)
        if nxt >= self.customers:
            nxt = nxt % len(self.slots)
            slot.lap += 1
        slot.customer = nxt
        self._start(slot)

    def _next(self, index: int, slot: Slot) -> Claim:
        while slot.pos >= len(slot.order):
            self._advance(slot)
        assert slot.template is not None
        e = slot.order[slot.pos]
        slot.pos += 1
        event: EventTemplate = slot.template.events[e]
        event_id = encode_event_id(self.tag, self.worker, slot.customer, slot.lap, e)
        body = render(event, slot.values, event_id)
        who = slot.idents[min(event.who, len(slot.idents) - 1)]
        return Claim(index, body, event_id, event.name, who.customer_id, 0)
