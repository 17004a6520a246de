"""What the loyalty promotion events share: the made-up promotions, the dates (YYYY-MM-DD
days and their epoch-millisecond companions), and the body parts and restrictions that
promotionIssued, promotionEarned and the revokes build from (see ``promotion.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from capmock.catalog.common import customer_identifiers, triggering_activity
from capmock.catalog.context import DAY_MS, Ctx, Facts, utc_date
from capmock.catalog.fields import Obj

# (name, description, linked event name, promotion type)
CATALOG: tuple[tuple[str, str, str, str], ...] = (
    ("Double Points Weekend", "Earn 2X points on all bills this weekend", "TransactionAdd", "BILL"),
    ("Festive Bonus 500", "500 bonus points on bills above 5000", "TransactionAdd", "BILL"),
    ("Welcome Offer", "Bonus points on the first purchase", "TransactionAdd", "BILL"),
    ("Denim Fest 3X", "3X points on denim line items", "TransactionAdd", "LINEITEM"),
    ("3 Bills Challenge", "100 points for 3 transactions", "TargetCompleted", "CUSTOMER"),
    ("Monthly Spend Goal", "250 points on the spend target", "TargetCompleted", "CUSTOMER"),
    ("App Browse Reward", "Points for 10 minutes in app", "BrowsingDuration", "CUSTOMER"),
    ("Birthday Month Bonus", "", "TransactionAdd", "BILL"),
)


# ---- dates ----------------------------------------------------------------------------


def as_date(value: Any) -> str:
    """A ``YYYY-MM-DD`` date from a date string or epoch milliseconds."""
    if isinstance(value, int | float):
        return utc_date(value)
    return str(value)[:10]


@lru_cache(maxsize=4096)
def day_ms(day: str, *, end: bool = False, tz: str = "UTC") -> int:
    """Epoch ms of the start (or the last second/millisecond) of ``day`` in ``tz``.

    End of day is 23:59:59.000 in UTC (timezone-standardised companions) and
    23:59:59.999 in the org's zone (promotion metadata), as the samples show.
    """
    zone = UTC if tz == "UTC" else ZoneInfo(tz)
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=zone)
    if not end:
        return int(start.timestamp() * 1000)
    step = timedelta(seconds=1) if tz == "UTC" else timedelta(milliseconds=1)
    return int((start + timedelta(days=1) - step).timestamp() * 1000)


def with_millis(ctx: Ctx, decl: Obj, body: dict[str, Any]) -> dict[str, Any]:
    """With timezone standardisation: companions right after their fields (end dates at
    23:59:59 UTC, which the generic companion rule, midnight, would get wrong)."""
    if not ctx.options.tz_millis:
        return body
    out: dict[str, Any] = {}
    for name, value in body.items():
        out[name] = value
        field = decl.fields.get(name)
        if field is not None and field.tz_millis and isinstance(value, str):
            end = "End" in name or "Expiry" in name
            out[f"{name}InMillis"] = day_ms(value, end=end)
    return out


# ---- shared builders ------------------------------------------------------------------


def promotion_facts(ctx: Ctx, f: Facts, start_days: tuple[int, int]) -> dict[str, Any]:
    """The promotion itself, from facts or made up: id, name, window, program, kinds."""
    name, desc, linked, ptype = ctx.rng.choice(CATALOG)
    start = as_date(f["start"]) if "start" in f else ctx.date(ctx.rng.randint(*start_days))
    end = as_date(f["end"]) if "end" in f else None
    if end is None:
        base = max(day_ms(start), ctx.now_ms)
        end = as_date(base + ctx.rng.randint(30, 400) * DAY_MS)
    linked = f.get("linked_event", linked)
    return {
        "id": f.get("promotion_id") or ctx.ids.next("promotion"),
        "name": f.get("name", name),
        "description": f.get("description", desc if ctx.rng.random() < 0.7 else ""),
        "start": start,
        "end": end,
        "program_id": f.get("program_id", ctx.prog.id),
        "offer_type": f.get("offer_type") or ctx.rng.choice(("LOYALTY", "LOYALTY_EARNING")),
        "type": f.get("promotion_type", ptype),
        "linked_event": linked,
        "custom_fields": [
            {"key": str(k), "value": str(v)} for k, v in (f.get("custom_fields") or {}).items()
        ],
    }


def identifiers(ctx: Ctx) -> dict[str, Any]:
    """customerIdentifiers as promotion events send them (instore ``cardNumbers`` list)."""
    out = customer_identifiers(ctx)
    if "instore" in out:
        out["instore"]["cardNumbers"] = []
    return out


def issue_restrictions(ctx: Ctx, f: Facts) -> list[dict[str, Any]]:
    limit = f["max_issuals"] if "max_issuals" in f else ctx.rng.choice((1, 1, 3, 5, 10, 100))
    return [{"limitOn": "CUSTOMER", "kpi": "MAX_NUMBER_OF_ISSUALS_PER_CUSTOMER", "maxLimit": limit}]


def earn_restrictions(ctx: Ctx, f: Facts) -> list[dict[str, Any]]:
    limit = f["max_earns"] if "max_earns" in f else ctx.rng.choice((1, 1, 3, 5, 10))
    points = f.get("max_points_per_earn", -1)
    return [
        {"limitOn": "CUSTOMER", "kpi": "MAX_NUMBER_OF_EARNS_PER_CUSTOMER", "maxLimit": limit},
        {"limitOn": "CUSTOMER", "kpi": "MAX_POINTS_PER_EARN_PER_CUSTOMER", "maxLimit": points},
    ]


def redemption_restrictions(ctx: Ctx, f: Facts) -> list[dict[str, Any]]:
    limit = f["max_redemptions"] if "max_redemptions" in f else ctx.rng.choice((1, 3, 10, 100))
    return [
        {
            "limitOn": "",
            "kpi": "MAX_REDEMPTIONS_PER_EARN_PER_CUSTOMER",
            "restrictionType": "NON_PERIOD_BASED",
            "maxLimit": limit,
        }
    ]


def target_rules(ctx: Ctx, f: Facts) -> dict[str, list[int]]:
    if "target_rules" in f:
        return {str(k): [int(r) for r in v] for k, v in f["target_rules"].items()}
    return {
        str(ctx.ids.next("target")): [ctx.ids.next("target") for _ in range(ctx.rng.randint(1, 3))]
    }


def customer_head(ctx: Ctx, p: dict[str, Any]) -> dict[str, Any]:
    return {
        "customerIdentifiers": identifiers(ctx),
        "loyaltyProgramId": p["program_id"],
        "promotionId": p["id"],
        "promotionName": p["name"],
        "promotionStartDate": p["start"],
        "promotionEndDate": p["end"],
    }


def customer_tail(ctx: Ctx, f: Facts, body: dict[str, Any]) -> dict[str, Any]:
    """Optional fields only sent when the model supplies them."""
    if "target_rules" in f:
        body["linkedTargetGroupVsTargetRuleIdMap"] = target_rules(ctx, f)
    if f.get("trigger"):
        name, ids = f["trigger"]
        body["triggeringActivity"] = triggering_activity(ctx, name, ids)
    return body


def past_date(ctx: Ctx, p: dict[str, Any], f: Facts, key: str) -> str:
    """A fact date, or a recent day within the promotion window (not after today)."""
    if key in f:
        return as_date(f[key])
    return max(p["start"], min(ctx.date(-ctx.rng.randint(0, 20)), p["end"]))
