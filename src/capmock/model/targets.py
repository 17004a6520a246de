"""Targets: a customer's achieved values, achievements and unified (group) targets."""

from __future__ import annotations

from typing import Any

from capmock.errors import CapmockError, did_you_mean
from capmock.model import target_periods
from capmock.model.entities import Customer, Streak, Target
from capmock.model.world import Bill, Emission, Facts, World


def target(raw: dict[str, Any]) -> Target:
    """A target from its scenario declaration (``org.targets``)."""
    group = raw.get("group")
    value = float(raw.get("value", 1))
    return Target(str(raw["name"]), value, str(raw.get("metric", "spend")), group)


def find(items: list[Target] | list[Streak], name: str, what: str) -> Any:
    """The target (or streak) called ``name``."""
    for item in items:
        if item.name == name:
            return item
    guess = did_you_mean(name, [i.name for i in items])
    raise CapmockError(
        f"unknown {what} '{name}'",
        hint=f"did you mean '{guess}'?" if guess else f"declare it in org.{what}s",
    )


def facts(world: World, t: Target) -> Facts:
    return {
        "target_id": world.ids.stable("target", t.name),
        "target_name": t.name,
        "defined": t.value,
    }


def group_facts(world: World, c: Customer, members: list[Target]) -> list[Facts]:
    """Per-target facts of a group, with the customer's achieved values."""
    achieved = world.state(c).targets
    return [
        {
            **facts(world, t),
            "before": achieved.get(t.name, 0.0),
            "after": achieved.get(t.name, 0.0),
            "delta": 0.0,
        }
        for t in members
    ]


def progress(
    world: World, c: Customer, t: Target, delta: float, bill: Bill | None = None
) -> list[Emission]:
    """Add ``delta`` to the customer's achieved value; achievements follow."""
    st = world.state(c)
    before = st.targets.get(t.name, 0.0)
    after = round(before + delta, 3)
    st.targets[t.name] = after
    out_facts = {**facts(world, t), "before": before, "after": after, "delta": delta}
    if bill is not None:
        out_facts["transaction_id"] = bill.transaction_id
    goal = target_periods.track(world, c, t, out_facts)  # an enrolled customer's period, value
    out = [world.emission("targetAchievedValueUpdated", c, out_facts)]
    if before < goal <= after:
        out.append(world.emission("targetValueAchieved", c, dict(out_facts)))
        out += unified(world, c, t)
    return out


def unified(world: World, c: Customer, t: Target) -> list[Emission]:
    """unifiedTargetsAchieved when every target of the target's group is achieved."""
    if not t.group:
        return []
    members = [m for m in world.org.targets if m.group == t.group]
    st = world.state(c)
    if all(st.targets.get(m.name, 0) >= m.value for m in members):
        out = {"targets": group_facts(world, c, members), "group_name": str(t.group)}
        return [world.emission("unifiedTargetsAchieved", c, out)]
    return []


def unachieved(world: World, c: Customer, t: Target) -> Emission:
    members = [m for m in world.org.targets if m.group == t.group] or [t]
    out = {"targets": group_facts(world, c, members), "group_name": str(t.group or t.name)}
    return world.emission("unifiedTargetsUnAchieved", c, out)


def on_bill(world: World, c: Customer, bill: Bill) -> list[Emission]:
    out: list[Emission] = []
    for t in world.org.targets:
        out += progress(world, c, t, bill.amount if t.metric == "spend" else 1.0, bill)
    return out
