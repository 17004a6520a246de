"""Reward catalog events: rewardCreated, rewardUpdated, rewardIssued, issueRewardFailure,
rewardExpiryReminder.

A *reward* is an item of the org's rewards catalog bought with points (``intouchPoints``):
a coupon of an intouch series, a vendor voucher, a cart promotion, airline miles.  The
definition events (created, updated, expiry reminder) carry the whole reward; rewardIssued
carries the customer and the code issued.  None has a ``loyaltyEventId``: ``refId`` is
``<orgId>_<rewardId>`` (``<orgId>_<requestId>`` for a failure).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from capmock.catalog.common import customer_identifiers
from capmock.catalog.context import DAY_MS, Ctx, Facts
from capmock.catalog.coupon import coupon_code, local_midnight_ms
from capmock.catalog.fields import (
    BOOL,
    INT,
    MILLIS,
    NUM,
    STR,
    Node,
    Obj,
    arr,
    nullable,
    obj,
    opt,
    ref,
)
from capmock.catalog.registry import Builder, EventDef, reads

DOMAIN = "reward"

# (type, redemptionType) pairs a catalog holds.
KINDS: tuple[tuple[str, str], ...] = (
    ("VOUCHER", "INTOUCH_REWARD"),
    ("VOUCHER", "VENDOR_INTOUCH_REWARD"),
    ("VOUCHER", "VENDOR_ONLY_REWARD"),
    ("POINTS", "VENDOR_INTOUCH_REWARD"),
    ("VOUCHER", "CART_PROMOTION"),
    ("VOUCHER", "MILES"),
)
VENDORS = ("Capillary", "Amazon Pay", "Gyftr", "Xoxoday", "Tillo")
ITEMS = ("{cur} {v} Gift Voucher", "{cur} {v} Dining Voucher", "{cur} {v} Movie Voucher")

# Why issuing a reward failed: (errorCode, errorMessage).
ERRORS: tuple[tuple[int, str], ...] = (
    (730, "Unknown error : MAX_COUPON_ISSUAL_PER_USER_EXCEEDED"),
    (731, "Unknown error : COUPON_SERIES_EXPIRED"),
    (732, "Unknown error : MAX_COUPON_ISSUAL_PER_SERIES_EXCEEDED"),
    (750, "Unknown error : VENDOR_REDEMPTION_FAILED"),
)

DEFS: dict[str, Node] = {
    "rewardMedia": obj(name=STR, id=opt(STR), url=STR, isExternal=opt(BOOL)),
    "rewardDetail": obj(
        languageCode=STR,
        name=STR,
        description=STR,
        termAndConditionsId=opt(STR),
        termAndConditionsUrl=opt(STR),
        imageId=opt(STR),
        imageUrl=opt(STR),
        thumbnailId=opt(STR),
        thumbnailUrl=opt(STR),
        images=opt(arr(ref("rewardMedia"))),
        videos=opt(arr(ref("rewardMedia"))),
    ),
    "rewardVendor": obj(id=INT, name=STR),
}

_summary = dict(
    rewardId=INT,
    type=STR,
    redemptionType=STR,
    startDate=MILLIS,
    endDate=MILLIS,
    intouchPoints=NUM,
    intouchSeriesId=STR,
    priority=INT,
    tier=opt(STR),
)

REWARD = obj(
    **_summary,
    enabled=BOOL,
    categories=opt(arr(nullable(INT))),
    geographies=opt(arr(obj(countryId=opt(INT), cityId=opt(INT), areaId=opt(INT)))),
    rewardDetails=arr(ref("rewardDetail")),
    vendorDetails=opt(ref("rewardVendor")),
    vendorRedemptionDetails=opt(ref("rewardVendor")),
    paymentModes=opt(arr(obj(id=INT, paymentMode=STR, conv_ratio=opt(NUM)))),
)


# ---- the reward definition -----------------------------------------------------------


def _seconds(ms: int) -> int:
    return ms - ms % 1000


def _url_signer(ctx: Ctx) -> Callable[[str], str]:
    """Pre-signed S3 links to keys of one body: same org and time, a signature each."""
    stamp = ctx.datetime().replace("-", "").replace(":", "").replace(" ", "T") + "Z"
    base = f"https://s3.amazonaws.com/crm-solutions/{ctx.org.org_id}/"
    query = f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={stamp}&X-Amz-Expires=3600"
    sign = ctx.fake.hex
    return lambda key: f"{base}{key}{query}&X-Amz-Signature={sign(64)}"


def detail(ctx: Ctx, name: str, description: str) -> dict[str, Any]:
    """One language's content of a reward, with T&C, image and thumbnail links."""
    digits = ctx.fake.digits
    tnc, image, thumb = f"RW{digits(6)}R", f"RW{digits(6)}U", f"RW{digits(6)}T"
    url = _url_signer(ctx)
    return {
        "languageCode": "en",
        "name": name,
        "description": description,
        "termAndConditionsId": tnc,
        "termAndConditionsUrl": url(tnc),
        "imageId": image,
        "imageUrl": url(image),
        "thumbnailId": thumb,
        "thumbnailUrl": url(thumb),
        "images": [{"name": f"{image}.png", "id": ctx.fake.uuid(), "url": url(image)}],
        "videos": [],
    }


def _series_id(ctx: Ctx, redemption: str) -> str:
    if redemption == "CART_PROMOTION":
        return ctx.fake.hex(24)
    return str(ctx.ids.next("series"))


def _price(ctx: Ctx) -> int:
    """Points worth a round currency value at the program's points-to-currency ratio."""
    value = ctx.rng.choice((50, 100, 250, 500, 1000))
    return round(value / (ctx.prog.points_to_currency_ratio or 1.0))


def summary(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The fields every reward event has: id, kind, validity, points price, series."""
    rtype, redemption = ctx.rng.choice(KINDS)
    rtype = f.get("reward_type") or rtype
    redemption = f.get("redemption_type") or redemption
    start = f.get("start_ms") or _seconds(ctx.now_ms - ctx.rng.randint(0, 30) * DAY_MS)
    end = f.get("end_ms") or _seconds(ctx.now_ms + ctx.rng.randint(30, 365) * DAY_MS)
    tiers = ctx.prog.tiers
    tier = ctx.prog.tier(f["tier"]).name if f.get("tier") else tiers[0].name if tiers else ""
    body: dict[str, Any] = {
        "rewardId": f.get("reward_id") or ctx.ids.next("reward"),
        "type": rtype,
        "redemptionType": redemption,
        "startDate": start,
        "endDate": end,
        "intouchPoints": f.get("points") or _price(ctx),
        "intouchSeriesId": str(f.get("series_id") or _series_id(ctx, redemption)),
        "priority": int(f.get("priority") or ctx.rng.randint(1, 10)),
    }
    if tier:
        body["tier"] = tier.upper()
    return body


def _vendor(ctx: Ctx, f: Facts) -> dict[str, Any]:
    name = f.get("vendor_name") or ctx.rng.choice(VENDORS)
    return {
        "vendorDetails": {"id": ctx.rng.randint(1, 200), "name": name},
        "vendorRedemptionDetails": {
            "id": ctx.rng.randint(1000, 9999),
            "name": f"VENDOR REDEMPTION-{name}",
        },
    }


def _name(ctx: Ctx, body: dict[str, Any], f: Facts) -> str:
    """A catalog name; vouchers are worth their points at the program's ratio."""
    points = body["intouchPoints"]
    if body["redemptionType"] == "MILES":
        return f"{round(points * f.get('conv_ratio', 0.35) / 10) * 10:g} Air Miles"
    value = round(points * (ctx.prog.points_to_currency_ratio or 1.0))
    return ctx.rng.choice(ITEMS).format(cur=ctx.org.currency, v=value)


def reward(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A whole reward definition (rewardCreated / rewardUpdated / rewardExpiryReminder)."""
    body = summary(ctx, f)
    ratio = f.get("conv_ratio") or ctx.rng.choice((0.25, 0.35, 0.5))
    name = f.get("reward_name") or _name(ctx, body, {**f, "conv_ratio": ratio})
    body["enabled"] = bool(f.get("enabled", True))
    body["categories"] = [ctx.rng.randint(1, 60) for _ in range(ctx.rng.randint(0, 3))]
    body["geographies"] = [{"countryId": ctx.rng.randint(1, 20), "cityId": 0, "areaId": 0}]
    description = f.get("description") or f"Redeem {body['intouchPoints']} points for {name}."
    body["rewardDetails"] = [detail(ctx, name, description)]
    if body["redemptionType"].startswith("VENDOR") or body["redemptionType"] == "MILES":
        body.update(_vendor(ctx, f))
    if body["redemptionType"] == "MILES":  # points convert to miles at a ratio
        body["paymentModes"] = [
            {"id": ctx.rng.randint(100, 999), "paymentMode": "CONV_RATIO", "conv_ratio": ratio}
        ]
    return body


# ---- rewardCreated / rewardUpdated / rewardExpiryReminder ---------------------------------


@reads(
    "conv_ratio description enabled end_ms points priority redemption_type reward_id",
    "reward_name reward_type series_id start_ms tier vendor_name",
)
def build_reward_created(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``reward_id``, ``reward_name``, ``description``
    - ``reward_type`` (VOUCHER, POINTS…), ``redemption_type`` (INTOUCH_REWARD,
      VENDOR_INTOUCH_REWARD, VENDOR_ONLY_REWARD, CART_PROMOTION, MILES)
    - ``points``: the reward's price in points (intouchPoints)
    - ``series_id``: the coupon series / promotion behind it (intouchSeriesId)
    - ``start_ms``, ``end_ms``: validity, epoch ms; ``priority``; ``enabled`` (default true)
    - ``tier``: number of the lowest eligible tier (its name, upper-cased, goes in ``tier``)
    - ``vendor_name``: vendor of a vendor/miles reward; ``conv_ratio``: points→miles ratio
    """
    return reward(ctx, f)


@reads(
    "conv_ratio description enabled end_ms points priority redemption_type reward_id",
    "reward_name reward_type series_id start_ms tier vendor_name",
)
def build_reward_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts: as for rewardCreated; ``enabled`` defaults to a coin toss (an update often
    disables a reward)."""
    return reward(ctx, {"enabled": ctx.rng.random() < 0.5, **f})


@reads(
    "conv_ratio description enabled end_ms points priority redemption_type reward_id",
    "reward_name reward_type series_id start_ms tier vendor_name",
)
def build_reward_expiry_reminder(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts: as for rewardCreated; ``end_ms`` defaults to within the next week."""
    soon = _seconds(ctx.now_ms + ctx.rng.randint(1, 7) * DAY_MS)
    return reward(ctx, {"end_ms": soon, **f})


# ---- rewardIssued --------------------------------------------------------------------

REWARD_ISSUED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    **_summary,
    intouchRewardDetails=opt(obj(intouchCouponCode=STR, codeExpiry=MILLIS)),
    vendorRewardDetails=opt(obj(vendorVoucher=STR)),
)


@reads(
    "code code_expiry_ms end_ms points priority redemption_type reward_id reward_type",
    "series_id start_ms tier vendor_voucher",
)
def build_reward_issued(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - the reward: as for rewardCreated (``reward_id``, ``reward_type``, ``redemption_type``,
      ``points``, ``series_id``, ``start_ms``, ``end_ms``, ``priority``, ``tier``)
    - ``code``: the coupon code issued (intouch rewards; vendor rewards get the same code
      as their voucher unless ``vendor_voucher`` is given)
    - ``code_expiry_ms``: when the issued code expires, epoch ms (default: local
      midnight ending a day 7-90 days ahead)
    - ``vendor_voucher``: the vendor's voucher code (vendor rewards)
    """
    body = {"customerIdentifiers": customer_identifiers(ctx), **summary(ctx, f)}
    redemption = body["redemptionType"]
    code = f.get("code") or coupon_code(ctx)
    if redemption != "VENDOR_ONLY_REWARD":
        days = ctx.rng.choice((7, 15, 30, 90))
        expiry = f.get("code_expiry_ms") or local_midnight_ms(ctx, ctx.date(days + 1))
        body["intouchRewardDetails"] = {"intouchCouponCode": code, "codeExpiry": expiry}
    if redemption.startswith("VENDOR"):
        body["vendorRewardDetails"] = {"vendorVoucher": f.get("vendor_voucher") or code}
    return body


# ---- issueRewardFailure --------------------------------------------------------------

ISSUE_REWARD_FAILURE = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    requestId=STR,
    totalPoints=NUM,
    erroredSteps=arr(
        obj(
            name=STR,
            errorMessage=STR,
            errorCode=INT,
            rewards=arr(obj(id=INT, qty=INT, points=NUM, type=STR, rewardReference=opt(STR))),
        )
    ),
)


@reads("error_code points qty reason request_id reward_id reward_type step")
def build_issue_reward_failure(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``request_id``: the issue request (a UUID; also the refId)
    - ``reward_id``, ``reward_type`` (VOUCHER…), ``qty``: the reward asked for, how many
    - ``points``: the points price of one unit (the item's points and ``totalPoints`` are
      ``qty * points``)
    - ``reason`` (errorMessage) and ``error_code``: why it failed (default: a known error)
    - ``step``: the failing step (default ISSUE_REWARD)
    """
    qty = int(f.get("qty") or ctx.rng.choice((1, 1, 1, 2, 3)))
    points = qty * (f.get("points") or ctx.rng.choice((10, 50, 100, 250, 500)))
    code, message = ctx.rng.choice(ERRORS)
    item = {
        "id": f.get("reward_id") or ctx.ids.next("reward"),
        "qty": qty,
        "points": points,
        "type": f.get("reward_type") or "VOUCHER",
        "rewardReference": str(ctx.rng.randint(100, 9999)),
    }
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "requestId": str(f.get("request_id") or ctx.fake.uuid()),
        "totalPoints": points,
        "erroredSteps": [
            {
                "name": f.get("step") or "ISSUE_REWARD",
                "errorMessage": f.get("reason") or message,
                "errorCode": int(f.get("error_code") or code),
                "rewards": [item],
            }
        ],
    }


def _reward_ref(data: dict[str, Any]) -> Any:
    return data["rewardId"]


def _event(
    name: str, body: Obj, build: Builder, description: str, ref_of: Any = _reward_ref
) -> EventDef:
    return EventDef(name, DOMAIN, body, build, description, ref=ref_of, loyalty_event_id=False)


EVENTS: list[EventDef] = [
    _event("rewardCreated", REWARD, build_reward_created, "A reward added to the catalog."),
    _event("rewardIssued", REWARD_ISSUED, build_reward_issued, "A reward issued to a customer."),
    _event("rewardUpdated", REWARD, build_reward_updated, "A catalog reward changed."),
    _event(
        "issueRewardFailure",
        ISSUE_REWARD_FAILURE,
        build_issue_reward_failure,
        "Issuing a reward to a customer failed.",
        lambda data: data["requestId"],
    ),
    _event(
        "rewardExpiryReminder",
        REWARD,
        build_reward_expiry_reminder,
        "Reminder that a catalog reward is about to expire.",
    ),
]
