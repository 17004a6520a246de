"""What a builder needs to render an event body: the world, the moment, the options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capmock.model.entities import Customer, Org, Program, Store
from capmock.model.fake import Fake

Facts = dict[str, Any]

DAY_MS = 86_400_000


@dataclass(frozen=True)
class Options:
    """Per-org differences in what Capillary sends."""

    enrich: bool = True  # identifier enrichment: instore mobile/email/externalId, accounts
    tz_millis: bool = False  # timezone standardisation: `…InMillis` companions
    locale: str = "en_IN"


class Ids:
    """Unique, increasing ids per kind; each kind starts at a seeded plausible base."""

    BASES: dict[str, tuple[int, int]] = {
        "customer": (60_000_000, 170_000_000),
        "transaction": (60_000_000, 340_000_000),
        "lineitem": (900_000_000, 990_000_000),
        "redemption": (9_000_000, 99_000_000),
        "coupon": (100_000_000, 900_000_000),
        "series": (10_000, 999_999),
        "promotion": (1_000_000, 9_999_999),
        "earned": (10_000_000, 99_999_999),
        "issual": (10_000_000, 99_999_999),
        "request": (1_000_000, 9_999_999),
        "target": (10_000, 99_999),
        "streak": (1_000, 9_999),
        "badge": (1_000, 99_999),
        "reward": (10_000, 999_999),
        "user": (50_000_000, 59_999_999),
    }

    def __init__(self, fake: Fake) -> None:
        self._fake = fake
        self._next: dict[str, int] = {}

    def next(self, kind: str) -> int:
        if kind not in self._next:
            low, high = self.BASES.get(kind, (1_000, 9_999_999))
            self._next[kind] = self._fake.rng.randint(low, high)
        self._next[kind] += 1 + self._fake.rng.randint(0, 7)
        return self._next[kind]


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
    program: Program | None = None

    @property
    def rng(self):
        return self.fake.rng

    @property
    def prog(self) -> Program:
        return self.program or self.org.default_program

    def date(self, offset_days: int = 0) -> str:
        """A YYYY-MM-DD date relative to now (UTC)."""
        from datetime import UTC, datetime

        ms = self.now_ms + offset_days * DAY_MS
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")

    def datetime(self, offset_ms: int = 0) -> str:
        from datetime import UTC, datetime

        return datetime.fromtimestamp((self.now_ms + offset_ms) / 1000, UTC).strftime(
            "%Y-%m-%d %H:%M:%S"
        )
