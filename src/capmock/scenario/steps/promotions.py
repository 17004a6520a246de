"""Steps: loyalty promotions (created, updated, issued, earned, revoked) and cart promotions."""

from __future__ import annotations

from capmock.model import cart_promotions as carts
from capmock.model import promotions
from capmock.model.cart_promotions import CartPromotion
from capmock.model.entities import Customer
from capmock.model.promotions import Promotion
from capmock.model.world import Bill
from capmock.scenario.steps.base import Args, Result, Session, handler, need, ref


@handler("create_promotion")
def create_promotion(s: Session, customer: Customer | None, args: Args) -> Result:
    kind, name = str(args.get("type", "LOYALTY")), str(args["name"])
    cost, least = float(args.get("points", 100)), float(args.get("min_amount", 0))
    promo, emission = promotions.create(s.world, name, kind, cost, least)
    return [emission], promo


@handler("update_promotion")
def update_promotion(s: Session, customer: Customer | None, args: Args) -> Result:
    promo = ref(s, args["promotion"], Promotion)
    cost = float(args["points"]) if "points" in args else None
    status = str(args["status"]) if "status" in args else None
    return [promotions.update(s.world, promo, cost, status)], promo


@handler("issue_promotion")
def issue_promotion(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    promo = ref(s, args["promotion"], Promotion)
    return [promotions.issue(s.world, c, promo)], promo


@handler("earn_promotion")
def earn_promotion(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    promo = ref(s, args["promotion"], Promotion)
    return promotions.earn(s.world, c, promo), promo


@handler("revoke_issued_promotion")
def revoke_issued(s: Session, customer: Customer | None, args: Args) -> Result:
    promo = ref(s, args["promotion"], Promotion)
    return [promotions.revoke(s.world, need(customer), promo, earned=False)], promo


@handler("revoke_earned_promotion")
def revoke_earned(s: Session, customer: Customer | None, args: Args) -> Result:
    promo = ref(s, args["promotion"], Promotion)
    return [promotions.revoke(s.world, need(customer), promo, earned=True)], promo


# ---- cart promotions ---------------------------------------------------------------------


def _cart(s: Session, c: Customer, args: Args) -> CartPromotion:
    cart = ref(s, args["promotion"], CartPromotion)
    carts.check_owner(cart, c, args["promotion"])
    return cart


@handler("issue_cart_promotion")
def issue_cart(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    name, discount = str(args.get("name", "cart offer")), float(args.get("discount", 10))
    cart = carts.issue(s.world, c, name, discount)
    return [carts.issued(s.world, c, cart)], cart


@handler("earn_cart_promotion")
def earn_cart(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    cart = _cart(s, c, args)
    return [carts.earn(s.world, c, cart)], cart


@handler("redeem_cart_promotion")
def redeem_cart(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    cart = _cart(s, c, args)
    bill = ref(s, args["bill"], Bill) if "bill" in args else None
    return [carts.redeem(s.world, c, cart, bill)], cart


@handler("revoke_cart_promotion")
def revoke_cart(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    cart = _cart(s, c, args)
    return [carts.revoke(s.world, c, cart)], cart
