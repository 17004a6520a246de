"""Coupon events: CouponIssue (one coupon or a bulk issue of several) and CouponRedeem.

Coupon events are not loyalty events: ``loyaltyEventId`` is null and ``refId`` carries
``<orgId>_<seriesId>_<firstCouponId>:<lastCouponId>`` (issue) or
``<orgId>_<seriesId>_<redemptionId>`` (redeem).  Times are epoch milliseconds: a series
is valid till local midnight of its expiry date, each coupon till 23:59:59 that day;
``issued_on`` and ``redemptionDate`` are whole seconds.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from capmock.catalog.common import customer_identifiers
from capmock.catalog.context import DAY_MS, Ctx, Facts
from capmock.catalog.fields import INT, MILLIS, NUM, STR, Node, arr, obj, ref
from capmock.catalog.registry import EventDef, reads

DOMAIN = "coupon"

END_OF_DAY_MS = DAY_MS - 1000  # coupons are valid till 23:59:59 of the series' last day

DEFS: dict[str, Node] = {
    "couponSeriesInfo": obj(
        id=INT,
        description=STR,
        seriesType=STR,
        clientHandlingType=STR,
        valid_till=MILLIS,
        discount_code=STR,
        discount_type=STR,
        discount_value=NUM,
    ),
}

_added_by = obj(id=INT)


# ---- shared helpers ------------------------------------------------------------------


def local_midnight_ms(ctx: Ctx, date: str) -> int:
    """Epoch ms of 00:00 on ``date`` (YYYY-MM-DD) in the org's timezone."""
    return _midnight_ms(ctx.org.timezone, date)


@lru_cache(maxsize=4096)
def _midnight_ms(zone: str, date: str) -> int:
    try:
        tz = ZoneInfo(zone)
    except Exception:  # unknown zone: fall back to UTC
        tz = ZoneInfo("UTC")
    return int(datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=tz).timestamp() * 1000)


def coupon_code(ctx: Ctx) -> str:
    """An 8-character upper-case code like ``2YPHHFQR``."""
    return "".join(ctx.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(8))


def _description(ctx: Ctx, kind: str, value: float) -> str:
    theme = ctx.rng.choice(("Welcome", "Birthday", "Festive", "Loyalty", "Win-back", "Referral"))
    amount = f"{value:g}%" if kind == "PERC" else f"{ctx.org.currency} {value:g}"
    return f"{theme} {amount} off"


def series_info(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The coupon series (``series_info``) from facts, or a plausible one."""
    kind = f.get("discount_type") or ctx.rng.choice(("ABS", "ABS", "PERC"))
    value = f.get("discount_value")
    if value is None:
        value = (
            ctx.rng.choice((5, 10, 15, 20, 25))
            if kind == "PERC"
            else ctx.rng.choice((50, 100, 200, 250, 500, 1000))
        )
    expiry = f.get("expiry") or ctx.date(ctx.rng.choice((14, 30, 60, 90, 180)))
    return {
        "id": f.get("series_id") or ctx.ids.next("series"),
        "description": f.get("series_name") or _description(ctx, kind, value),
        "seriesType": f.get("series_type", "LOYALTY"),
        "clientHandlingType": f.get("client_handling_type")
        or ctx.rng.choice(("DISC_CODE", "DISC_CODE_PIN")),
        "valid_till": local_midnight_ms(ctx, expiry),
        "discount_code": f.get("discount_code", "NO_VALUE"),
        "discount_type": kind,
        "discount_value": value,
    }


def _seconds(ms: int) -> int:
    return ms - ms % 1000


# ---- CouponIssue ---------------------------------------------------------------------

COUPON_ISSUE = obj(
    addedAt=MILLIS,
    addedBy=_added_by,
    coupons=arr(
        obj(
            id=INT,
            code=STR,
            valid_till=MILLIS,
            issued_on=MILLIS,
            customerIdentifiers=ref("customerIdentifiers"),
        )
    ),
    series_info=ref("couponSeriesInfo"),
    issualType=STR,
)


def _coupon_ids(ctx: Ctx, count: int, first: int | None) -> list[int]:
    """Consecutive ids, as a bulk issue gets; the id counter is moved past them."""
    if first is None:
        first = ctx.ids.next("coupon")
        for _ in range(count - 1):
            ctx.ids.next("coupon")
    return [first + i for i in range(count)]


@reads(
    "added_by client_handling_type code codes count coupon_id discount_code discount_type",
    "discount_value expiry issual_type series_id series_name series_type",
)
def build_coupon_issue(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``code``: the coupon code (single issue); ``codes``: the codes of a bulk issue
    - ``count``: how many coupons (bulk issue with count; default 1, or ``len(codes)``)
    - ``coupon_id``: id of the first coupon (the others follow consecutively)
    - ``series_id``, ``series_name`` (series description), ``series_type`` (LOYALTY…),
      ``client_handling_type`` (DISC_CODE, DISC_CODE_PIN), ``discount_code``
    - ``discount_value``, ``discount_type`` (ABS or PERC)
    - ``expiry``: the series' last valid day, YYYY-MM-DD
    - ``added_by``: id of the user/till that issued; ``issual_type`` (default SINGLE)
    """
    codes: list[str] = list(f.get("codes") or ([f["code"]] if f.get("code") else []))
    count = int(f.get("count") or len(codes) or 1)
    codes += [coupon_code(ctx) for _ in range(count - len(codes))]
    series = series_info(ctx, f)
    issued_on = _seconds(ctx.now_ms)
    valid_till = series["valid_till"] + END_OF_DAY_MS
    ids = _coupon_ids(ctx, count, f.get("coupon_id"))
    coupons = [
        {
            "id": cid,
            "code": code,
            "valid_till": valid_till,
            "issued_on": issued_on,
            "customerIdentifiers": customer_identifiers(ctx),
        }
        for cid, code in zip(ids, codes, strict=False)
    ]
    return {
        "addedAt": ctx.now_ms,
        "addedBy": {"id": f.get("added_by") or ctx.store.entered_by_id},
        "coupons": coupons,
        "series_info": series,
        "issualType": f.get("issual_type", "SINGLE"),
    }


def _issue_ref(data: dict[str, Any]) -> str:
    coupons = data["coupons"]
    return f"{data['series_info']['id']}_{coupons[0]['id']}:{coupons[-1]['id']}"


# ---- CouponRedeem --------------------------------------------------------------------

COUPON_REDEEM = obj(
    addedAt=MILLIS,
    addedBy=_added_by,
    coupon=obj(
        id=INT,
        code=STR,
        redemptionId=INT,
        redemptionDate=MILLIS,
        series_info=ref("couponSeriesInfo"),
    ),
    customerIdentifiers=ref("customerIdentifiers"),
    transaction=obj(bill_id=INT, number=STR),
)


def _bill(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The bill the coupon was redeemed on; ``0``/``""`` when redeemed without one."""
    if "bill_id" in f or "bill_number" in f:
        return {"bill_id": int(f.get("bill_id") or 0), "number": str(f.get("bill_number") or "")}
    if ctx.rng.random() < 0.25:
        return {"bill_id": 0, "number": ""}
    return {"bill_id": ctx.ids.next("transaction"), "number": f"BILL-{ctx.fake.digits(8)}"}


@reads(
    "added_by bill_id bill_number client_handling_type code coupon_id discount_code",
    "discount_type discount_value expiry redemption_id series_id series_name series_type",
)
def build_coupon_redeem(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``code``, ``coupon_id``: the coupon redeemed
    - ``redemption_id``: id of the redemption (also in the refId)
    - ``series_id``, ``series_name``, ``series_type``, ``client_handling_type``,
      ``discount_code``, ``discount_value``, ``discount_type``, ``expiry`` (YYYY-MM-DD):
      the coupon's series, as for CouponIssue
    - ``bill_id``, ``bill_number``: the redemption transaction (0 / "" when none)
    - ``added_by``: id of the user/till that redeemed
    """
    return {
        "addedAt": ctx.now_ms,
        "addedBy": {"id": f.get("added_by") or ctx.store.entered_by_id},
        "coupon": {
            "id": f.get("coupon_id") or ctx.ids.next("coupon"),
            "code": f.get("code") or coupon_code(ctx),
            "redemptionId": f.get("redemption_id") or ctx.ids.next("redemption"),
            "redemptionDate": _seconds(ctx.now_ms),
            "series_info": series_info(ctx, f),
        },
        "customerIdentifiers": customer_identifiers(ctx),
        "transaction": _bill(ctx, f),
    }


def _redeem_ref(data: dict[str, Any]) -> str:
    coupon = data["coupon"]
    return f"{coupon['series_info']['id']}_{coupon['redemptionId']}"


EVENTS: list[EventDef] = [
    EventDef(
        "CouponIssue",
        DOMAIN,
        COUPON_ISSUE,
        build_coupon_issue,
        "Coupons of a series issued to a customer (one, or several in a bulk issue).",
        ref=_issue_ref,
        loyalty_event_id=False,
    ),
    EventDef(
        "CouponRedeem",
        DOMAIN,
        COUPON_REDEEM,
        build_coupon_redeem,
        "A customer's coupon redeemed (on a bill, or without one).",
        ref=_redeem_ref,
        loyalty_event_id=False,
    ),
]
