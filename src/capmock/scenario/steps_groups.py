"""Step handlers for customer groups: create, update, join, leave. (A member's purchase
contributes its points to the group in ``steps.consequences``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from capmock.errors import CapmockError, did_you_mean
from capmock.model import groups
from capmock.model.entities import Customer
from capmock.scenario.steps import Result, enrolled, handler, need

if TYPE_CHECKING:
    from capmock.scenario.player import Player


def unknown(what: str, value: Any, known: Any, otherwise: str | None = None) -> CapmockError:
    """The error for a name that is not one of ``known``: a did-you-mean, else ``otherwise``."""
    guess = did_you_mean(str(value), list(known))
    return CapmockError(
        f"unknown {what} '{value}'", hint=f"did you mean '{guess}'?" if guess else otherwise
    )


def named(player: Player, name: Any) -> Customer:
    customer = player.named.get(str(name))
    if customer is None:
        raise unknown("customer", name, player.named)
    return customer


def group_named(player: Player, name: Any) -> groups.Group:
    """The group called ``name``; an unknown name is an error with a did-you-mean."""
    group = groups.named(player.world, str(name))
    if group is None:
        known = groups.groups(player.world).by_name
        raise unknown("group", name, known, "add a `create_group` step first")
    return group


def free_name(player: Player, name: str) -> str:
    """``name``, or ``name 2``, ``name 3``… when a group has it (crowds share surnames)."""
    taken = groups.groups(player.world).by_name
    number = 1
    candidate = name
    while candidate in taken:
        number += 1
        candidate = f"{name} {number}"
    return candidate


@handler("create_group")
def create_group(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    primary = need(customer)
    enrolled(player, primary)
    name = str(args.get("name") or free_name(player, f"{primary.last_name} Family"))
    group, emission = groups.create(player.world, primary, name)
    return [emission], group


@handler("update_group")
def update_group(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    group = group_named(player, args["group"])
    primary = named(player, args["primary"]) if "primary" in args else None
    new_name = str(args["name"]) if "name" in args else None
    return [groups.update(player.world, group, new_name, primary)], group


@handler("join_group")
def join_group(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    member = need(customer)
    enrolled(player, member)
    group = group_named(player, args["group"])
    return [groups.add(player.world, group, member)], group


@handler("leave_group")
def leave_group(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    member = need(customer)
    group = group_named(player, args["group"])
    return [groups.remove(player.world, group, member)], group
