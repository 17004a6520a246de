"""Locust users that send capmock journeys, for load beyond one machine.

Importing this module imports Locust, which monkey-patches the process with gevent: import
it only in a locustfile (``capmock locustfile`` prints the path of a ready one)::

    locust -f "$(capmock locustfile)" --headless --master --expect-workers 2 \\
        -u 20 -r 20 -t 10m --host http://127.0.0.1:8080 --capmock-mix crowd-journey
    locust -f "$(capmock locustfile)" --worker     # on each worker machine

Each Locust worker process builds the journey templates from ``--capmock-seed`` and plays
its own crowd: worker index ``w`` (the master numbers its workers 0, 1, …) gets disjoint
customerIds and eventIds that encode ``w`` (see :mod:`capmock.soak.ids`), so no two
workers send the same eventId. The custom options are forwarded by the master to the
workers. Each request is named after its event, so Locust's statistics break down by event.
"""

from __future__ import annotations

import os
from typing import Any

import gevent
from gevent.event import Event
from gevent.lock import Semaphore
from locust import FastHttpUser, events, task
from locust.env import Environment

from capmock.soak.crowd import Claim, JourneySource
from capmock.soak.settings import parse_mix
from capmock.soak.templates import build_mix
from capmock.vendor import VENDORS

_ENV = "CAPMOCK_"


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    group = parser.add_argument_group("capmock")
    group.add_argument("--capmock-mix", default=os.environ.get(_ENV + "MIX", "crowd-journey"),
                       help="Scenarios and weights, e.g. a.yaml:3,b.yaml:1")
    group.add_argument("--capmock-seed", type=int, default=int(os.environ.get(_ENV + "SEED", 1)),
                       help="Run seed: every worker derives its own stream from it")
    group.add_argument("--capmock-customers", type=int,
                       default=int(os.environ.get(_ENV + "CUSTOMERS", 100_000)),
                       help="Crowd size per worker process")
    group.add_argument("--capmock-path", default=os.environ.get(_ENV + "PATH", "/"),
                       help="Path of the webhook on --host")
    group.add_argument("--capmock-envelope", default=os.environ.get(_ENV + "ENVELOPE"),
                       help="flat or wrapped for every event (default: each scenario's)")
    group.add_argument("--capmock-vendor", default=os.environ.get(_ENV + "VENDOR", "capillary"),
                       choices=VENDORS, help="Whose webhooks: capillary or voucherify")
    group.add_argument("--capmock-slots", type=int, default=256,
                       help="Customers active at once per worker (>= users per worker)")


class SharedSource:
    """One journey engine per process, shared by its users; built on first use."""

    def __init__(self) -> None:
        self.source: JourneySource | None = None
        self.lock = Semaphore()
        self.freed = Event()

    def get(self, environment: Environment) -> JourneySource:
        with self.lock:
            if self.source is None:
                self.source = self._build(environment)
        return self.source

    @staticmethod
    def _build(environment: Environment) -> JourneySource:
        opts = environment.parsed_options
        seed = int(getattr(opts, "capmock_seed", 1))
        mix = build_mix(parse_mix(str(getattr(opts, "capmock_mix", "crowd-journey"))),
                        seed=seed, count=8, envelope=getattr(opts, "capmock_envelope", None),
                        vendor=getattr(opts, "capmock_vendor", None))
        worker = max(0, int(getattr(environment.runner, "worker_index", 0) or 0))
        customers = int(getattr(opts, "capmock_customers", 100_000))
        slots = int(getattr(opts, "capmock_slots", 256))
        return JourneySource(mix, seed=seed, worker=worker, customers=customers, slots=slots)

    def claim(self, environment: Environment) -> Claim:
        source = self.get(environment)
        claim = source.claim()
        while claim is None:  # more users than active customers: wait for one to finish
            self.freed.clear()
            self.freed.wait()
            claim = source.claim()
        return claim

    def release(self, claim: Claim) -> None:
        assert self.source is not None
        self.source.release(claim.slot)
        self.freed.set()


SHARED = SharedSource()


class CapmockUser(FastHttpUser):
    """Posts the next event of a random idle customer, as fast as answers come back.

    Subclass it to pace users (``wait_time = constant_throughput(10)``) or to add headers.
    """

    headers: dict[str, str] = {"Content-Type": "application/json", "User-Agent": "capmock-locust"}

    @task
    def post_event(self) -> None:
        claim = SHARED.claim(self.environment)
        path = str(getattr(self.environment.parsed_options, "capmock_path", "/") or "/")
        try:
            self.client.post(path, data=claim.body, headers=self.headers, name=claim.event_name)
        finally:
            SHARED.release(claim)
        gevent.idle()  # let other users run between back-to-back local answers
