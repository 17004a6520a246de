"""Cart promotions (a separate engine in Capillary): issued, earned, redeemed, revoked."""

from __future__ import annotations

from typing import Any

from capmock.errors import Rejected
from capmock.model.entities import Customer
from capmock.model.records import CartPromotion
from capmock.model.world import Bill, Emission, Facts, World


def check_owner(cart: CartPromotion, c: Customer, name: Any) -> None:
    if cart.customer_id != c.customer_id:
        raise Rejected(f"cart promotion '{name}' belongs to another customer")


def issue(world: World, c: Customer, name: str, discount: float) -> CartPromotion:
    pid, issue_id = world.ids.next("promotion"), world.fake.hex(24)
    cart = CartPromotion(c.customer_id, pid, issue_id, world.now_ms, None, discount, "issued", name)
    world.state(c).cart_promotions[cart.promotion_id] = cart
    return cart


def issued(world: World, c: Customer, cart: CartPromotion) -> Emission:
    facts = {
        "promotion_id": cart.promotion_id,
        "issue_id": cart.issue_id,
        "issue_ms": cart.issue_ms,
    }
    return world.emission("cartPromotionIssued", c, facts)


def earn(world: World, c: Customer, cart: CartPromotion) -> Emission:
    if cart.state != "issued":
        raise Rejected(f"cart promotion is {cart.state}, not issued")
    cart.earn_id, cart.state = world.fake.hex(24), "earned"
    facts = {
        "promotion_id": cart.promotion_id,
        "issue_id": cart.issue_id,
        "issue_ms": cart.issue_ms,
        "earn_id": cart.earn_id,
    }
    return world.emission("cartPromotionEarned", c, facts)


def redeem(world: World, c: Customer, cart: CartPromotion, bill: Bill | None) -> Emission:
    if cart.state != "earned":
        raise Rejected(f"cart promotion is {cart.state}, not earned")
    cart.state = "redeemed"
    facts: Facts = {
        "promotion_id": cart.promotion_id,
        "earn_id": cart.earn_id,
        "discount": cart.discount,
        "redeemed_ms": world.now_ms,
    }
    if bill is not None:
        facts["bill_number"] = bill.bill_number
    return world.emission("cartPromotionRedeemed", c, facts)


def revoke(world: World, c: Customer, cart: CartPromotion) -> Emission:
    if cart.state in ("revoked", "redeemed"):
        raise Rejected(f"cart promotion is already {cart.state}")
    cart.state = "revoked"
    facts = {"promotion_id": cart.promotion_id, "earn_id": cart.earn_id}
    return world.emission("cartPromotionRevoked", c, facts)
