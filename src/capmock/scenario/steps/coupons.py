"""Steps: issue_coupon, redeem_coupon."""

from __future__ import annotations

from capmock.model import coupons
from capmock.model.coupons import Coupon
from capmock.model.entities import Customer
from capmock.model.world import Bill
from capmock.scenario.steps.base import Args, Result, Session, handler, need, owner, ref


@handler("issue_coupon")
def issue_coupon(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    series, count = str(args.get("series", "WELCOME10")), int(args.get("count", 1))
    issued = coupons.issue(s.world, c, series, count, float(args.get("discount", 10)))
    return [coupons.issued(s.world, c, issued)], issued[0]


@handler("redeem_coupon")
def redeem_coupon(s: Session, customer: Customer | None, args: Args) -> Result:
    coupon = ref(s, args["coupon"], Coupon)
    c = owner(s, customer, coupon.customer_id)
    bill = ref(s, args["bill"], Bill) if "bill" in args else None
    return [coupons.redeem(s.world, c, coupon, bill)], coupon
