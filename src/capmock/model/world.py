"""The loyalty world a scenario plays in: org, clock, customers and their state.

The world changes state and returns *emissions* (event name + facts + who/when) in the
order Capillary would send them; rendering them into payloads is the catalog's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capmock.catalog.context import DAY_MS, Facts, Ids
from capmock.model.entities import Customer, Org, Program, Store
from capmock.model.fake import Fake
from capmock.model.ledger import Account, Taken


@dataclass(slots=True)
class Emission:
    event: str
    customer: Customer | None
    program: Program | None
    facts: Facts
    at_ms: int
    envelope: str | None = None  # per-event style override
    overrides: dict[str, Any] | None = None  # `emit` field overrides, merged into data
    store: Store | None = None  # where it happened (a bill's store), else any


@dataclass(slots=True)
class Bill:
    transaction_id: int
    bill_number: str
    customer_id: int
    amount: float
    points: float  # regular points issued for it
    promotional: float
    at_ms: int
    line_items: list[dict[str, Any]] = field(default_factory=list)
    returned: float = 0.0
    kind: str = "regular"
    store: Store | None = None
    facts: Facts = field(default_factory=dict)


@dataclass(slots=True)
class Redemption:
    redemption_id: str
    customer_id: int
    program_id: int
    points: float
    taken: list[Taken]
    bill_number: str
    summary_id: int
    reversed: bool = False


@dataclass(slots=True)
class CustomerState:
    customer: Customer
    accounts: dict[int, Account] = field(default_factory=dict)  # program id -> ledger
    spend: float = 0.0
    visits: int = 0
    enrolled: bool = False
    active_promotions: dict[int, dict[str, Any]] = field(default_factory=dict)
    coupons: dict[int, dict[str, Any]] = field(default_factory=dict)
    cart_promotions: dict[int, dict[str, Any]] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    streaks: dict[str, int] = field(default_factory=dict)
    badges: list[str] = field(default_factory=list)
    rewards: list[dict[str, Any]] = field(default_factory=list)
    partners: dict[str, dict[str, Any]] = field(default_factory=dict)
    alternate: dict[str, float] = field(default_factory=dict)
    card_status: str = "ACTIVE"
    merged_into: int | None = None


class World:
    """State plus a clock. Operations live in ``model.ops`` and return emissions."""

    def __init__(self, fake: Fake, org: Org, start_ms: int) -> None:
        self.fake = fake
        self.org = org
        self.now_ms = start_ms
        self._last_ms = 0
        # Customers whose ledgers may have changed, and a heap of (due moment, customer id)
        # so that `wait` visits only customers with something due (see ops.advance).
        self.touched: set[int] = set()
        self.due: list[tuple[int, int]] = []
        self.ids = Ids(fake)
        self.states: dict[int, CustomerState] = {}
        self.redemptions: dict[str, Redemption] = {}
        self.promotions: dict[int, dict[str, Any]] = {}
        self.rewards: dict[int, dict[str, Any]] = {}
        self.alternate_issues: dict[int, dict[str, Any]] = {}

    # ---- time -----------------------------------------------------------------------
    def tick(self) -> None:
        """A little time passes between two steps (seconds to minutes)."""
        self.now_ms += self.fake.rng.randint(2_000, 240_000)

    def date(self, offset_days: int = 0) -> int:
        return self.now_ms + offset_days * DAY_MS

    # ---- customers ------------------------------------------------------------------
    def state(self, customer: Customer) -> CustomerState:
        self.touched.add(customer.customer_id)
        st = self.states.get(customer.customer_id)
        if st is None:
            st = CustomerState(customer)
            for program in self.org.programs:
                st.accounts[program.id] = Account()
            self.states[customer.customer_id] = st
        return st

    def account(self, customer: Customer, program: Program | None = None) -> Account:
        return self.state(customer).accounts[(program or self.org.default_program).id]

    def store(self) -> Store:
        return self.fake.rng.choice(self.org.stores)

    def emission(
        self, event: str, customer: Customer | None, facts: Facts, program: Program | None = None
    ) -> Emission:
        return Emission(event, customer, program or self.org.default_program, facts, self.stamp())

    def stamp(self) -> int:
        """A creation time for the next emission: strictly after the previous one, so the
        events of one step keep Capillary's order in their createdAt as well."""
        self._last_ms = max(self.now_ms, self._last_ms + self.fake.rng.randint(3, 40))
        return self._last_ms

    def balances(self, customer: Customer, program: Program | None = None) -> Facts:
        acc = self.account(customer, program)
        return {"current": acc.current, "lifetime": acc.lifetime}
