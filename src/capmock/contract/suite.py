"""The standard suite behind ``capmock check``: six properties every Capillary webhook
consumer needs, checked against any consumer without writing a scenario.

With a state endpoint (``--state``, a URL template with ``{customerId}`` answering JSON)
the consumer's documents are compared *as they are* (opaque) — after normalising the
identities of the customer set they belong to (see :mod:`capmock.contract.journeys`):
before/after duplicates, in order/shuffled, once/retried, sequential/parallel. Without
one, the checks that need state judge the status codes alone and say so.
"""

from __future__ import annotations

import copy
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import Any

import requests

from capmock import catalog
from capmock.catalog.context import Options
from capmock.contract.consumer_state import StateEndpoint
from capmock.contract.journeys import CustomerSet, Journey
from capmock.contract.poll import Clock, Polled, Poller, Sleep
from capmock.contract.results import Case
from capmock.delivery import DeliveryOptions, Faults, Planned, Policy, Summary, deliver, make_policy
from capmock.delivery.types import Attempt, EventOutcome
from capmock.envelope import Envelope
from capmock.generator import Generator
from capmock.variations import maybe

CHECKS = (
    "acceptance", "idempotency", "order-tolerance", "tolerant-reader", "retry-safety",
    "concurrency",
)
NEEDS_STATE = ("idempotency", "order-tolerance", "retry-safety", "concurrency")


def quick_retries() -> Policy:
    """Retries for the checks where a 5xx under contention is fair (Capillary retries it):
    up to 5 attempts, 20 ms to 200 ms apart."""
    return make_policy("custom", max_attempts=5, backoff="20ms,200ms")

STATUS_ONLY = "status codes only: pass --state to compare the consumer's state"


@dataclass
class SuiteConfig:
    target: str
    _: KW_ONLY
    options: DeliveryOptions = field(default_factory=DeliveryOptions)  # first answers count
    retrying: Policy = field(default_factory=quick_retries)  # retry-safety, concurrency
    state: StateEndpoint | None = None
    envelope: str = "flat"
    vendor: str = "capillary"  # whose webhooks (capmock.vendor)
    seed: int = 1
    salt: int | None = None  # customer-id space of this run; None: a random one
    within: float = 5.0  # seconds to wait for the consumer's state to settle or agree
    events: frozenset[str] | None = None  # the events the consumer subscribes to
    only: tuple[str, ...] = CHECKS
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    on_case: Callable[[Case], None] | None = None
    variations: float = 0.0  # every send in documented shape variants at this rate


@dataclass
class Sent:
    """One delivery of a list of events: its summary and every attempt's answer."""

    summary: Summary
    attempts: dict[int, list[Attempt]]

    def retried(self) -> int:
        return sum(1 for o in self.summary.outcomes.values() if o.attempts > 1)

    def problems(self) -> list[str]:
        """One line per event that was not acknowledged 2xx."""
        return [f"{o.event_name} #{o.seq} got {self.answer(o)}"
                for o in self.summary.outcomes.values() if o.outcome != "delivered"]

    def answer(self, o: EventOutcome) -> str:
        tries = self.attempts.get(o.seq) or []
        last = tries[-1] if tries else None
        if o.outcome == "pending":
            return "nothing (not sent)"
        if last is None or last.status is None:
            return f"no answer ({o.reason or (last.error if last else '')})"
        text = " ".join(last.response.split()) if last.response else ""
        body = f": {text[:100]}…" if len(text) > 100 else f": {text}" if text else ""
        return f"{last.status}{body}"


@dataclass
class Reference:
    """The in-order, once-only delivery of a customer set, and the consumer's view of it."""

    cset: CustomerSet
    sent: Sent
    docs: list[Any] | None  # normalised observations, one per customer (None: no state)


class Suite:
    """Shared tools of the checks: sending, reading state, the reference delivery."""

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.salt = config.salt if config.salt is not None else random.SystemRandom().randrange(
            1 << 30)
        self.poller = Poller(config.within, clock=config.clock, sleep=config.sleep)
        self.session = requests.Session()
        self._journeys: dict[str, Journey] = {}
        self._references: dict[str, Reference] = {}
        self.sets = 0
        self._catalog: list[dict[str, Any]] | None = None
        self._accepted: Sent | None = None
        # Capillary's documented shape variants: another vendor's payloads have none
        self.vary = maybe(config.variations, config.seed) if config.vendor == "capillary" else None

    @property
    def state(self) -> StateEndpoint | None:
        return self.config.state

    def subscribed(self, name: str) -> bool:
        return self.config.events is None or name in self.config.events

    # -- journeys -----------------------------------------------------------------------------

    def journey(self, name: str) -> Journey:
        if name not in self._journeys:
            j = Journey.play(
                name, seed=self.config.seed, envelope=self.config.envelope,
                vendor=self.config.vendor,
            )
            kept = [p for p in j.payloads if self.subscribed(_name(p))]
            self._journeys[name] = replace(j, payloads=kept)
        return self._journeys[name]

    def customer_set(self, journey: str) -> CustomerSet:
        self.sets += 1
        return self.journey(journey).instance(self.sets, self.salt)

    def reference(self, journey: str) -> Reference:
        """The journey for a fresh customer set, in order, once; then its settled state."""
        if journey not in self._references:
            cset = self.customer_set(journey)
            sent = self.send(cset.payloads)
            docs = self.settle(cset).value if self.state and not sent.problems() else None
            self._references[journey] = Reference(cset, sent, docs)
        return self._references[journey]

    def acceptance_payloads(self) -> list[dict[str, Any]]:
        if self._catalog is None:
            self._catalog = catalog_events(self)
        return self._catalog

    def acceptance_sent(self) -> Sent:
        """One event of every subscribed type, as they are (shared by two checks)."""
        if self._accepted is None:
            self._accepted = self.send(self.acceptance_payloads(), self.config.options.connections)
        return self._accepted

    # -- sending ------------------------------------------------------------------------------

    def send(
        self, payloads: list[dict[str, Any]], connections: int = 1, *, retry: bool = False,
        vary: bool = True,
    ) -> Sent:
        """Deliver ``payloads`` in this order (no faults) over ``connections``; with
        ``retry``, under the retrying policy, else under the options' (default: none).
        With ``config.variations`` (and ``vary``) each is sent in shape variants."""
        attempts: dict[int, list[Attempt]] = {}
        if vary and self.vary is not None:
            payloads = [self.vary(copy.deepcopy(p)) for p in payloads]
        options = replace(self.config.options, connections=connections, faults=Faults())
        if retry:
            options = replace(options, policy=self.config.retrying)
        planned = [Planned.from_payload(i, p) for i, p in enumerate(payloads)]
        summary = deliver(
            planned, self.config.target, options, journal=False,
            on_attempt=lambda a: attempts.setdefault(a.seq, []).append(a),
            clock=self.config.clock, sleep=self.config.sleep,
        )
        return Sent(summary, attempts)

    # -- state --------------------------------------------------------------------------------

    def observe(self, cset: CustomerSet) -> list[Any]:
        """The consumer's documents of ``cset``'s customers, normalised."""
        assert self.state is not None
        out = []
        for cid in cset.customer_ids:
            obs = self.state.read(cid, self.session)
            body = obs.body if obs.error is None else f"<no answer: {obs.error}>"
            out.append({"status": obs.status, "body": cset.normalise(body)})
        return out

    def settle(self, cset: CustomerSet) -> Polled[list[Any]]:
        return self.poller.settled(lambda: self.observe(cset))

    def agree(self, cset: CustomerSet, want: list[Any]) -> Polled[list[Any]]:
        return self.poller.until(lambda: self.observe(cset), lambda got: got == want)

    def close(self) -> None:
        self.session.close()


def _name(payload: dict[str, Any]) -> str:
    from capmock.envelope import unwrap

    return unwrap(payload)[0] or ""


def catalog_events(suite: Suite) -> list[dict[str, Any]]:
    """One event of every (subscribed) catalog type, with eventIds fresh for this run;
    for another vendor, one of each transaction type of a fresh copy of the journey."""
    if suite.config.vendor != "capillary":
        return vendor_events(suite)
    gen = Generator(suite.config.seed, options=Options(), envelope=Envelope(suite.config.envelope))
    rng = random.Random(f"{suite.salt}:catalog")
    out = []
    for name in catalog.names():
        if suite.subscribed(name):
            payload = gen.one(name)
            payload["eventId"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            out.append(payload)
    return out


def vendor_events(suite: Suite) -> list[dict[str, Any]]:
    """Another vendor's acceptance events: the first of each transaction type of a fresh
    customer set of the loyalty journey (its own ids, so no other check sees them)."""
    from capmock.vendor.voucherify.envelope import transaction_type

    seen: dict[str | None, dict[str, Any]] = {}
    for payload in suite.customer_set("loyalty").payloads:
        seen.setdefault(transaction_type(payload), payload)
    return list(seen.values())
