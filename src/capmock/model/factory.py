"""Makes orgs, programs, stores and customers from a ``Fake``."""

from __future__ import annotations

from capmock.model.entities import Customer, Org, Program, Store, Tier
from capmock.model.fake import Fake

DEFAULT_TIERS = (("Silver", 0.0), ("Gold", 1000.0), ("Platinum", 5000.0))


def make_program(
    fake: Fake,
    *,
    program_id: int | None = None,
    name: str | None = None,
    tiers: tuple[tuple[str, float], ...] = DEFAULT_TIERS,
    is_default: bool = True,
) -> Program:
    pid = program_id if program_id is not None else fake.rng.randint(100, 9999)
    brand = fake.company().split()[0].strip(",")
    return Program(
        id=pid,
        name=name or f"{brand}DefaultProgram",
        is_default=is_default,
        points_to_currency_ratio=fake.rng.choice((0.25, 0.5, 1.0)),
        tiers=[Tier(i + 1, n, th) for i, (n, th) in enumerate(tiers)],
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


def make_org(fake: Fake, *, org_id: int | None = None, stores: int = 3) -> Org:
    return Org(
        org_id=org_id if org_id is not None else fake.rng.randint(50_000, 160_000),
        programs=[make_program(fake)],
        stores=[make_store(fake) for _ in range(stores)],
        locale=fake.locale.faker,
        currency=fake.locale.currency,
        timezone=fake.locale.timezone,
    )


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
