"""Coupons: issued from a series to a customer, redeemed once."""

from __future__ import annotations

from capmock.clock import date_str
from capmock.errors import CapmockError, Rejected
from capmock.model.entities import Customer
from capmock.model.membership import require_enrolled
from capmock.model.records import Coupon
from capmock.model.world import Bill, Emission, Facts, World


def issue(world: World, c: Customer, series: str, count: int, discount: float) -> list[Coupon]:
    """``count`` coupons of ``series`` (one CouponIssue event); the first is returned first."""
    require_enrolled(world, c)
    if count < 1:
        raise CapmockError("count must be at least 1")
    series_id = world.ids.stable("series", series)
    expiry = date_str(world.date(90))
    held = world.state(c).coupons
    coupons = []
    for _ in range(count):
        coupon_id, code = world.ids.next("coupon"), world.fake.alnum(8).upper()
        coupon = Coupon(
            coupon_id, code, series, series_id, discount, expiry, "ISSUED", c.customer_id
        )
        held[coupon.coupon_id] = coupon
        coupons.append(coupon)
    return coupons


def issued(world: World, c: Customer, coupons: list[Coupon]) -> Emission:
    first = coupons[0]
    facts: Facts = {
        "count": len(coupons),
        "coupon_id": first.coupon_id,
        "series_id": first.series_id,
        "series_name": first.series,
        "discount_value": first.discount,
        "discount_type": "ABS",
        "expiry": first.expiry,
    }
    many = len(coupons) > 1
    facts |= {"codes": [x.code for x in coupons]} if many else {"code": first.code}
    return world.emission("CouponIssue", c, facts)


def redeem(world: World, c: Customer, coupon: Coupon, bill: Bill | None) -> Emission:
    if coupon.customer_id != c.customer_id:
        raise Rejected(f"coupon {coupon.code} was issued to another customer")
    if coupon.status == "REDEEMED":
        raise Rejected(f"coupon {coupon.code} was already redeemed")
    coupon.status = "REDEEMED"
    facts: Facts = {
        "code": coupon.code,
        "coupon_id": coupon.coupon_id,
        "redemption_id": world.ids.next("redemption"),
        "series_id": coupon.series_id,
        "series_name": coupon.series,
        "discount_value": coupon.discount,
        "discount_type": "ABS",
        "expiry": coupon.expiry,
    }
    if bill is not None:
        facts |= {"bill_id": bill.transaction_id, "bill_number": bill.bill_number}
    return world.emission("CouponRedeem", c, facts)
