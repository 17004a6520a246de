"""What a builder needs to render an event body: the world, the moment, the options."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from capmock.model.entities import Customer, Org, Program, Store
from capmock.model.fake import Fake

Facts = dict[str, Any]

DAY_MS = 86_400_000

_DAYS: dict[int, str] = {}  # days since the epoch -> "YYYY-MM-DD"


def day_str(day: int) -> str:
    """``YYYY-MM-DD`` of a day number (days since 1970-01-01, UTC), formatted once."""
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")
    return text


def utc_date(ms: float) -> str:
    """``YYYY-MM-DD`` (UTC) of an epoch-millisecond instant."""
    return day_str(int(ms // DAY_MS))


def utc_datetime(ms: float) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (UTC) of an epoch-millisecond instant."""
    seconds = int(ms // 1000)
    day, sod = divmod(seconds, 86_400)
    hours, rest = divmod(sod, 3_600)
    return f"{day_str(day)} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


@dataclass(frozen=True)
class Options:
    """Per-org differences in what Capillary sends."""

    enrich: bool = True  # identifier enrichment: instore mobile/email/externalId, accounts
    tz_millis: bool = False  # timezone standardisation: `…InMillis` companions
    locale: str = "en_IN"
    fields: str = "typical"  # all | typical | required (catalog.shape)


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
        value = self._next.get(kind)
        if value is None:
            low, high = self.BASES.get(kind, (1_000, 9_999_999))
            value = self._fake.rng.randint(low, high)
        value += 1 + self._fake.rng.getrandbits(3)  # a step of 1-8
        self._next[kind] = value
        return value


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
