"""Badges a customer earns."""

from __future__ import annotations

from capmock.model.entities import Customer
from capmock.model.world import Emission, World


def earn(world: World, c: Customer, name: str) -> Emission:
    badges = world.state(c).badges
    badges.append(name)
    facts = {"badge_id": str(world.ids.stable("badge", name)), "earn_count": badges.count(name)}
    return world.emission("badgeEarned", c, facts)
