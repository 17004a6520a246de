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

Rendering is batched: a slot renders a whole journey at once, and slots whose journey is
used up wait (not idle) until :data:`REFILL` of them have gathered, or until no idle slot
is left, and are then refilled together in one loop. Interleaved one event at a time with
the sends, the same rendering cost about twice as much per event here (the caches are the
network stack's between two sends); in batches it stays near its cost in a tight loop.

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


Rendered = tuple[bytes, str, str, int]  # body, eventId, event name, customerId
REFILL = 16  # used-up slots rendered together (fewer when there are fewer slots)


class Slot:
    __slots__ = ("customer", "events", "idents", "lap", "order", "pos", "template", "values")

    def __init__(self, customer: int) -> None:
        self.customer = customer
        self.lap = -1  # _advance starts lap 0 with the slot's first customer
        self.order: list[int] = []
        self.pos = 0  # the next of ``events`` to hand out
        self.events: list[Rendered] = []  # the current journey, rendered
        self.template: JourneyTemplate | None = None
        self.values: list[bytes] = []
        self.idents: list[Identity] = []


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
        self.random = random.Random(seed * 1_000_003 + worker).random
        self.slots = [Slot(c) for c in range(min(slots, customers))]
        self.idle: list[int] = []  # slots with an event to hand out, none in flight
        self.starved = list(range(len(self.slots)))  # used up, waiting for the next refill
        self.refill_at = min(REFILL, len(self.slots))
        self.seq = 0
        self.journeys = 0  # journeys begun (their first event handed out)
        self._refill()

    # ---- the two calls a sender makes ------------------------------------------------
    def claim(self) -> Claim | None:
        """The next event of a random idle customer (None when every slot is in flight)."""
        idle = self.idle
        if not idle:
            if not self.starved:
                return None
            self._refill()
        k = int(self.random() * len(idle))
        index = idle[k]
        idle[k] = idle[-1]
        idle.pop()
        slot = self.slots[index]
        body, event_id, name, customer = slot.events[slot.pos]
        if slot.pos == 0:
            self.journeys += 1
        slot.pos += 1
        self.seq += 1
        return Claim(index, body, event_id, name, customer, self.seq)

    def release(self, index: int) -> None:
        """The slot's event is done with (answered or given up on): its next one is
        ready, or the slot waits for the next batch of journeys."""
        slot = self.slots[index]
        if slot.pos < len(slot.events):
            self.idle.append(index)
            return
        self.starved.append(index)
        if len(self.starved) >= self.refill_at:
            self._refill()

    @property
    def in_flight(self) -> int:
        return len(self.slots) - len(self.idle) - len(self.starved)

    # ---- journeys --------------------------------------------------------------------
    def _refill(self) -> None:
        """Render the next journey of every used-up slot, in one loop."""
        for index in self.starved:
            slot = self.slots[index]
            self._advance(slot)
            while not slot.order:  # a returning customer's journey may be enrolment only
                self._advance(slot)
            slot.events = [self._render(slot, e) for e in slot.order]
            slot.pos = 0
            self.idle.append(index)
        self.starved.clear()

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

    def _identity(self, local: int) -> Identity:
        cid = customer_id(self.worker, local)
        return make_identity(self.mix, self.seed, self.worker, local, cid)

    def _advance(self, slot: Slot) -> None:
        """On to the slot's next customer (and a new lap after the last one); a slot's
        first call starts its own customer on lap 0."""
        if slot.lap < 0:
            slot.lap = 0
        else:
            nxt = slot.customer + len(self.slots)
            if nxt >= self.customers:
                nxt = nxt % len(self.slots)
                slot.lap += 1
            slot.customer = nxt
        self._start(slot)

    def _render(self, slot: Slot, e: int) -> Rendered:
        assert slot.template is not None
        event: EventTemplate = slot.template.events[e]
        event_id = encode_event_id(self.tag, self.worker, slot.customer, slot.lap, e)
        body = render(event, slot.values, event_id)
        who = slot.idents[min(event.who, len(slot.idents) - 1)]
        return body, event_id, event.name, who.customer_id
