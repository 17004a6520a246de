"""Points moved by hand: manual adjustments (credit or debit, with a reason) and changes
to the expiry of a customer's points.

A credit is a new regular lot (it counts towards lifetime points, and expires by the
program's rule); a debit takes points from the lots that expire first and lowers the
lifetime total — a correction, not a redemption — so the ledger's invariant holds and
the next event's balances show it. An expiry change moves the expiry of the customer's
lots (all of them, or those expiring before a date); ``pointsExpired`` later happens on
the new dates, since the world's due moments are read from the lots.
"""

from __future__ import annotations

import zlib

from capmock.clock import date_str
from capmock.errors import Rejected
from capmock.model.entities import Customer, Program
from capmock.model.ledger import Lot, cents
from capmock.model.world import Emission, World


def adjust(world: World, customer: Customer, points: float, reason: str) -> Emission:
    """Credit (``points`` > 0) or debit (< 0) the customer's default program."""
    if not points:
        raise Rejected("an adjustment of 0 points changes nothing")
    program = world.org.default_program
    acc = world.account(customer, program)
    awarded = world.ids.next("points_award")
    if points > 0:
        expiry = world.date(program.expiry_days)
        acc.issue("regular", float(points), world.now_ms, expiry, f"adjustment:{awarded}")
    else:
        if -points > acc.current + 1e-9:
            raise Rejected(f"debiting {-points:g} points but only {acc.current:g} available")
        acc.reverse_issue(f"adjustment:{awarded}", -points)
    facts = {"points": float(points), "reason": reason, "awarded_id": awarded}
    return world.emission("manualPointsAdjustment", customer, facts, program)


def lot_ref(lot: Lot) -> int:
    """A stable id for a points award (lot): the same lot, the same id."""
    key = f"{lot.source}:{lot.issued_ms}:{lot.kind}".encode()
    return 100_000_000 + zlib.crc32(key) % 900_000_000


def ref_type(lot: Lot) -> str:
    if lot.kind == "promotional":
        return "PROMOTION"
    for prefix, kind in (("award:", "CUSTOMER"), ("transfer:", "POINTS_TRANSFER")):
        if lot.source.startswith(prefix):
            return kind
    return "MANUAL_ADJUSTMENT" if lot.source.startswith("adjustment:") else "BILL"


def change_expiry(
    world: World,
    customer: Customer,
    *,
    new_ms: int | None,
    extend_ms: int | None,
    before_ms: int | None,
    reason: str,
) -> Emission:
    """Move the expiry of the customer's lots to ``new_ms``, or ``extend_ms`` later; only
    lots expiring before ``before_ms`` when given."""
    program: Program = world.org.default_program
    acc = world.account(customer, program)
    lots = [lot for lot in acc.lots if before_ms is None or lot.expiry_ms < before_ms]
    if not lots:
        raise Rejected("the customer has no points whose expiry could change")
    fmt = date_str
    entries = []
    for lot in sorted(lots, key=lambda lot: (lot.expiry_ms, lot.issued_ms)):
        new = new_ms if new_ms is not None else lot.expiry_ms + (extend_ms or 0)
        if new <= world.now_ms:
            raise Rejected(f"new expiry {fmt(new)} is not in the future")
        entries.append(
            {
                "points": cents(lot.points),
                "old": fmt(lot.expiry_ms),
                "new": fmt(new),
                "awarded_id": lot_ref(lot),
                "ref_type": ref_type(lot),
                "promotion_id": lot.promotion_id,
            }
        )
        lot.expiry_ms = new
    facts = {
        "lots": entries,
        "reason": reason,
        "reason_type": "MANUAL",
        "set_type": "ABSOLUTE_DATE" if new_ms is not None else "EXTENSION",
    }
    return world.emission("pointsExpiryChange", customer, facts, program)
