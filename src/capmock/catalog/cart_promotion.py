"""Cart promotion events: a cart promotion issued to a customer, earned, redeemed on a
transaction, revoked.

Cart promotions live in a separate engine: their ids are 24-hex ObjectIds (the first 8 hex
digits are the creation time in seconds), not integers, and the bodies are small.  The
documented payloads carry no promotion name or code.  Dates are epoch milliseconds (issue),
epoch *seconds as a string* (earnedTime), or a local date-time string (redemption); with
timezone standardisation each gets an epoch-ms ``…InMillis`` companion.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from capmock.catalog.common import apportion, customer_identifiers
from capmock.catalog.context import DAY_MS, Ctx, Facts, utc_datetime
from capmock.catalog.fields import (
    DATETIME,
    INT,
    MILLIS,
    NUM,
    STR,
    Scalar,
    arr,
    obj,
    opt,
    ref,
    req,
)
from capmock.catalog.registry import EventDef, reads

DOMAIN = "cart_promotion"

DIGITS = Scalar("string", pattern=r"^\d+$")  # epoch time sent as a string of digits

DEFS = {
    "cartAppliedPromotion": obj(
        redemptionCount=INT,
        promotionId=STR,
        discount=NUM,
        redemptionType=STR,
        earnId=opt(STR),
        discountAppliedOnQuantity=opt(NUM),
    ),
}
_applied = arr(ref("cartAppliedPromotion"))

CART_ISSUED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    promotionId=STR,
    issueId=STR,
    issueDate=req(MILLIS, tz_millis=True),
)
CART_REDEEMED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    addedBy=obj(id=INT),
    redemptionDateTime=req(DATETIME, tz_millis=True),
    transactionIdentifier=STR,
    appliedPromotions=_applied,
    lineItemInfo=arr(obj(sku=STR, productId=STR, appliedPromotions=_applied)),
)
CART_REVOKED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    promotionId=STR,
    earnId=STR,
)
CART_EARNED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    promotionId=STR,
    issueId=STR,
    issueDate=req(DIGITS, tz_millis=True),
    earnId=STR,
    earnedTime=req(DIGITS, tz_millis=True),
)


# ---- helpers ---------------------------------------------------------------------------


def object_id(ctx: Ctx, at_ms: int) -> str:
    """A MongoDB-style ObjectId created at ``at_ms``."""
    return f"{at_ms // 1000:08x}{ctx.fake.hex(16)}"


def promotion_id(ctx: Ctx, f: Facts) -> str:
    if f.get("promotion_id"):
        return str(f["promotion_id"])
    return object_id(ctx, ctx.now_ms - ctx.rng.randint(2, 90) * DAY_MS)


def split(ctx: Ctx, total: float, parts: int) -> list[float]:
    """``total`` in ``parts`` shares (2 decimals) that add up to it exactly."""
    return apportion(total, [ctx.rng.uniform(1, 3) for _ in range(parts)])


def local_datetime(ctx: Ctx, ms: int) -> str:
    """``YYYY-MM-DD HH:MM:SS`` of ``ms`` in the org's timezone."""
    return utc_datetime(ms + _offset_ms(ctx.org.timezone, ms // QUARTER_HOUR_MS))


QUARTER_HOUR_MS = 900_000  # zones change their UTC offset on quarter hours


@lru_cache(maxsize=4096)
def _offset_ms(zone: str, quarter: int) -> int:
    """The UTC offset of ``zone`` during one quarter hour since the epoch, in ms."""
    moment = datetime.fromtimestamp(quarter * QUARTER_HOUR_MS / 1000, UTC)
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() * 1000) if offset is not None else 0


# ---- builders --------------------------------------------------------------------------


@reads("issue_id issue_ms promotion_id")
def build_cart_issued(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A cart promotion issued to a customer. Facts (all optional): promotion_id (ObjectId
    string); issue_id; issue_ms (issue time, epoch ms; default just before the event)."""
    issued = int(f.get("issue_ms") or ctx.now_ms - ctx.rng.randint(50, 5000))
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "promotionId": promotion_id(ctx, f),
        "issueId": str(f.get("issue_id") or object_id(ctx, issued)),
        "issueDate": issued,
    }


@reads("earn_id earned_ms issue_id issue_ms promotion_id")
def build_cart_earned(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer met a cart promotion's criteria and earned it. Facts: promotion_id;
    issue_id, issue_ms (the issual earned against; default days earlier); earn_id;
    earned_ms (earn time, epoch ms; sent as seconds; default just before the event)."""
    earned_s = int(f.get("earned_ms") or ctx.now_ms - ctx.rng.randint(50, 5000)) // 1000
    issued = int(f.get("issue_ms") or earned_s * 1000 - ctx.rng.randint(DAY_MS, 30 * DAY_MS))
    body: dict[str, Any] = {
        "customerIdentifiers": customer_identifiers(ctx),
        "promotionId": promotion_id(ctx, f),
        "issueId": str(f.get("issue_id") or object_id(ctx, issued)),
        "issueDate": str(issued),
    }
    if ctx.options.tz_millis:
        body["issueDateInMillis"] = issued
    body["earnId"] = str(f.get("earn_id") or object_id(ctx, earned_s * 1000))
    body["earnedTime"] = str(earned_s)
    if ctx.options.tz_millis:
        body["earnedTimeInMillis"] = earned_s * 1000
    return body


@reads("earn_id promotion_id")
def build_cart_revoked(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """An earned cart promotion revoked. Facts: promotion_id; earn_id (the revoked earn)."""
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "promotionId": promotion_id(ctx, f),
        "earnId": str(
            f.get("earn_id") or object_id(ctx, ctx.now_ms - ctx.rng.randint(1, 30) * DAY_MS)
        ),
    }


def line_items(ctx: Ctx, f: Facts, discount: float) -> list[dict[str, Any]]:
    """Line items the discount is applied on: from facts, or 1-3 made up sharing it."""
    if f.get("line_items"):
        return [dict(item) for item in f["line_items"]]
    count = ctx.rng.randint(1, 3)
    return [
        {
            "sku": f"sku_{ctx.fake.digits(4)}_{ctx.rng.randint(1, 9)}",
            "product_id": ctx.fake.digits(8),
            "discount": share,
            "quantity": float(ctx.rng.randint(1, 2)),
        }
        for share in split(ctx, discount, count)
    ]


def _applied_entry(pid: str, discount: float, kind: str, **more: Any) -> dict[str, Any]:
    return {
        "redemptionCount": 1,
        "promotionId": pid,
        **more,
        "discount": discount,
        "redemptionType": kind,
    }


@reads(
    "added_by bill_number discount earn_id line_items promotion_id redeemed_ms",
    "redemption_type",
)
def build_cart_redeemed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A cart promotion redeemed on a transaction. Facts: promotion_id; earn_id (the earn
    redeemed); redemption_type (CART: one cart-level discount, or LINEITEM: discounts on
    line items); discount (total, a number); line_items ([{sku, product_id, discount,
    quantity}], LINEITEM); bill_number (transactionIdentifier); redeemed_ms (epoch ms);
    added_by (user/till id)."""
    rng = ctx.rng
    pid = promotion_id(ctx, f)
    kind = f.get("redemption_type") or rng.choice(("CART", "LINEITEM"))
    discount = float(f["discount"]) if "discount" in f else ctx.fake.money(50, 800)
    earn = {"earnId": str(f["earn_id"])} if f.get("earn_id") else {}
    redeemed = int(f.get("redeemed_ms") or ctx.now_ms - rng.randint(200, 3000))
    cart, items = [_applied_entry(pid, discount, "CART", **earn)], []
    if kind == "LINEITEM":
        earn = earn or {"earnId": object_id(ctx, redeemed - rng.randint(1, 30) * DAY_MS)}
        cart, items = (
            [],
            [
                {
                    "sku": item["sku"],
                    "productId": str(item["product_id"]),
                    "appliedPromotions": [
                        _applied_entry(
                            pid,
                            float(item["discount"]),
                            "LINEITEM",
                            **earn,
                            discountAppliedOnQuantity=float(item.get("quantity", 1.0)),
                        )
                    ],
                }
                for item in line_items(ctx, f, discount)
            ],
        )
    body: dict[str, Any] = {
        "customerIdentifiers": customer_identifiers(ctx),
        "addedBy": {"id": f.get("added_by") or ctx.store.entered_by_id},
        "redemptionDateTime": local_datetime(ctx, redeemed),
    }
    if ctx.options.tz_millis:
        body["redemptionDateTimeInMillis"] = redeemed // 1000 * 1000
    body["transactionIdentifier"] = str(f.get("bill_number") or ctx.fake.digits(10))
    body["appliedPromotions"] = cart
    body["lineItemInfo"] = items
    return body


EVENTS: list[EventDef] = [
    EventDef(
        "cartPromotionIssued",
        DOMAIN,
        CART_ISSUED,
        build_cart_issued,
        "A cart promotion was issued to a customer.",
        ref=lambda d: d["issueId"],
        loyalty_event_id=False,
    ),
    EventDef(
        "cartPromotionRedeemed",
        DOMAIN,
        CART_REDEEMED,
        build_cart_redeemed,
        "A customer redeemed a cart promotion on a transaction (cart or line-item discount).",
        ref=lambda d: "null",
        loyalty_event_id=False,
    ),
    EventDef(
        "cartPromotionRevoked",
        DOMAIN,
        CART_REVOKED,
        build_cart_revoked,
        "An earned cart promotion was revoked from a customer.",
        ref=lambda d: d["earnId"],
        loyalty_event_id=False,
    ),
    EventDef(
        "cartPromotionEarned",
        DOMAIN,
        CART_EARNED,
        build_cart_earned,
        "A customer met a cart promotion's criteria and earned it.",
        ref=lambda d: d["earnId"],
        loyalty_event_id=False,
    ),
]
