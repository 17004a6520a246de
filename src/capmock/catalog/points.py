"""Points events: issued, redeemed, expired, reminders, transfers, reversals, conversions.

Builders read *facts* the loyalty model decides (points, balances after the event,
triggering activity); any fact not given is made up so that the body stays consistent
(e.g. ``programCurrentPoints <= programLifetimePoints``).
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import customer_base, program_details, triggering_activity
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import DATE, INT, NUM, STR, arr, obj, opt, ref
from capmock.catalog.registry import EventDef

DOMAIN = "points"


def balances(ctx: Ctx, f: Facts, delta: float) -> tuple[float, float]:
    """(current, lifetime) after the event: from facts, or made up consistently."""
    current = f.get("current")
    if current is None:
        current = float(round(delta + ctx.rng.randint(0, 5000)))
    lifetime = f.get("lifetime")
    if lifetime is None:
        lifetime = float(current + ctx.rng.randint(0, 20000))
    return float(current), float(max(lifetime, current))


# ---- pointsIssued ----------------------------------------------------------------------

POINTS_ISSUED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=opt(ref("entityInformation")),
    triggeringActivity=ref("triggeringActivity"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    programCurrentPoints=NUM,
    programLifetimePoints=NUM,
    totalPointsIssued=NUM,
    regularPointsIssued=NUM,
    regularPointsBreakup=opt(arr(obj(points=NUM, expiryAt=opt(DATE)))),
    promotionalPointsIssued=opt(
        arr(
            obj(
                promotionIdentifier=opt(STR),
                promotionType=opt(STR),
                promotionPoints=NUM,
                promotionPointsExpiryDate=opt(DATE),
            )
        )
    ),
    promisedPointsIssued=opt(arr()),
    behavioralEventAttributes=opt(obj()),
)


def build_points_issued(ctx: Ctx, f: Facts) -> dict[str, Any]:
    regular = float(f.get("regular", ctx.rng.randint(1, 40) * 5))
    promos: list[dict[str, Any]] = f.get("promotional", [])
    total = regular + sum(p["promotionPoints"] for p in promos)
    current, lifetime = balances(ctx, f, total)
    expiry = f.get("expiry", ctx.date(ctx.prog.expiry_days))
    trigger = f.get("trigger") or (
        "TransactionAdd",
        [("BillId", ctx.ids.next("transaction")), ("billNumber", f"{ctx.org.org_id}_{ctx.now_ms}")],
    )
    return {
        **customer_base(ctx),
        "triggeringActivity": triggering_activity(ctx, trigger[0], trigger[1]),
        "loyaltyProgramDetails": program_details(ctx),
        "loyaltyProgramId": ctx.prog.id,
        "programCurrentPoints": current,
        "programLifetimePoints": lifetime,
        "totalPointsIssued": total,
        "regularPointsIssued": regular,
        "regularPointsBreakup": [{"points": regular, "expiryAt": expiry}] if regular else [],
        "promotionalPointsIssued": promos,
        "promisedPointsIssued": [],
    }


EVENTS: list[EventDef] = [
    EventDef(
        "pointsIssued",
        DOMAIN,
        POINTS_ISSUED,
        build_points_issued,
        "Points issued to a customer (on a transaction, a behavioural event, a promotion).",
    ),
]
