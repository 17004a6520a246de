"""Tiers: what a customer deserves, moves up and down, renewals and reminders."""

from __future__ import annotations

from typing import Any

from capmock.clock import date_str
from capmock.errors import CapmockError, Rejected, did_you_mean
from capmock.model.entities import Customer, Program
from capmock.model.world import Emission, Facts, World

Trigger = tuple[str, list[tuple[str, Any]]]  # (event name, [(identifier, value)…])


def tier_value(world: World, customer: Customer, program: Program) -> float:
    st = world.state(customer)
    if program.tier_basis == "spend":
        return st.spend
    return st.accounts[program.id].lifetime


def deserved_tier(program: Program, value: float) -> int:
    best = program.tiers[0].number if program.tiers else 1
    for tier in program.tiers:
        if value >= tier.threshold:
            best = tier.number
    return best


def tier_number(program: Program, value: Any) -> int:
    """The number of the tier named (or numbered) ``value``."""
    for tier in program.tiers:
        if str(value).lower() in (tier.name.lower(), str(tier.number)):
            return tier.number
    names = [t.name for t in program.tiers]
    guess = did_you_mean(str(value), names)
    raise CapmockError(
        f"unknown tier '{value}'",
        hint=f"did you mean '{guess}'?" if guess else f"tiers: {', '.join(names)}",
    )


def move(
    world: World,
    customer: Customer,
    program: Program,
    to: int,
    *,
    reason: str,
    trigger: Trigger | None = None,
) -> Emission | None:
    current = customer.tiers.get(program.id, program.tiers[0].number if program.tiers else 1)
    if to == current:
        return None
    customer.tiers[program.id] = to
    event = "tierUpgraded" if to > current else "tierDowngraded"
    facts: Facts = {"from_tier": current, "to_tier": to}
    if to > current:
        facts["kind"] = reason  # upgradeType; a downgrade's body names no reason
    facts["expiry"] = date_str(world.date(365))
    if trigger:
        facts["trigger"] = trigger
    return world.emission(event, customer, facts, program)


def reassess(
    world: World,
    customer: Customer,
    program: Program,
    *,
    allow_down: bool,
    trigger: Trigger | None = None,
) -> list[Emission]:
    current = customer.tiers.get(program.id, 1)
    deserved = deserved_tier(program, tier_value(world, customer, program))
    if deserved > current or (allow_down and deserved < current):
        reason = "LIFETIME_POINTS" if program.tier_basis != "spend" else "LIFETIME_PURCHASES"
        moved = move(world, customer, program, deserved, reason=reason, trigger=trigger)
        return [moved] if moved else []
    return []


def manual(world: World, c: Customer, tier: Any | None, *, up: bool) -> list[Emission]:
    """A tier move by hand: to ``tier`` (a name or number), else the next one up or down."""
    program = world.org.default_program
    current = c.tiers.get(program.id, 1)
    numbers = [t.number for t in program.tiers]
    if tier is not None:
        target = tier_number(program, tier)
    else:
        later = [n for n in numbers if (n > current if up else n < current)]
        if not later:
            raise Rejected(f"no tier {'above' if up else 'below'} the customer's")
        target = min(later) if up else max(later)
    if (target <= current) if up else (target >= current):
        name = program.tier(current).name
        raise Rejected(f"the customer is in {name}: cannot move {'up' if up else 'down'} there")
    moved = move(world, c, program, target, reason="MANUAL" if up else "DOWNGRADE")
    return [moved] if moved else []


def renew(world: World, c: Customer) -> Emission:
    program = world.org.default_program
    facts = {"to_tier": c.tiers.get(program.id, 1), "expiry": date_str(world.date(365))}
    return world.emission("tierRenewed", c, facts, program)


def downgrade_reminder(world: World, c: Customer) -> Emission:
    program = world.org.default_program
    current = c.tiers.get(program.id, 1)
    if current == program.tiers[0].number:
        raise Rejected("the customer is in the lowest tier: nothing to downgrade")
    facts = {"from_tier": current}
    return world.emission("tierDowngradeReminder", c, facts, program)
