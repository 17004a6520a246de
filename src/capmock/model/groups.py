"""Customer groups (user group loyalty): a family or household pooling its points.

A group has one PRIMARY member and SECONDARY members who join and leave. By default (as
Capillary documents it) a member's transaction issues points both to the member's own
wallet and to the group's: the group keeps a ledger of its own, credited with each
member's points as they earn them (``pointsContributionToGroup``), with the same expiry;
the member's ledger is not touched. Points a member contributed stay with the group when
they leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capmock.errors import Rejected
from capmock.model import books
from capmock.model.entities import Customer
from capmock.model.ledger import Account
from capmock.model.world import Emission, World

PRIMARY, SECONDARY = "PRIMARY", "SECONDARY"
MAX_MEMBERS = 5  # one primary and four secondaries, as Capillary's own example caps it


@dataclass
class Group:
    group_id: int
    name: str
    primary: Customer
    members: dict[int, Customer] = field(default_factory=dict)  # customer id -> member
    wallet: Account = field(default_factory=Account)
    contributed: dict[int, float] = field(default_factory=dict)  # customer id -> points

    def role(self, customer: Customer) -> str:
        return PRIMARY if customer.customer_id == self.primary.customer_id else SECONDARY

    def facts(self) -> dict[str, object]:
        return {"group_id": self.group_id, "group_name": self.name, "primary": self.primary}


@dataclass
class Groups:
    """Every group of a world, by name, and the group each customer belongs to."""

    by_name: dict[str, Group] = field(default_factory=dict)
    of_member: dict[int, Group] = field(default_factory=dict)


def groups(world: World) -> Groups:
    """The world's groups (made on first use)."""
    return books.book(world, "_groups", Groups)


def any_groups(world: World) -> bool:
    """Whether the world has made any group (a purchase's quick check)."""
    return books.has(world, "_groups")


def named(world: World, name: str) -> Group | None:
    return groups(world).by_name.get(name)


def create(world: World, primary: Customer, name: str) -> tuple[Group, Emission]:
    book = groups(world)
    if name in book.by_name:
        raise Rejected(f"group '{name}' already exists")
    if primary.customer_id in book.of_member:
        raise Rejected(f"customer {primary.customer_id} is already in a group")
    group = Group(world.ids.next("group"), name, primary)
    group.members[primary.customer_id] = primary
    book.by_name[name] = book.of_member[primary.customer_id] = group
    return group, world.emission("groupCreated", primary, group.facts())


def update(world: World, group: Group, name: str | None, primary: Customer | None) -> Emission:
    book = groups(world)
    if name and name != group.name:
        if name in book.by_name:
            raise Rejected(f"group '{name}' already exists")
        del book.by_name[group.name]
        group.name = name
        book.by_name[name] = group
    if primary is not None:
        if primary.customer_id not in group.members:
            raise Rejected(f"customer {primary.customer_id} is not a member of '{group.name}'")
        group.primary = primary
    return world.emission("groupUpdated", group.primary, group.facts())


def add(world: World, group: Group, member: Customer) -> Emission:
    book = groups(world)
    if member.customer_id in book.of_member:
        raise Rejected(f"customer {member.customer_id} is already in a group")
    if len(group.members) >= MAX_MEMBERS:
        raise Rejected(f"group '{group.name}' is full ({MAX_MEMBERS} members)")
    group.members[member.customer_id] = member
    book.of_member[member.customer_id] = group
    facts = {**group.facts(), "member": member, "role": SECONDARY}
    return world.emission("groupMemberAdded", group.primary, facts)


def remove(world: World, group: Group, member: Customer) -> Emission:
    if member.customer_id not in group.members:
        raise Rejected(f"customer {member.customer_id} is not a member of '{group.name}'")
    if member.customer_id == group.primary.customer_id:
        raise Rejected("the primary member cannot leave", hint="make another member primary")
    del group.members[member.customer_id]
    del groups(world).of_member[member.customer_id]
    facts = {**group.facts(), "member": member, "role": SECONDARY}
    return world.emission("groupMemberRemoved", group.primary, facts)


def contribute(
    world: World, member: Customer, points: float, expiry_ms: int, bill: tuple[int, str]
) -> list[Emission]:
    """The member's ``points`` (just earned on ``bill``: id, number) go to their group's
    wallet too; nothing when the member is in no group or earned nothing."""
    group = groups(world).of_member.get(member.customer_id)
    if group is None or points <= 0:
        return []
    group.wallet.issue("regular", points, world.now_ms, expiry_ms, f"member:{member.customer_id}")
    cid = member.customer_id
    group.contributed[cid] = round(group.contributed.get(cid, 0.0) + points, 2)
    facts = {
        **group.facts(),
        "member": member,
        "role": group.role(member),
        "points": points,
        "bill_id": bill[0],
        "bill_number": bill[1],
    }
    return [world.emission("pointsContributionToGroup", member, facts)]


def state(world: World) -> list[dict[str, object]]:
    """The groups as plain data (``plan --state``)."""
    return [
        {
            "groupId": g.group_id,
            "name": g.name,
            "primary": g.primary.customer_id,
            "members": sorted(g.members),
            "points": g.wallet.current,
            "contributed": {str(k): v for k, v in g.contributed.items()},
        }
        for g in groups(world).by_name.values()
    ]
