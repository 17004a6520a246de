"""Bills: purchases and what they set off, returns, updates, retriggered rejections.

Capillary's order for a purchase: transactionAdded, pointsIssued, tierUpgraded (if a
threshold was crossed), then promotion, target and streak consequences.
"""

from __future__ import annotations

from capmock.clock import date_str
from capmock.errors import CapmockError, Rejected, did_you_mean
from capmock.model import groups, promotions, streaks, targets, tiers
from capmock.model.entities import Customer, Program
from capmock.model.ledger import cents
from capmock.model.membership import require_enrolled
from capmock.model.points import points_for
from capmock.model.promotions import Award
from capmock.model.tiers import Trigger
from capmock.model.world import Bill, Emission, Facts, World

KIND_EVENTS = {
    "regular": "transactionAdded",
    "not_interested": "notInterestedBillAdded",
    "retro": "retroBillAdded",
    "rejected": "transactionRejected",
}


def new_bill(
    world: World, customer: Customer, amount: float, items: int | None, discount: float, kind: str
) -> Bill:
    store = world.store()
    tid = world.ids.next("transaction")
    number = f"{store.external_id}-{world.fake.digits(8)}"
    rounded = cents(amount)
    facts: Facts = {
        "transaction_id": tid,
        "bill_number": number,
        "amount": rounded,
        "discount": cents(discount),
        "gross_amount": cents(amount + discount),
        "currency": world.org.currency,
    }
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


def open_bill(
    world: World,
    c: Customer,
    kind: str,
    amount: float | None,
    items: int | None = None,
    discount: float = 0.0,
    currency: str | None = None,
) -> Bill:
    """A new bill of ``kind`` (not yet recorded); a made-up amount when none is given."""
    if kind not in KIND_EVENTS:
        raise CapmockError(
            f"unknown transaction kind '{kind}'",
            hint=f"did you mean '{did_you_mean(kind, KIND_EVENTS) or 'regular'}'?",
        )
    if amount is None:
        amount = world.fake.money(200, 8000)
    if amount <= 0:
        raise CapmockError("amount must be more than 0")
    bill = new_bill(world, c, amount, items, discount, kind)
    bill.gross = amount + discount
    if currency is not None:
        bill.facts["currency"] = currency
    return bill


def record(
    world: World, c: Customer, bill: Bill, *, reason: str | None = None, promised: bool = False
) -> list[Emission]:
    """The bill's event and, for a bill that earns, its consequences."""
    if bill.kind == "rejected":
        facts: Facts = {"bill_number": bill.bill_number}
        if reason:
            facts["rejection_reason"] = reason
        first = world.emission(KIND_EVENTS[bill.kind], c, facts)
        first.store = bill.store
        return [first]
    first = world.emission(KIND_EVENTS[bill.kind], c, dict(bill.facts))
    first.store = bill.store
    if bill.kind == "not_interested":
        return [first]
    require_enrolled(world, c)
    return [first, *consequences(world, c, bill, promised)]


def bill_trigger(bill: Bill) -> Trigger:
    return ("TransactionAdd", [("BillId", bill.transaction_id), ("billNumber", bill.bill_number)])


def issue_for_bill(
    world: World,
    customer: Customer,
    bill: Bill,
    program: Program,
    awards: list[Award],
    promised: bool,
) -> Emission:
    acc = world.account(customer, program)
    regular = points_for(program, bill.amount)
    now_ms = world.now_ms
    expiry_ms = world.date(program.expiry_days)
    number = bill.bill_number
    facts: Facts = {
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
    if awards:
        for a in awards:
            acc.issue("promotional", a.points, now_ms, expiry_ms, number, a.promotion.id)
        bill.promotional += sum(a.points for a in awards)
    facts["promotional"] = [a.fact() for a in awards]
    facts["points"] = regular + bill.promotional + (facts.get("promised") or 0.0)
    facts["current"] = acc.current
    facts["lifetime"] = acc.lifetime
    return world.emission("pointsIssued", customer, facts, program)


def consequences(world: World, c: Customer, bill: Bill, promised: bool) -> list[Emission]:
    """What a purchase sets off: points, tier, promotions, targets, streaks."""
    program = world.org.default_program
    st = world.state(c)
    st.spend += bill.amount
    st.visits += 1
    earned: list[Emission] = []
    awards: list[Award] = []
    if world.promotions:
        earned, awards = promotions.on_bill(world, c, bill)
    issued = issue_for_bill(world, c, bill, program, awards, promised)
    issued.store = bill.store
    out = [issued] if issued.facts["points"] > 0 else []  # no points, no pointsIssued
    out += tiers.reassess(world, c, program, allow_down=False, trigger=bill_trigger(bill))
    if groups.any_groups(world):  # a member's points go to their group's wallet too
        expiry = world.date(program.expiry_days)
        ref = (bill.transaction_id, bill.bill_number)
        out += groups.contribute(world, c, bill.points + bill.promotional, expiry, ref)
    out += earned
    if world.org.targets or world.org.streaks:
        out += targets.on_bill(world, c, bill)
        out += streaks.on_bill(world, c, bill)
    return out


def return_bill(
    world: World, customer: Customer, bill: Bill, amount: float | None
) -> tuple[Bill, list[Emission]]:
    """A return of all or part of ``bill``: the RETURN bill, reversed points, maybe a tier."""
    if bill.customer_id != customer.customer_id:
        raise Rejected(f"bill {bill.bill_number} belongs to another customer")
    if bill.returned >= bill.amount:
        raise Rejected(f"bill {bill.bill_number} was already returned in full")
    program = world.org.default_program
    left = cents(bill.amount - bill.returned)
    if amount is not None and cents(amount) > left:
        raise Rejected(f"a return of {cents(amount):g} is more than is left of bill "
                       f"{bill.bill_number} ({left:g})")
    amount = left if amount is None else cents(amount)
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
        trigger: Trigger = ("TransactionAdd", [("BillId", ret.transaction_id)])
        out += tiers.reassess(world, customer, program, allow_down=True, trigger=trigger)
    return ret, out


def update(world: World, c: Customer, bill: Bill, status: str) -> Emission:
    facts = {**bill.facts, "delivery_status": status.upper()}
    emission = world.emission("transactionUpdated", c, facts)
    emission.store = bill.store
    return emission


def retrigger(world: World, c: Customer, bill: Bill) -> list[Emission]:
    """A rejected bill passes on a second try: the retrigger event, then a purchase's
    consequences."""
    if bill.kind != "rejected":
        raise Rejected(f"bill {bill.bill_number} was not rejected")
    bill.kind = "regular"
    facts = {"bill_number": bill.bill_number, "passed": True}
    first = world.emission("rejectedTransactionRetrigger", c, facts)
    require_enrolled(world, c)
    return [first, *consequences(world, c, bill, False)]


def owner(world: World, customer_id: int) -> Customer:
    """The customer with this id (met already)."""
    return world.states[customer_id].customer
