"""Streaks: enrolment, levels reached on consecutive bills, lost levels, the end."""

from __future__ import annotations

from typing import Any

from capmock.errors import Rejected
from capmock.model.entities import Customer, Streak
from capmock.model.targets import find
from capmock.model.world import Bill, Emission, Facts, World

DEFAULT = Streak("Weekly shopper", [3, 5, 10])  # when a scenario declares none


def streak(raw: dict[str, Any]) -> Streak:
    """A streak from its scenario declaration (``org.streaks``)."""
    return Streak(str(raw["name"]), list(raw.get("levels", [3, 5])))


def named(world: World, name: str | None) -> Streak:
    """The streak called ``name``, else the first (the default one when none is declared)."""
    if not world.org.streaks:
        world.org.streaks.append(Streak(DEFAULT.name, list(DEFAULT.levels)))
    return find(world.org.streaks, name, "streak") if name else world.org.streaks[0]


def facts(world: World, s: Streak) -> Facts:
    sid = world.ids.stable("streak", s.name)
    return {"streak_id": sid, "streak_name": s.name, "levels": list(s.levels)}


def enrol(world: World, c: Customer, s: Streak) -> list[Emission]:
    st = world.state(c)
    if s.name in st.streaks:
        raise Rejected(f"already enrolled in streak '{s.name}'")
    st.streaks[s.name] = 0
    out = facts(world, s)
    return [
        world.emission("streakCustomerEnrolment", c, dict(out)),
        world.emission("streakStart", c, {**out, "streak_value": 0}),
    ]


def unenrol(world: World, c: Customer, s: Streak) -> Emission:
    if world.state(c).streaks.pop(s.name, None) is None:
        raise Rejected(f"not enrolled in streak '{s.name}'")
    return world.emission("streakCustomerUnEnrolment", c, facts(world, s))


def level_emission(world: World, c: Customer, s: Streak, value: int, lost: bool) -> Emission:
    level = sum(1 for lv in s.levels if value >= lv)
    out = {**facts(world, s), "level": max(level, 1), "streak_value": value}
    return world.emission("streakLevelUnAchieved" if lost else "streakLevelAchieved", c, out)


def level(world: World, c: Customer, s: Streak, *, lost: bool) -> Emission:
    value = world.state(c).streaks.get(s.name)
    if value is None:
        raise Rejected(f"not enrolled in streak '{s.name}'")
    return level_emission(world, c, s, value, lost)


def end(world: World, c: Customer, s: Streak) -> Emission:
    value = world.state(c).streaks.pop(s.name, None)
    if value is None:
        raise Rejected(f"not enrolled in streak '{s.name}'")
    return world.emission("streakEnd", c, {**facts(world, s), "streak_value": value})


def on_bill(world: World, c: Customer, bill: Bill) -> list[Emission]:
    values = world.state(c).peek("streaks")  # not made for a customer in none
    out = []
    for s in world.org.streaks:
        if s.name not in values:
            continue
        values[s.name] += 1
        if values[s.name] in s.levels:
            out.append(level_emission(world, c, s, values[s.name], False))
    return out
