"""Ids the model hands out: unique and increasing per kind, from a seeded rng.

The bottom layer (stdlib only), shared by the model, the catalog and stand-alone
generation.
"""

from __future__ import annotations

from typing import Protocol


class Rng(Protocol):
    """What Ids draws from (``random.Random`` and capmock's FastRandom both are one)."""

    def randint(self, a: int, b: int) -> int: ...

    def getrandbits(self, k: int, /) -> int: ...


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

    def __init__(self, rng: Rng) -> None:
        self._rng = rng
        self._next: dict[str, int] = {}
        self._named: dict[tuple[str, str], int] = {}

    def next(self, kind: str) -> int:
        value = self._next.get(kind)
        if value is None:
            low, high = self.BASES.get(kind, (1_000, 9_999_999))
            value = self._rng.randint(low, high)
        value += 1 + self._rng.getrandbits(3)  # a step of 1-8
        self._next[kind] = value
        return value

    def stable(self, kind: str, name: str) -> int:
        """The same id for the same named thing (series, badge, partner…) within a run."""
        key = (kind, name)
        value = self._named.get(key)
        if value is None:
            value = self._named[key] = self.next(kind)
        return value
