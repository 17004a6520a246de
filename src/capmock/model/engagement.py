"""Subscriptions and messages, reward fulfilment, promised alternate currencies.

- A customer is subscribed to every channel's transactional (TRANS) and promotional
  (BULK) messages until they unsubscribe; a message on a channel they left is blocked
  (DND_BLOCKED) rather than sent.
- An issued reward's transaction moves through fulfilment statuses (PENDING →
  PROCESSING → SHIPPED → DELIVERED, or CANCELLED / RETURNED), one way only.
- Alternate currencies may be promised (issued, convertible later); converting them adds
  them to the customer's current balance of that currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capmock.clock import date_str
from capmock.errors import Rejected
from capmock.model import books
from capmock.model.entities import Customer
from capmock.model.records import Reward
from capmock.model.world import Emission, World

SUBSCRIBED, UNSUBSCRIBED = "SUBSCRIBED", "UNSUBSCRIBED"
FLOW = ("PENDING", "PROCESSING", "SHIPPED", "DELIVERED")
ENDS = ("CANCELLED", "RETURNED")


COURIERS = ("BlueDart", "Delhivery", "DTDC", "Ecom Express", "Shadowfax")


@dataclass
class RewardTxn:
    transaction_id: int
    reward_id: int
    fields: dict[str, str]  # transactionCustomFields: what fulfilment recorded so far
    status: str = "PENDING"


@dataclass
class Promised:
    name: str
    amount: float
    bill_id: int
    bill_number: str
    promised_ms: int


@dataclass
class Engagement:
    subscriptions: dict[int, dict[tuple[str, str], str]] = field(default_factory=dict)
    reward_txns: dict[tuple[int, str], RewardTxn] = field(default_factory=dict)
    promised: dict[int, list[Promised]] = field(default_factory=dict)


def book(world: World) -> Engagement:
    return books.book(world, "_engagement", Engagement)


# ---- subscriptions and messages ----------------------------------------------------------


def subscription(world: World, customer: Customer, channel: str, priority: str) -> str:
    statuses = book(world).subscriptions.get(customer.customer_id, {})
    return statuses.get((channel, priority), SUBSCRIBED)


def subscribe(
    world: World, customer: Customer, channel: str, priorities: list[str], status: str
) -> Emission:
    statuses = book(world).subscriptions.setdefault(customer.customer_id, {})
    changes = []
    for priority in priorities:
        previous = statuses.get((channel, priority), SUBSCRIBED)
        if previous != status:
            statuses[(channel, priority)] = status
            changes.append(
                {"channel": channel, "priority": priority, "previous": previous, "current": status}
            )
    if not changes:
        raise Rejected(f"the customer is already {status} on {channel}")
    return world.emission("customerSubscription", customer, {"changes": changes})


def undelivered(
    world: World, customer: Customer, channel: str, priority: str, status: str | None
) -> Emission:
    """A message to the customer failed; a channel they left blocks it (DND_BLOCKED)."""
    if status is None and subscription(world, customer, channel, priority) == UNSUBSCRIBED:
        status = "DND_BLOCKED"
    facts: dict[str, Any] = {"channel": channel}
    if status is not None:
        facts["status"] = status
    return world.emission("communicationMessageUndelivered", customer, facts)


# ---- reward fulfilment ---------------------------------------------------------------------


def reward_txn(world: World, customer: Customer, reward: Reward, code: str) -> RewardTxn:
    """The transaction of the reward issued to the customer (made on first look)."""
    key = (customer.customer_id, reward.name)
    txn = book(world).reward_txns.get(key)
    if txn is None:
        tid = world.ids.next("reward_transaction")
        fields = {"fulfilmentPartner": world.fake.rng.choice(COURIERS), "voucherCode": code}
        txn = book(world).reward_txns[key] = RewardTxn(tid, reward.id, fields)
    return txn


def move(txn: RewardTxn, status: str) -> None:
    """Fulfilment only moves forward; CANCELLED before delivery, RETURNED after it."""
    now = txn.status
    if now in ENDS:
        raise Rejected(f"the reward transaction is {now}: it cannot change any more")
    if status == "CANCELLED" and now == "DELIVERED":
        raise Rejected("a delivered reward cannot be cancelled", hint="use RETURNED")
    if status == "RETURNED" and now != "DELIVERED":
        raise Rejected("only a delivered reward can be returned")
    if status in FLOW and FLOW.index(status) <= FLOW.index(now):
        raise Rejected(f"the reward transaction is already {now}")
    txn.status = status


def update_reward(
    world: World, customer: Customer, reward: Reward, code: str, status: str
) -> Emission:
    txn = reward_txn(world, customer, reward, code)
    move(txn, status)
    if status in ("SHIPPED", "DELIVERED") and "trackingId" not in txn.fields:
        txn.fields["trackingId"] = world.fake.alnum(12).upper()
    if status == "DELIVERED":
        txn.fields["deliveredOn"] = date_str(world.now_ms)
    facts = {
        "transaction_id": txn.transaction_id,
        "reward_id": txn.reward_id,
        "status": status,
        "custom_fields": dict(txn.fields),
    }
    return world.emission("updateRewardTransaction", customer, facts)


# ---- promised alternate currencies ------------------------------------------------------


def promise(world: World, customer: Customer, name: str, amount: float) -> Promised:
    bill_id = world.ids.next("transaction")
    p = Promised(name, amount, bill_id, world.fake.digits(10), world.now_ms)
    book(world).promised.setdefault(customer.customer_id, []).append(p)
    return p


def convert(world: World, customer: Customer) -> Emission:
    """Every promised amount of the customer becomes current, in one event."""
    pending = book(world).promised.pop(customer.customer_id, [])
    if not pending:
        raise Rejected("the customer has no promised alternate currencies to convert")
    balances = world.state(customer).alternate
    for p in pending:
        balances[p.name] = round(balances.get(p.name, 0.0) + p.amount, 2)
    facts = {
        "currencies": [{"name": p.name, "amount": p.amount} for p in pending],
        "bill_id": pending[0].bill_id,
        "bill_number": pending[0].bill_number,
        "promised_ms": pending[0].promised_ms,
    }
    return world.emission("promisedToCurrentAlternateCurrencyConversion", customer, facts)
