"""The loyalty world a scenario plays in: org, clock, customers and their state.

The world changes state and returns *emissions* (event name + facts + who/when) in the
order Capillary would send them; rendering them into payloads is the catalog's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capmock.clock import DAY_MS
from capmock.ids import Ids
from capmock.model.customers import Accounts, CustomerState
from capmock.model.entities import Customer, Org, Program, Store
from capmock.model.fake import Fake
from capmock.model.ledger import Account, Taken
from capmock.model.records import Promotion, Reward

Facts = dict[str, Any]  # what the model decided about an event, by fact name


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
    returned: float = 0.0
    kind: str = "regular"
    store: Store | None = None
    facts: Facts = field(default_factory=dict)
    gross: float = 0.0  # amount + discount as asked (unrounded): what the basket splits


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


class World:
    """State plus a clock. Operations live in the domain modules of ``model`` (points,
    tiers, transactions, promotions…) and return emissions."""

    def __init__(self, fake: Fake, org: Org, start_ms: int) -> None:
        self.fake = fake
        self.org = org
        self.now_ms = start_ms
        self._last_ms = 0
        # Customers whose ledgers may have changed (each flagged ``touched``), and a heap of
        # (due moment, customer id) so that `wait` visits only customers with something due
        # (see ops.advance).
        self.touched: list[CustomerState] = []
        self.due: list[tuple[int, int]] = []
        self.ids = Ids(fake.rng)
        self.states: dict[int, CustomerState] = {}
        self._programs: list[Program] | None = None  # what _program_ids were read from
        self._program_ids: tuple[int, ...] = ()
        self.promotions: dict[int, Promotion] = {}  # the org's, by id (model.promotions)
        self.rewards: dict[int, Reward] = {}  # the rewards catalog (model.rewards)

    # ---- time -----------------------------------------------------------------------
    def tick(self) -> None:
        """A little time passes between two steps (seconds to minutes)."""
        self.now_ms += self.fake.rng.randint(2_000, 240_000)

    def date(self, offset_days: int = 0) -> int:
        return self.now_ms + offset_days * DAY_MS

    # ---- customers ------------------------------------------------------------------
    def state(self, customer: Customer) -> CustomerState:
        st = self.states.get(customer.customer_id)
        if st is None:
            st = self.states[customer.customer_id] = CustomerState(customer, self._accounts())
        if not st.touched:
            st.touched = True
            self.touched.append(st)
        return st

    def _accounts(self) -> Accounts:
        """A new customer's ledgers, one per program; the tuple of program ids is shared."""
        programs = self.org.programs
        if programs is not self._programs or len(programs) != len(self._program_ids):
            self._programs = programs
            self._program_ids = tuple([program.id for program in programs])
        return Accounts(self._program_ids)

    def account(self, customer: Customer, program: Program | None = None) -> Account:
        return self.state(customer).accounts[(program or self.org.default_program).id]

    def store(self) -> Store:
        return self.fake.rng.choice(self.org.stores)

    def emission(
        self, event: str, customer: Customer | None, facts: Facts, program: Program | None = None
    ) -> Emission:
        """An event now; its creation time strictly after the previous one's (3-40 ms on),
        so the events of one step keep Capillary's order in their createdAt as well."""
        at_ms = self._last_ms + self.fake.rng.randint(3, 40)
        self._last_ms = at_ms = at_ms if at_ms > self.now_ms else self.now_ms
        return Emission(event, customer, program or self.org.default_program, facts, at_ms)

    def balances(self, customer: Customer, program: Program | None = None) -> Facts:
        acc = self.account(customer, program)
        return {"current": acc.current, "lifetime": acc.lifetime}
