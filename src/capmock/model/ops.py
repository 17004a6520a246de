"""Core loyalty operations: bills, points, tiers, time. Each returns emissions in order.

Capillary's order for a purchase: transactionAdded, pointsIssued, tierUpgraded (if a
threshold was crossed), then promotion, target and streak consequences.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import Any

from capmock.clock import date_str, day, parse_date_ms
from capmock.errors import Rejected
from capmock.model.customers import CustomerState
from capmock.model.entities import Customer, Program
from capmock.model.ledger import cents
from capmock.model.world import Bill, Emission, Redemption, World

_date = date_str

__all__ = ["date_str", "day", "parse_date_ms"]  # re-exported for the step handlers


def points_for(program: Program, amount: float) -> float:
    return float(math.floor(max(amount, 0.0) * program.points_per_currency))


# ---- tiers ---------------------------------------------------------------------------


def tier_value(world: World, customer: Customer, program: Program) -> float:
    st = world.state(customer)
    if program.tier_basis == "spend":
        return st.spend
    return st.accounts[program.id].lifetime


def deserved_tier(program: Program, value: float) -> int:
    best = program.tiers[0].number if program.tiers else 1
    for tier in program.tiers:
        if value >= tier.threshold:
            best = tier.number
    return best


def move_tier(
    world: World,
    customer: Customer,
    program: Program,
    to: int,
    *,
    reason: str,
    trigger: tuple[str, list[tuple[str, Any]]] | None = None,
) -> Emission | None:
    current = customer.tiers.get(program.id, program.tiers[0].number if program.tiers else 1)
    if to == current:
        return None
    customer.tiers[program.id] = to
    event = "tierUpgraded" if to > current else "tierDowngraded"
    facts: dict[str, Any] = {
        "from_tier": current,
        "to_tier": to,
        "kind": reason,
        "expiry": _date(world.date(365)),
        **world.balances(customer, program),
    }
    if trigger:
        facts["trigger"] = trigger
    return world.emission(event, customer, facts, program)


def reassess_tier(
    world: World,
    customer: Customer,
    program: Program,
    *,
    allow_down: bool,
    trigger: tuple[str, list[tuple[str, Any]]] | None = None,
) -> list[Emission]:
    current = customer.tiers.get(program.id, 1)
    deserved = deserved_tier(program, tier_value(world, customer, program))
    if deserved > current or (allow_down and deserved < current):
        reason = "LIFETIME_POINTS" if program.tier_basis != "spend" else "LIFETIME_PURCHASES"
        moved = move_tier(world, customer, program, deserved, reason=reason, trigger=trigger)
        return [moved] if moved else []
    return []


# ---- bills -----------------------------------------------------------------------------


def new_bill(
    world: World, customer: Customer, amount: float, items: int | None, discount: float, kind: str
) -> Bill:
    store = world.store()
    tid = world.ids.next("transaction")
    number = f"{store.external_id}-{world.fake.digits(8)}"
    rounded = cents(amount)
    facts = {
        "transaction_id": tid,
        "bill_number": number,
        "amount": rounded,
        "discount": cents(discount),
        "gross_amount": cents(amount + discount),
        "currency": world.org.currency,
    }
    if items:
        facts["items"] = items
    return Bill(
        transaction_id=tid,
        bill_number=number,
        customer_id=customer.customer_id,
        amount=rounded,
        points=0.0,
        promotional=0.0,
        at_ms=world.now_ms,
        kind=kind,
        store=store,
        facts=facts,
    )


def bill_trigger(bill: Bill) -> tuple[str, list[tuple[str, Any]]]:
    return ("TransactionAdd", [("BillId", bill.transaction_id), ("billNumber", bill.bill_number)])


def issue_for_bill(
    world: World,
    customer: Customer,
    bill: Bill,
    program: Program,
    promotional: list[dict[str, Any]],
    promised: bool,
) -> Emission:
    acc = world.account(customer, program)
    regular = points_for(program, bill.amount)
    now_ms = world.now_ms
    expiry_ms = world.date(program.expiry_days)
    number = bill.bill_number
    facts: dict[str, Any] = {
        "bill_id": bill.transaction_id,
        "bill_number": number,
        "trigger": bill_trigger(bill),
        "expiry": date_str(expiry_ms),
    }
    if promised and regular > 0:
        acc.promise(regular, world.date(program.promised_conversion_days), number)
        facts |= {"regular": 0.0, "promised": regular}
        regular = 0.0
    else:
        acc.issue("regular", regular, now_ms, expiry_ms, number)
        facts["regular"] = regular
    bill.points += regular
    if promotional:
        for promo in promotional:
            points = promo["promotionPoints"]
            acc.issue("promotional", points, now_ms, expiry_ms, number, promo.get("promotion_id"))
        bill.promotional += sum(p["promotionPoints"] for p in promotional)
        facts["promotional"] = [
            {k: v for k, v in p.items() if k != "promotion_id"} for p in promotional
        ]
    else:
        facts["promotional"] = []
    facts["points"] = regular + bill.promotional + (facts.get("promised") or 0.0)
    facts["current"] = acc.current
    facts["lifetime"] = acc.lifetime
    return world.emission("pointsIssued", customer, facts, program)


def return_bill(
    world: World, customer: Customer, bill: Bill, amount: float | None
) -> tuple[Bill, list[Emission]]:
    """A return of all or part of ``bill``: the RETURN bill, reversed points, maybe a tier."""
    program = world.org.default_program
    left = cents(bill.amount - bill.returned)
    amount = left if amount is None else cents(min(amount, left))
    share = amount / bill.amount if bill.amount else 0.0
    bill.returned = cents(bill.returned + amount)
    ret = new_bill(world, customer, amount, None, 0.0, "return")
    ret.bill_number = bill.bill_number
    ret.facts |= {
        "bill_type": "RETURN",
        "bill_number": bill.bill_number,
        "original_bill": {"bill_number": bill.bill_number, "transaction_id": bill.transaction_id},
    }
    world.state(customer).spend -= amount
    acc = world.account(customer, program)
    regular, promotional = acc.reverse_issue(
        bill.bill_number, cents((bill.points + bill.promotional) * share)
    )
    out = [world.emission("transactionAdded", customer, ret.facts, program)]
    out[0].store = bill.store
    facts = {
        "regular": regular,
        "promotional": [promotional] if promotional else [],
        "points": cents(regular + promotional),
        "bill_id": bill.transaction_id,
        "bill_number": bill.bill_number,
        **world.balances(customer, program),
    }
    out.append(world.emission("issuedPointsReversed", customer, facts, program))
    if program.downgrade_on_return:
        out += reassess_tier(
            world,
            customer,
            program,
            allow_down=True,
            trigger=("TransactionAdd", [("BillId", ret.transaction_id)]),
        )
    return ret, out


# ---- points ---------------------------------------------------------------------------


def redeem(world: World, customer: Customer, points: float) -> tuple[Redemption, Emission]:
    program = world.org.default_program
    acc = world.account(customer, program)
    taken = acc.redeem(float(points))
    redemption = Redemption(
        redemption_id=world.fake.alnum(6),
        customer_id=customer.customer_id,
        program_id=program.id,
        points=float(points),
        taken=taken,
        bill_number=f"RD{world.fake.digits(7)}",
        summary_id=world.ids.next("redemption"),
    )
    facts = {
        "points": float(points),
        "redemption_id": redemption.redemption_id,
        "summary_id": redemption.summary_id,
        "redemption_bill_number": redemption.bill_number,
        **world.balances(customer, program),
    }
    return redemption, world.emission("pointsRedeemed", customer, facts, program)


def reverse_redemption(world: World, customer: Customer, redemption: Redemption) -> Emission:
    if redemption.reversed:
        raise Rejected(f"redemption {redemption.redemption_id} was already reversed")
    program = world.org.default_program
    acc = world.account(customer, program)
    expired = sum(t.points for t in redemption.taken if t.lot.expiry_ms <= world.now_ms)
    live = [t for t in redemption.taken if t.lot.expiry_ms > world.now_ms]
    acc.reverse_redemption(live)
    acc.redeemed = cents(acc.redeemed - expired)
    acc.expired = cents(acc.expired + expired)
    redemption.reversed = True
    facts = {
        "points": redemption.points,
        "expired": cents(expired),
        "redemption_id": redemption.redemption_id,
        "summary_id": redemption.summary_id,
        **world.balances(customer, program),
    }
    return world.emission("redeemedPointsReversed", customer, facts, program)


def award(world: World, customer: Customer, points: float, reason: str) -> Emission:
    program = world.org.default_program
    acc = world.account(customer, program)
    expiry_ms = world.date(program.expiry_days)
    acc.issue("regular", float(points), world.now_ms, expiry_ms, f"award:{reason}")
    facts = {
        "points": float(points),
        "regular": float(points),
        "promotional": [],
        "expiry": _date(expiry_ms),
        "trigger": (reason, [("CustomerId", customer.customer_id)]),
        **world.balances(customer, program),
    }
    return world.emission("pointsIssued", customer, facts, program)


def expire_due(world: World, customer: Customer, *, force: bool = False) -> list[Emission]:
    program = world.org.default_program
    acc = world.account(customer, program)
    if force:
        for lot in acc.lots:
            lot.expiry_ms = min(lot.expiry_ms, world.now_ms)
    gone = acc.expire(world.now_ms)
    if not gone:
        return []
    points = cents(sum(lot.points for lot in gone))
    facts = {
        "points": points,
        "expiry": _date(world.now_ms),
        "lots": [{"points": lot.points, "expiry": _date(lot.expiry_ms)} for lot in gone],
        **world.balances(customer, program),
    }
    return [world.emission("pointsExpired", customer, facts, program)]


def expiry_reminder(world: World, customer: Customer, within_ms: int) -> Emission:
    program = world.org.default_program
    acc = world.account(customer, program)
    lots = acc.expiring(world.now_ms, world.now_ms + within_ms)
    if not lots:
        raise Rejected("no points expire in that window: nothing to remind of")
    points = cents(sum(lot.points for lot in lots))
    facts = {
        "points": points,
        "expiry": _date(min((lot.expiry_ms for lot in lots), default=world.now_ms + within_ms)),
        "lots": [{"points": lot.points, "expiry": _date(lot.expiry_ms)} for lot in lots],
        **world.balances(customer, program),
    }
    return world.emission("pointsExpiryReminder", customer, facts, program)


def convert_promised(world: World, customer: Customer, *, force: bool = False) -> list[Emission]:
    program = world.org.default_program
    acc = world.account(customer, program)
    if force:
        for p in acc.promised:
            p.conversion_ms = min(p.conversion_ms, world.now_ms)
    due = acc.convert_promised(world.now_ms, world.date(program.expiry_days))
    out = []
    for p in due:
        facts = {"points": p.points, "bill_number": p.source, **world.balances(customer, program)}
        out.append(world.emission("promisedToCurrentPointsConversion", customer, facts, program))
    out += reassess_tier(world, customer, program, allow_down=False)
    return out


# ---- time ------------------------------------------------------------------------------


def _next_due(st: CustomerState | None) -> int | None:
    if st is None:
        return None
    moments = [m for acc in st.accounts.values() if (m := acc.next_due_ms()) is not None]
    return min(moments, default=None)


def _refresh(world: World) -> None:
    """Index the next due moment of every customer touched since the last look; a moment
    already indexed is not pushed again, so the heap holds about one entry a customer."""
    due = world.due
    for st in world.touched:
        st.touched = False
        moment = _next_due(st)
        if moment is not None and moment != st.due_ms:
            heapq.heappush(due, (moment, st.customer.customer_id))
        st.due_ms = moment
    world.touched.clear()
    if len(due) > 2 * len(world.states) + 64:  # mostly stale entries: keep the live ones
        world.due = [(st.due_ms, cid) for cid, st in world.states.items() if st.due_ms is not None]
        heapq.heapify(world.due)


def advance(world: World, ms: int) -> Iterator[Emission]:
    """Move the clock forward; expiries and conversions happen at their own moments, in
    time order, visiting only the customers that have something due."""
    until = world.now_ms + max(ms, 0)
    _refresh(world)
    while world.due and world.due[0][0] <= until:
        moment, cid = heapq.heappop(world.due)
        st = world.states.get(cid)
        if st is None or _next_due(st) != moment:
            continue  # stale: the customer's ledger changed and was indexed again
        st.due_ms = None  # this entry is used up; _refresh indexes what comes next
        world.now_ms = max(world.now_ms, moment)
        customer = st.customer
        yield from convert_promised(world, customer)
        yield from expire_due(world, customer)
        _refresh(world)
    world.now_ms = until
