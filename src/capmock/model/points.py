"""Points: redemptions and their reversal, awards, expiry, promised points, transfers.

The ledger itself (lots, balances, the invariant) is ``model.ledger``; these operations
change it and return the events Capillary sends, in its order.
"""

from __future__ import annotations

import math

from capmock.clock import date_str, parse_date_ms
from capmock.errors import Rejected
from capmock.model import tiers
from capmock.model.entities import Customer, Program
from capmock.model.ledger import cents
from capmock.model.membership import require_enrolled
from capmock.model.world import Emission, Redemption, World


def points_for(program: Program, amount: float) -> float:
    return float(math.floor(max(amount, 0.0) * program.points_per_currency))


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


def award(world: World, customer: Customer, points: float, reason: str) -> list[Emission]:
    """Goodwill points: pointsIssued, and a tier upgrade when they cross a threshold."""
    program = world.org.default_program
    acc = world.account(customer, program)
    expiry_ms = world.date(program.expiry_days)
    acc.issue("regular", float(points), world.now_ms, expiry_ms, f"award:{reason}")
    facts = {
        "points": float(points),
        "regular": float(points),
        "promotional": [],
        "expiry": date_str(expiry_ms),
        "trigger": (reason, [("CustomerId", customer.customer_id)]),
        **world.balances(customer, program),
    }
    issued = world.emission("pointsIssued", customer, facts, program)
    return [issued, *tiers.reassess(world, customer, program, allow_down=False)]


def expire_due(world: World, customer: Customer, *, force: bool = False) -> list[Emission]:
    program = world.org.default_program
    acc = world.account(customer, program)
    if force:
        for lot in acc.lots:
            lot.expiry_ms = min(lot.expiry_ms, world.now_ms)
    gone = acc.expire(world.now_ms)
    if not gone:
        return []
    facts = {"points": cents(sum(lot.points for lot in gone))}
    return [world.emission("pointsExpired", customer, facts, program)]


def expiry_reminder(world: World, customer: Customer, within_ms: int) -> Emission:
    program = world.org.default_program
    acc = world.account(customer, program)
    lots = acc.expiring(world.now_ms, world.now_ms + within_ms)
    if not lots:
        raise Rejected("no points expire in that window: nothing to remind of")
    points = cents(sum(lot.points for lot in lots))
    first = min((lot.expiry_ms for lot in lots), default=world.now_ms + within_ms)
    facts = {"points": points, "expiry": date_str(first)}
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
    out += tiers.reassess(world, customer, program, allow_down=False)
    return out


def update_expiry(world: World, c: Customer, new: str) -> Emission:
    """The lot that expires first gets the new expiry date ``new`` (YYYY-MM-DD)."""
    program = world.org.default_program
    acc = world.account(c, program)
    if not acc.lots:
        raise Rejected("the customer has no points whose expiry could change")
    lot = min(acc.lots, key=lambda lot: lot.expiry_ms)
    new_ms = parse_date_ms(new)
    if new_ms <= world.now_ms:
        raise Rejected(f"new expiry {new} is not in the future")
    update = {
        "programId": program.id,
        "points": lot.points,
        "pointsType": "PROMOTIONAL" if lot.kind == "promotional" else "REGULAR",
        "oldExpiryDate": date_str(lot.expiry_ms),
        "newExpiryDate": new,
    }
    lot.expiry_ms = new_ms
    facts = {"updates": [update], "new_expiry": new}
    return world.emission("singlePointsExpiryUpdated", c, facts)


def transfer(world: World, sender: Customer, receiver: Customer, points: float) -> list[Emission]:
    """Points from one customer to another: initiated, received, maybe the receiver's tier."""
    if receiver.customer_id == sender.customer_id:
        raise Rejected("a customer cannot transfer points to themselves")
    require_enrolled(world, sender)
    require_enrolled(world, receiver)
    program = world.org.default_program
    world.account(sender, program).transfer_out(points)
    expiry = world.date(program.expiry_days)
    source = f"transfer:{sender.customer_id}"
    world.account(receiver, program).issue("regular", points, world.now_ms, expiry, source)
    sent = {"points": points, "counterpart": receiver, **world.balances(sender, program)}
    got = {"points": points, "counterpart": sender}
    return [
        world.emission("pointsTransferredInitiated", sender, sent, program),
        world.emission("pointsTransferredReceived", receiver, got, program),
        *tiers.reassess(world, receiver, program, allow_down=False),
    ]
