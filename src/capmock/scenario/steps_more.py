"""Step handlers for loyalty promotions and cart promotions, and what a bill sets off.

Promotion types (as Capillary's promotionData API names them):
GENERIC — every customer earns it on a qualifying bill, no issue needed;
LOYALTY — "direct issue": earned on a qualifying bill only once issued to the customer;
LOYALTY_EARNING — "enrol & issue": the first qualifying bill issues it, then it is earned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from capmock.errors import CapmockError, Rejected, did_you_mean
from capmock.model.entities import Customer
from capmock.model.ops import date_str
from capmock.model.world import Bill, Emission
from capmock.scenario.steps import Result, handler, need

if TYPE_CHECKING:
    from capmock.scenario.player import Player

TYPES = ("GENERIC", "LOYALTY", "LOYALTY_EARNING")


_date = date_str


def promotion_facts(player: Player, promo: dict[str, Any]) -> dict[str, Any]:
    return {
        "promotion_id": promo["id"],
        "name": promo["name"],
        "offer_type": promo["type"],
        "status": promo["status"],
        "start": promo["start"],
        "end": promo["end"],
        "program_id": player.world.org.default_program.id,
    }


def promo_ref(player: Player, name: Any) -> dict[str, Any]:
    value = player.ref(name)
    if not isinstance(value, dict) or value.get("kind") != "promotion":
        raise CapmockError(f"'{name}' is not a promotion")
    return value


@handler("create_promotion")
def create_promotion(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    kind = str(args.get("type", "LOYALTY")).upper()
    if kind not in TYPES:
        guess = did_you_mean(kind, TYPES)
        raise CapmockError(
            f"unknown promotion type '{kind}'",
            hint=f"did you mean '{guess}'?" if guess else f"one of {TYPES}",
        )
    world = player.world
    promo = {
        "kind": "promotion",
        "id": world.ids.next("promotion"),
        "name": str(args["name"]),
        "type": kind,
        "points": float(args.get("points", 100)),
        "min_amount": float(args.get("min_amount", 0)),
        "status": "LIVE",
        "start": _date(world.now_ms),
        "end": _date(world.date(90)),
        "max_earns": 1,
    }
    world.promotions[promo["id"]] = promo
    facts = {**promotion_facts(player, promo), "promotion_type": "BILL", "created_on": world.now_ms}
    return [world.emission("promotionCreated", None, facts)], promo


@handler("update_promotion")
def update_promotion(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    promo = promo_ref(player, args["promotion"])
    if "points" in args:
        promo["points"] = float(args["points"])
    if "status" in args:
        promo["status"] = str(args["status"]).upper()
    facts = {**promotion_facts(player, promo), "promotion_type": "BILL"}
    return [player.world.emission("promotionUpdated", None, facts)], promo


def _issue(player: Player, c: Customer, promo: dict[str, Any]) -> Emission:
    world = player.world
    st = world.state(c)
    if promo["id"] in st.active_promotions:
        raise Rejected(f"promotion '{promo['name']}' is already issued to the customer")
    issual = {"issual_id": world.ids.next("issual"), "issued_ms": world.now_ms, "earned": []}
    st.active_promotions[promo["id"]] = issual
    facts = {
        **promotion_facts(player, promo),
        "issual_id": issual["issual_id"],
        "issued_date": _date(world.now_ms),
        "expiry": promo["end"],
    }
    return world.emission("promotionIssued", c, facts)


@handler("issue_promotion")
def issue_promotion(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    promo = promo_ref(player, args["promotion"])
    return [_issue(player, c, promo)], promo


def earns(issual: dict[str, Any]) -> int:
    """Earns so far, revoked ones included: a revoked earn is not earned again."""
    return len(issual["earned"]) + int(issual.get("revoked", 0))


def _earn(
    player: Player, c: Customer, promo: dict[str, Any], *, bill: Bill | None = None
) -> tuple[list[Emission], dict[str, Any]]:
    """promotionEarned, and the promotional points award it carries."""
    world = player.world
    st = world.state(c)
    out: list[Emission] = []
    issual = st.active_promotions.get(promo["id"])
    if issual is None:
        if promo["type"] == "LOYALTY":
            raise Rejected(f"promotion '{promo['name']}' was not issued to the customer")
        if promo["type"] == "LOYALTY_EARNING":
            out.append(_issue(player, c, promo))
            issual = st.active_promotions[promo["id"]]
        else:
            issual = {"issual_id": None, "issued_ms": world.now_ms, "earned": []}
            st.active_promotions[promo["id"]] = issual
    if earns(issual) >= promo["max_earns"]:
        raise Rejected(f"promotion '{promo['name']}' was already earned")
    earned_id = world.ids.next("earned")
    issual["earned"].append(earned_id)
    facts = {
        **promotion_facts(player, promo),
        "earned_id": earned_id,
        "issual_id": issual["issual_id"],
        "earned_date": _date(world.now_ms),
        "expiry": promo["end"],
    }
    if bill is not None:
        facts["trigger"] = ("TransactionAdd", [("BillId", bill.transaction_id)])
    out.append(world.emission("promotionEarned", c, facts))
    award = {
        "promotionPoints": promo["points"],
        "promotionIdentifier": str(promo["id"]),
        "promotionType": promo["type"],
        "promotion_id": promo["id"],
    }
    return out, award


@handler("earn_promotion")
def earn_promotion(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    from capmock.model import ops

    c = need(customer)
    promo = promo_ref(player, args["promotion"])
    world = player.world
    emissions, award = _earn(player, c, promo)
    program = world.org.default_program
    expiry = world.date(program.expiry_days)
    world.account(c, program).issue(
        "promotional",
        award["promotionPoints"],
        world.now_ms,
        expiry,
        f"promotion:{promo['id']}",
        promo["id"],
    )
    award.pop("promotion_id")
    facts = {
        "points": award["promotionPoints"],
        "regular": 0.0,
        "promotional": [award],
        "trigger": ("PromotionEarn", [("promotionId", promo["id"])]),
        **world.balances(c, program),
    }
    points = world.emission("pointsIssued", c, facts, program)
    tiers = ops.reassess_tier(world, c, program, allow_down=False)
    return [*emissions, points, *tiers], promo


def promotions_on_bill(
    player: Player, c: Customer, bill: Bill
) -> tuple[list[Emission], list[dict[str, Any]]]:
    """(promotion emissions, promotional awards) a qualifying bill earns automatically."""
    emissions: list[Emission] = []
    awards: list[dict[str, Any]] = []
    st = player.world.state(c)
    for promo in player.world.promotions.values():
        if promo["status"] != "LIVE" or bill.amount < promo["min_amount"]:
            continue
        if promo["type"] == "LOYALTY" and promo["id"] not in st.active_promotions:
            continue
        issual = st.active_promotions.get(promo["id"])
        if issual and earns(issual) >= promo["max_earns"]:
            continue
        more, award = _earn(player, c, promo, bill=bill)
        emissions += more
        awards.append(award)
    return emissions, awards


def _revoke(player: Player, c: Customer, promo: dict[str, Any], earned: bool) -> Emission:
    st = player.world.state(c)
    issual = st.active_promotions.get(promo["id"])
    if issual is None or (earned and not issual["earned"]):
        what = "earned" if earned else "issued"
        raise Rejected(f"promotion '{promo['name']}' is not {what} by the customer")
    facts = promotion_facts(player, promo)
    if earned:
        facts["earned_ids"] = list(issual["earned"])
        issual["revoked"] = issual.get("revoked", 0) + len(issual["earned"])
        issual["earned"] = []
        return player.world.emission("revokeEarnedPromotion", c, facts)
    facts["issual_id"] = issual["issual_id"]
    del st.active_promotions[promo["id"]]
    return player.world.emission("revokeIssuedPromotion", c, facts)


@handler("revoke_issued_promotion")
def revoke_issued(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    promo = promo_ref(player, args["promotion"])
    return [_revoke(player, need(customer), promo, False)], promo


@handler("revoke_earned_promotion")
def revoke_earned(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    promo = promo_ref(player, args["promotion"])
    return [_revoke(player, need(customer), promo, True)], promo


# ---- cart promotions ---------------------------------------------------------------------


def cart_ref(player: Player, c: Customer, name: Any) -> dict[str, Any]:
    value = player.ref(name)
    if not isinstance(value, dict) or value.get("kind") != "cart":
        raise CapmockError(f"'{name}' is not a cart promotion")
    if value["customer_id"] != c.customer_id:
        raise Rejected(f"cart promotion '{name}' belongs to another customer")
    return value


@handler("issue_cart_promotion")
def issue_cart(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    world = player.world
    cart = {
        "kind": "cart",
        "customer_id": c.customer_id,
        "promotion_id": world.ids.next("promotion"),
        "issue_id": world.fake.hex(24),
        "issue_ms": world.now_ms,
        "earn_id": None,
        "discount": float(args.get("discount", 10)),
        "state": "issued",
        "name": str(args.get("name", "cart offer")),
    }
    world.state(c).cart_promotions[cart["promotion_id"]] = cart
    facts = {k: cart[k] for k in ("promotion_id", "issue_id", "issue_ms")}
    return [world.emission("cartPromotionIssued", c, facts)], cart


@handler("earn_cart_promotion")
def earn_cart(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    cart = cart_ref(player, c, args["promotion"])
    if cart["state"] != "issued":
        raise Rejected(f"cart promotion is {cart['state']}, not issued")
    cart |= {"earn_id": player.world.fake.hex(24), "state": "earned"}
    facts = {k: cart[k] for k in ("promotion_id", "issue_id", "issue_ms", "earn_id")}
    return [player.world.emission("cartPromotionEarned", c, facts)], cart


@handler("redeem_cart_promotion")
def redeem_cart(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    cart = cart_ref(player, c, args["promotion"])
    if cart["state"] != "earned":
        raise Rejected(f"cart promotion is {cart['state']}, not earned")
    cart["state"] = "redeemed"
    facts: dict[str, Any] = {
        "promotion_id": cart["promotion_id"],
        "earn_id": cart["earn_id"],
        "discount": cart["discount"],
        "redeemed_ms": player.world.now_ms,
    }
    if "bill" in args:
        facts["bill_number"] = player.ref(args["bill"], Bill).bill_number
    return [player.world.emission("cartPromotionRedeemed", c, facts)], cart


@handler("revoke_cart_promotion")
def revoke_cart(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    cart = cart_ref(player, c, args["promotion"])
    if cart["state"] in ("revoked", "redeemed"):
        raise Rejected(f"cart promotion is already {cart['state']}")
    cart["state"] = "revoked"
    facts = {"promotion_id": cart["promotion_id"], "earn_id": cart["earn_id"]}
    return [player.world.emission("cartPromotionRevoked", c, facts)], cart
