"""Plain records for the loyalty world: org, programs, tiers, stores, customers.

The catalog renders event bodies from these; the model (ledger, promotions…) owns and
changes them while a scenario plays.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tier:
    number: int
    name: str
    threshold: float = 0.0  # lifetime points (or spend) needed to reach this tier


@dataclass
class Program:
    id: int
    name: str
    is_default: bool = True
    points_to_currency_ratio: float = 1.0
    tiers: list[Tier] = field(default_factory=list)
    points_per_currency: float = 0.01  # points earned per unit of currency spent
    expiry_days: int = 365
    tier_basis: str = "lifetime_points"  # or "spend"
    downgrade_on_return: bool = True
    promised_conversion_days: int = 14

    def tier(self, number: int) -> Tier:
        for t in self.tiers:
            if t.number == number:
                return t
        raise KeyError(number)


@dataclass
class Store:
    entered_by_id: int
    till_code: str
    store_code: str
    store_name: str
    external_id: str
    external_id1: str = ""
    external_id2: str = ""


@dataclass(slots=True)
class Customer:
    customer_id: int
    first_name: str
    last_name: str
    mobile: str
    email: str
    external_id: str
    card_number: str
    source: str = "INSTORE"
    loyalty_type: str = "LOYALTY"
    tiers: dict[int, int] = field(default_factory=dict)  # program id -> tier number

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Target:
    """A target customers progress towards (org.targets)."""

    name: str
    value: float = 1.0  # the goal
    metric: str = "spend"  # or "visits": what a bill adds
    group: str | None = None  # a group is achieved when all its targets are


@dataclass
class Streak:
    """A streak of bills with levels (org.streaks)."""

    name: str
    levels: list[int] = field(default_factory=lambda: [3, 5])


@dataclass
class Org:
    org_id: int
    programs: list[Program]
    stores: list[Store] = field(default_factory=list)
    locale: str = "en_IN"
    currency: str = "INR"
    timezone: str = "Asia/Kolkata"
    targets: list[Target] = field(default_factory=list)
    streaks: list[Streak] = field(default_factory=list)
    event_type_prefix: bool = True

    @property
    def default_program(self) -> Program:
        for program in self.programs:  # a loop, not next(genexpr): read for every event
            if program.is_default:
                return program
        return self.programs[0]
