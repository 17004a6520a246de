"""Stand-alone payload generation: a small random world, one event at a time.

Scenarios (``capmock.scenario``) drive the same builders from the loyalty model; here the
world is made up on the spot so that ``capmock generate EVENT`` works with no set-up.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

from capmock import catalog
from capmock.catalog.context import Ctx, Facts, Options
from capmock.envelope import Envelope, check_style, event_ids, wrap
from capmock.model.entities import Customer, Program, Store, Tier
from capmock.model.factory import OrgSpec, make_world, new_customer

DEFAULT_START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z, the clock when a seed is given


class Generator:
    """A seeded world (org, stores, a few customers) that renders events on demand."""

    def __init__(
        self,
        seed: int | None = None,
        *,
        org_id: int | None = None,
        options: Options | None = None,
        envelope: Envelope | None = None,
        start_ms: int | None = None,
        customers: int = 5,
    ) -> None:
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
        self.options = options or Options()
        self.envelope = envelope or Envelope()
        check_style(self.envelope.style)
        if start_ms is None:
            start_ms = DEFAULT_START_MS if seed is not None else int(time.time() * 1000)
        world = make_world(self.seed, self.options.locale, OrgSpec(org_id=org_id), start_ms)
        self.fake, self.org, self.ids = world.fake, world.org, world.ids
        self.customers = [new_customer(world) for _ in range(customers)]
        self.now_ms = start_ms
        program, c, s = self.org.default_program, self.customers[0], self.org.stores[0]
        # one context, re-aimed at each event's customer, store and instant (see context())
        self._ctx = Ctx(self.fake, self.org, c, s, self.ids, start_ms, self.options, program)

    def context(self) -> Ctx:
        """The rendering context of the next event: a random customer (in a random tier)
        and store, now.  The same object every time: builders do not keep it."""
        ctx = self._ctx
        program = ctx.program
        assert program is not None
        customer, tier, store = self._pick(program)
        customer.tiers[program.id] = tier.number
        ctx.customer, ctx.store, ctx.now_ms = customer, store, self.now_ms
        return ctx

    def _pick(self, program: Program) -> tuple[Customer, Tier, Store]:
        """A customer, the tier they are in now and a store: one draw for the three."""
        customers, tiers, stores = self.customers, program.tiers, self.org.stores
        n_customers, n_tiers = len(customers), len(tiers)
        pick = self.fake.rng.randint(0, n_customers * n_tiers * len(stores) - 1)
        pick, c = divmod(pick, n_customers)
        s, t = divmod(pick, n_tiers)
        return customers[c], tiers[t], stores[s]

    def one(
        self, event: str, facts: Facts | None = None, style: str | None = None
    ) -> dict[str, Any]:
        defn = catalog.get(event)
        self.now_ms += self.fake.rng.randint(1_000, 120_000)
        ctx = self.context()
        data = defn.render(ctx, facts)
        env = self.envelope if style is None else Envelope(check_style(style))
        return wrap(defn, data, ctx, env, event_ids(ctx, defn, data))

    def many(self, event: str, count: int) -> Iterator[dict[str, Any]]:
        for _ in range(count):
            yield self.one(event)


def generate(
    event: str,
    *,
    style: str = "flat",
    seed: int | None = None,
    org_id: int | None = None,
    enrich: bool = True,
    tz_millis: bool = False,
    locale: str = "en_IN",
    facts: Facts | None = None,
) -> dict[str, Any]:
    """One realistic payload of ``event`` in the ``style`` envelope."""
    catalog.get(event)  # unknown names fail before any world is made
    gen = Generator(
        seed,
        org_id=org_id,
        options=Options(enrich=enrich, tz_millis=tz_millis, locale=locale),
        envelope=Envelope(style),
    )
    return gen.one(event, facts)
