"""Membership: enrolment, profile changes, merges."""

from __future__ import annotations

from capmock.errors import Rejected
from capmock.model.entities import Customer
from capmock.model.fake import Fake
from capmock.model.world import Emission, World

PROFILE = {"first_name": "firstName", "last_name": "lastName", "email": "email", "mobile": "mobile"}


def require_enrolled(world: World, customer: Customer) -> None:
    if not world.state(customer).enrolled:
        raise Rejected(
            f"customer {customer.customer_id} is not enrolled yet", hint="add an `enrol` step first"
        )


def set_profile(fake: Fake, c: Customer, values: dict[str, str], source: str | None) -> None:
    """Names, mobile, email (made from the names when not given) and source."""
    for key in ("first_name", "last_name", "mobile", "email"):
        if key in values:
            setattr(c, key, values[key])
    if "email" not in values and ("first_name" in values or "last_name" in values):
        c.email = fake.email(c.first_name, c.last_name)
    if source is not None:
        c.source = source.upper()


def enrol(world: World, c: Customer, values: dict[str, str], source: str | None) -> Emission:
    st = world.state(c)
    if st.enrolled:
        raise Rejected(f"customer {c.customer_id} is already enrolled")
    set_profile(world.fake, c, values, source)
    st.enrolled = True
    return world.emission("customerAdded", c, {"source": c.source})


def update(world: World, c: Customer, values: dict[str, str]) -> Emission:
    require_enrolled(world, c)
    changes = []
    for key, wire in PROFILE.items():
        if key in values:
            changes.append((wire, getattr(c, key), values[key]))
            setattr(c, key, values[key])
    return world.emission("customerUpdated", c, {"changes": changes})


def merge(world: World, survivor: Customer, victim: Customer | None) -> Emission:
    """The victim's ledgers, spend and best tier go to the survivor."""
    if victim is None or victim.customer_id == survivor.customer_id:
        raise Rejected("merge needs two different customers")
    vs = world.state(victim)
    if vs.merged_into is not None:
        raise Rejected(f"customer {victim.customer_id} was already merged")
    ss = world.state(survivor)
    for pid, acc in vs.accounts.items():
        ss.accounts[pid].absorb(acc)
    ss.spend += vs.spend
    vs.merged_into = survivor.customer_id
    program = world.org.default_program
    tier = max(survivor.tiers.get(program.id, 1), victim.tiers.get(program.id, 1))
    survivor.tiers[program.id] = tier
    facts = {
        "victim_id": victim.customer_id,
        "tier": tier,
        "promised": ss.accounts[program.id].promised_total,
        **world.balances(survivor, program),
    }
    return world.emission("loyaltyCustomerMerge", survivor, facts, program)
