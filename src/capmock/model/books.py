"""State a world keeps for the seed 005 domains (groups, target periods, engagement): made
on first use, so a world that never uses one carries none of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from capmock.model.world import World

T = TypeVar("T")


def book(world: World, key: str, make: Callable[[], T]) -> T:
    """The world's ``key`` book, made by ``make`` on first use."""
    found = world.__dict__.get(key)
    if found is None:
        found = world.__dict__[key] = make()
    return found  # type: ignore[no-any-return]


def has(world: World, key: str) -> bool:
    """Whether the world made its ``key`` book (a quick check on hot paths)."""
    return key in world.__dict__
