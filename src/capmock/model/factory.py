"""The one way a world is made: an org (programs, stores, targets…) from an :class:`OrgSpec`,
a :class:`World` around it, customers.

``capmock generate`` asks for a made-up org (``OrgSpec()``); a scenario's ``org:`` block is
read into an OrgSpec by ``scenario.loader`` (which reports problems with their place in
the file) and built here, so both draw the same seeded values the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capmock.model.entities import Customer, Org, Program, Store, Streak, Target, Tier
from capmock.model.fake import Fake
from capmock.model.world import World

DEFAULT_TIERS = (("Silver", 0.0), ("Gold", 1000.0), ("Platinum", 5000.0))


@dataclass(frozen=True)
class ProgramSpec:
    """A loyalty program as asked for; None: drawn (id, name, ratio) or the default tiers."""

    id: int | None = None
    name: str | None = None
    is_default: bool = True
    tiers: tuple[tuple[str, float], ...] = DEFAULT_TIERS  # (name, threshold), lowest first
    points_per_currency: float = 0.01
    points_to_currency_ratio: float | None = None
    expiry_days: int = 365
    tier_basis: str = "lifetime_points"
    downgrade_on_return: bool = True
    promised_conversion_days: int = 14


@dataclass(frozen=True)
class OrgSpec:
    """An org as asked for. ``programs`` None: one made-up program."""

    org_id: int | None = None
    currency: str | None = None  # None: the locale's
    programs: tuple[ProgramSpec, ...] | None = None
    stores: int = 3
    targets: tuple[Target, ...] = field(default=())
    streaks: tuple[Streak, ...] = field(default=())
    event_type_prefix: bool = True


def make_program(fake: Fake, spec: ProgramSpec | None = None) -> Program:
    spec = spec or ProgramSpec()
    pid = spec.id if spec.id is not None else fake.rng.randint(100, 9999)
    brand = fake.company().split()[0].strip(",")
    ratio = fake.rng.choice((0.25, 0.5, 1.0))  # drawn even when given: the same draws
    return Program(
        id=pid,
        name=spec.name or f"{brand}DefaultProgram",
        is_default=spec.is_default,
        points_to_currency_ratio=ratio
        if spec.points_to_currency_ratio is None
        else spec.points_to_currency_ratio,
        tiers=[Tier(i + 1, n, th) for i, (n, th) in enumerate(spec.tiers)],
        points_per_currency=spec.points_per_currency,
        expiry_days=spec.expiry_days,
        tier_basis=spec.tier_basis,
        downgrade_on_return=spec.downgrade_on_return,
        promised_conversion_days=spec.promised_conversion_days,
    )


def make_store(fake: Fake) -> Store:
    city = fake.city()
    code_num = fake.digits(6)
    slug = "".join(ch for ch in city.lower() if ch.isalnum())[:10] or "store"
    return Store(
        entered_by_id=fake.rng.randint(200_000_000, 200_999_999),
        till_code=f"{slug}.{code_num}.1",
        store_code=f"{slug}.{code_num}",
        store_name=f"{fake.company().split()[0].strip(',')} {city}".upper(),
        external_id=code_num,
        external_id1=fake.digits(5) if fake.rng.random() < 0.5 else "",
    )


def make_org(fake: Fake, spec: OrgSpec | None = None) -> Org:
    """The org of ``spec``. A made-up program is drawn before the stores in any case (the
    order every seeded world was made in); the spec's programs, if any, replace it."""
    spec = spec or OrgSpec()
    org = Org(
        org_id=spec.org_id if spec.org_id is not None else fake.rng.randint(50_000, 160_000),
        programs=[make_program(fake)],
        stores=[make_store(fake) for _ in range(spec.stores)],
        locale=fake.locale.faker,
        currency=spec.currency or fake.locale.currency,
        timezone=fake.locale.timezone,
        targets=list(spec.targets),
        streaks=list(spec.streaks),
        event_type_prefix=spec.event_type_prefix,
    )
    if spec.programs is not None:
        org.programs = [make_program(fake, p) for p in spec.programs]
    return org


def make_customer(fake: Fake, customer_id: int, org: Org) -> Customer:
    first, last = fake.first_name(), fake.last_name()
    customer = Customer(
        customer_id=customer_id,
        first_name=first,
        last_name=last,
        mobile=fake.mobile(),
        email=fake.email(first, last),
        external_id=f"{fake.alnum(2).upper()}-{fake.digits(11)}",
        card_number=fake.digits(16),
        source="INSTORE",
    )
    for program in org.programs:
        customer.tiers[program.id] = program.tiers[0].number if program.tiers else 1
    return customer


def make_world(seed: int, locale: str, spec: OrgSpec | None, start_ms: int) -> World:
    """A seeded world: its Fake, the org of ``spec``, the clock at ``start_ms``."""
    fake = Fake(seed, locale)
    return World(fake, make_org(fake, spec), start_ms)


def new_customer(world: World) -> Customer:
    """A made-up customer of the world, with the world's next customer id."""
    return make_customer(world.fake, world.ids.next("customer"), world.org)
