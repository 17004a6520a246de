"""The registry of played worlds (model states) ``capmock serve`` answers from.

(Not to be confused with :mod:`capmock.model.world`, one scenario's world: this module keeps
several of them, by source, for the server.)

Every scenario the server plays is kept as a *source* (its :class:`Player`, whose world
holds customers, ledgers, promotions and coupons); single catalog events come from one
persistent :class:`Generator`, whose customers are known by identity only (it keeps no
ledger). The mock Capillary APIs and the page's customers view search the sources newest
first, so a consumer that calls back sees the customers and balances the events came from.

A scenario is played lazily while it is delivered: the delivering thread takes the
source's lock for each event it renders, and readers take the same lock, so a callback
sees the model as of the latest event rendered (never a half-applied step).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from capmock.catalog.context import Options
from capmock.envelope import Envelope
from capmock.generator import Generator
from capmock.model.entities import Customer, Org
from capmock.model.world import CustomerState
from capmock.scenario.player import Player
from capmock.scenario.state import customer_state

GENERATOR_KEY = "generator"
MAX_SOURCES = 20
IDENTIFIERS = ("mobile", "email", "externalid", "id", "cuid")  # lower-cased names


@dataclass
class Source:
    """One model: a scenario's player, or the single-event generator."""

    key: str
    label: str
    player: Player | None = None
    generator: Generator | None = None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    loaded: float = field(default_factory=time.time)

    @property
    def org(self) -> Org:
        if self.player is not None:
            return self.player.org
        assert self.generator is not None
        return self.generator.org

    @property
    def now_ms(self) -> int:
        if self.player is not None:
            return self.player.world.now_ms
        assert self.generator is not None
        return self.generator.now_ms

    def customers(self) -> Iterator[tuple[Customer, CustomerState | None]]:
        if self.player is not None:
            for st in self.player.world.states.values():
                yield st.customer, st
        elif self.generator is not None:
            for c in self.generator.customers:
                yield c, None

    def find(self, name: str, value: str) -> tuple[Customer, CustomerState | None] | None:
        if self.player is not None and name in ("id", "cuid"):
            cid = _int(value)
            st = self.player.world.states.get(cid) if cid is not None else None
            return (st.customer, st) if st is not None else None
        return next(((c, st) for c, st in self.customers() if matches(c, name, value)), None)

    def describe(self) -> dict[str, Any]:
        with self.lock:
            return {
                "key": self.key,
                "label": self.label,
                "kind": "scenario" if self.player is not None else "generator",
                "orgId": self.org.org_id,
                "programs": [{"id": p.id, "name": p.name} for p in self.org.programs],
                "clock": self.now_ms,
                "customers": sum(1 for _ in self.customers()),
                "events": self.player.emitted if self.player is not None else None,
            }


def _int(value: str) -> int | None:
    text = value.strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def matches(c: Customer, name: str, value: str) -> bool:
    """Does ``c`` have identifier ``name`` (lower-cased) equal to ``value``?"""
    if name == "mobile":
        wanted = _digits(value)
        return bool(wanted) and _digits(c.mobile) == wanted
    if name == "email":
        return c.email.casefold() == value.strip().casefold()
    if name == "externalid":
        return c.external_id == value.strip()
    if name in ("id", "cuid"):
        return _int(value) == c.customer_id
    return False


@dataclass(frozen=True)
class Found:
    source: Source
    customer: Customer
    state: CustomerState | None


class WorldRegistry:
    """Sources by key (a scenario's name, or ``generator``), newest last."""

    def __init__(self, seed: int | None = None, variations: float = 0.0,
                 fields: str = "typical") -> None:
        self._lock = threading.Lock()
        self._sources: dict[str, Source] = {}
        self._seed = seed
        self.variations = variations
        self.fields = fields
        self.generator_source()

    def generator_source(self) -> Source:
        with self._lock:
            src = self._sources.get(GENERATOR_KEY)
            if src is None:
                gen = Generator(self._seed, options=Options(fields=self.fields),
                                variations=self.variations)
                src = Source(GENERATOR_KEY, "single events (no ledger)", generator=gen)
                self._sources[GENERATOR_KEY] = src
            return src

    def generate(self, event: str, style: str, seed: int | None = None,
                 variations: float | None = None, fields: str | None = None) -> dict[str, Any]:
        """One payload: from the persistent generator, or a fresh seeded one (kept too);
        ``variations`` or ``fields`` other than the server's make a fresh one too."""
        level = fields or self.fields
        if (variations is not None and variations != self.variations) or level != self.fields:
            rate = self.variations if variations is None else variations
            return Generator(seed, options=Options(fields=level), envelope=Envelope(style),
                             variations=rate).one(event)
        if seed is None:
            src = self.generator_source()
            with src.lock:
                assert src.generator is not None
                return src.generator.one(event, style=style)
        gen = Generator(seed, options=Options(fields=self.fields), envelope=Envelope(style),
                        variations=self.variations)
        src = Source(f"generator-seed-{seed}", f"single events (seed {seed})", generator=gen)
        with src.lock:
            payload = gen.one(event)
        self.add(src)
        return payload

    def add_player(self, key: str, label: str, player: Player) -> Source:
        return self.add(Source(key, label, player=player))

    def add(self, src: Source) -> Source:
        with self._lock:
            self._sources.pop(src.key, None)
            self._sources[src.key] = src
            players = [k for k in self._sources if k != GENERATOR_KEY]
            for key in players[: max(0, len(players) - MAX_SOURCES)]:
                del self._sources[key]
        return src

    def sources(self) -> list[Source]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._sources.values()))

    def find(self, name: str, value: str, source_filter: str = "ALL") -> Found | None:
        """The newest customer whose identifier ``name`` (any case) is ``value``."""
        name = name.lower()
        for src in self.sources():
            with src.lock:
                hit = src.find(name, value)
            if hit is not None and source_filter in ("ALL", hit[0].source.upper()):
                return Found(src, hit[0], hit[1])
        return None

    def customers(self, query: str = "", offset: int = 0, limit: int = 50,
                  ) -> tuple[int, list[dict[str, Any]]]:
        """(how many match, the page of them as the page shows them), newest source first;
        ``query`` searches id, name, mobile, email, externalId and the model's label."""
        needle = query.strip().casefold()
        total, out = 0, []
        for src in self.sources():
            with src.lock:
                for c, st in src.customers():
                    if needle and needle not in _haystack(src, c):
                        continue
                    if offset <= total < offset + limit:
                        out.append(row(src, c, st))
                    total += 1
        return total, out

    def customer(self, customer_id: int) -> dict[str, Any] | None:
        found = self.find("id", str(customer_id))
        if found is None:
            return None
        with found.source.lock:
            return row(found.source, found.customer, found.state)


def _haystack(src: Source, c: Customer) -> str:
    return " ".join((str(c.customer_id), c.name, c.mobile, c.email, c.external_id,
                     src.label)).casefold()


def row(src: Source, c: Customer, st: CustomerState | None) -> dict[str, Any]:
    """A customer as JSON: the model's state (points, tier, promotions, coupons…)."""
    if st is not None and src.player is not None:
        out = customer_state(src.player, st)
        out["ledger"] = True
        promos = src.player.world.promotions
        out["promotionList"] = [
            {"id": pid, "name": promos[pid].name, "type": promos[pid].type,
             "earned": len(issual.earned)}
            for pid, issual in st.active_promotions.items() if pid in promos
        ]
    else:
        programs = {}
        for p in src.org.programs:
            tier = p.tier(c.tiers.get(p.id, 1)) if p.tiers else None
            programs[str(p.id)] = {
                "current": None, "lifetime": None, "redeemed": None, "expired": None,
                "tier": {"number": tier.number, "name": tier.name} if tier else None,
            }
        out = {
            "customerId": c.customer_id, "name": c.name, "mobile": c.mobile,
            "email": c.email, "enrolled": None, "programs": programs,
            "promotions": {}, "promotionList": [], "coupons": [], "ledger": False,
        }
    out["externalId"] = c.external_id
    out["source"] = src.label
    out["sourceKey"] = src.key
    return out
