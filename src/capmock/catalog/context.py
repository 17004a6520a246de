"""What a builder needs to render an event body: the world, the moment, the options."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from capmock.clock import DAY_MS, day_str, utc_date, utc_datetime
from capmock.ids import Ids
from capmock.model.entities import Customer, Org, Program, Store
from capmock.model.fake import Fake

Facts = dict[str, Any]

__all__ = ["DAY_MS", "Ctx", "Facts", "Ids", "Options", "day_str", "utc_date", "utc_datetime"]


@dataclass(frozen=True)
class Options:
    """Per-org differences in what Capillary sends."""

    enrich: bool = True  # identifier enrichment: instore mobile/email/externalId, accounts
    tz_millis: bool = False  # timezone standardisation: `…InMillis` companions
    locale: str = "en_IN"


@dataclass
class Ctx:
    """Rendering context. ``now_ms`` is the event's creation instant (model clock)."""

    fake: Fake
    org: Org
    customer: Customer
    store: Store
    ids: Ids
    now_ms: int
    options: Options = field(default_factory=Options)
    program: Program | None = None  # None: the org's default program
    rng: random.Random = field(init=False, repr=False, compare=False)  # fake.rng
    prog: Program = field(init=False, repr=False, compare=False)  # the program, resolved

    def __post_init__(self) -> None:
        self.rng = self.fake.rng
        self.prog = self.program or self.org.default_program

    def aim(self, customer: Customer, store: Store, now_ms: int, program: Program | None) -> Ctx:
        """This context re-aimed at another event (cheaper than a new one); returns self.
        Builders do not keep their context, so one can serve a run's events in turn."""
        self.customer, self.store, self.now_ms = customer, store, now_ms
        self.program = program
        self.prog = program or self.org.default_program
        return self

    def date(self, offset_days: int = 0) -> str:
        """A YYYY-MM-DD date relative to now (UTC)."""
        return day_str(int((self.now_ms + offset_days * DAY_MS) // DAY_MS))

    def datetime(self, offset_ms: int = 0) -> str:
        """A YYYY-MM-DD HH:MM:SS time relative to now (UTC)."""
        return utc_datetime(self.now_ms + offset_ms)
