"""Steps: points redeemed, reversed, awarded, expired, reminded, converted, transferred."""

from __future__ import annotations

from capmock.errors import CapmockError
from capmock.model import points
from capmock.model.entities import Customer
from capmock.model.membership import require_enrolled
from capmock.model.world import Redemption
from capmock.scenario.steps.base import (
    Args,
    Rejected,
    Result,
    Session,
    handler,
    named,
    need,
    owner,
    ref,
)
from capmock.scenario.validate import duration_ms


def _positive(args: Args) -> float:
    value = float(args["points"])
    if value <= 0:
        raise CapmockError("points must be more than 0")
    return value


@handler("redeem_points")
def redeem_points(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    require_enrolled(s.world, c)
    redemption, emission = points.redeem(s.world, c, _positive(args))
    return [emission], redemption


@handler("reverse_redemption")
def reverse_redemption(s: Session, customer: Customer | None, args: Args) -> Result:
    redemption = ref(s, args["redemption"], Redemption)
    c = owner(s, customer, redemption.customer_id)
    return [points.reverse_redemption(s.world, c, redemption)], redemption


@handler("award_points")
def award_points(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    require_enrolled(s.world, c)
    reason = str(args.get("reason", "Goodwill"))
    return points.award(s.world, c, float(args["points"]), reason), None


@handler("expire_points")
def expire_points(s: Session, customer: Customer | None, args: Args) -> Result:
    return points.expire_due(s.world, need(customer), force=bool(args.get("all"))), None


@handler("points_expiry_reminder")
def points_expiry_reminder(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    within = duration_ms(args.get("within", "30d")) or 30 * 86_400_000
    return [points.expiry_reminder(s.world, c, within)], None


@handler("promised_to_current")
def promised_to_current(s: Session, customer: Customer | None, args: Args) -> Result:
    emissions = points.convert_promised(s.world, need(customer), force=True)
    if not emissions:
        raise Rejected("the customer has no promised points to convert")
    return emissions, None


@handler("update_points_expiry")
def update_points_expiry(s: Session, customer: Customer | None, args: Args) -> Result:
    return [points.update_expiry(s.world, need(customer), str(args["date"]))], None


@handler("transfer_points")
def transfer_points(s: Session, customer: Customer | None, args: Args) -> Result:
    sender = need(customer)
    receiver = named(s, args["to"])
    if receiver is None:
        raise CapmockError(f"unknown customer '{args['to']}'")
    return points.transfer(s.world, sender, receiver, float(args["points"])), None
