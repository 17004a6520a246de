"""Steps: create_group, update_group, join_group, leave_group. (A member's purchase
contributes its points to the group in ``model.transactions.consequences``.)"""

from __future__ import annotations

from typing import Any

from capmock.errors import CapmockError, did_you_mean
from capmock.model import groups
from capmock.model.entities import Customer
from capmock.model.membership import require_enrolled
from capmock.scenario.steps.base import Args, Result, Session, handler, need


def unknown(what: str, value: Any, known: Any, otherwise: str | None = None) -> CapmockError:
    """The error for a name that is not one of ``known``: a did-you-mean, else ``otherwise``."""
    guess = did_you_mean(str(value), list(known))
    return CapmockError(
        f"unknown {what} '{value}'", hint=f"did you mean '{guess}'?" if guess else otherwise
    )


def named(s: Session, name: Any) -> Customer:
    customer = s.named.get(str(name))
    if customer is None:
        raise unknown("customer", name, s.named)
    return customer


def group_named(s: Session, name: Any) -> groups.Group:
    """The group called ``name``; an unknown name is an error with a did-you-mean."""
    group = groups.named(s.world, str(name))
    if group is None:
        known = groups.groups(s.world).by_name
        raise unknown("group", name, known, "add a `create_group` step first")
    return group


def free_name(s: Session, name: str) -> str:
    """``name``, or ``name 2``, ``name 3``… when a group has it (crowds share surnames)."""
    taken = groups.groups(s.world).by_name
    number = 1
    candidate = name
    while candidate in taken:
        number += 1
        candidate = f"{name} {number}"
    return candidate


@handler("create_group")
def create_group(s: Session, customer: Customer | None, args: Args) -> Result:
    primary = need(customer)
    require_enrolled(s.world, primary)
    name = str(args.get("name") or free_name(s, f"{primary.last_name} Family"))
    group, emission = groups.create(s.world, primary, name)
    return [emission], group


@handler("update_group")
def update_group(s: Session, customer: Customer | None, args: Args) -> Result:
    group = group_named(s, args["group"])
    primary = named(s, args["primary"]) if "primary" in args else None
    new_name = str(args["name"]) if "name" in args else None
    return [groups.update(s.world, group, new_name, primary)], group


@handler("join_group")
def join_group(s: Session, customer: Customer | None, args: Args) -> Result:
    member = need(customer)
    require_enrolled(s.world, member)
    group = group_named(s, args["group"])
    return [groups.add(s.world, group, member)], group


@handler("leave_group")
def leave_group(s: Session, customer: Customer | None, args: Args) -> Result:
    member = need(customer)
    group = group_named(s, args["group"])
    return [groups.remove(s.world, group, member)], group
