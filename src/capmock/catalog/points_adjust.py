"""Manual points adjustment and points expiry change (seed 005).

``manualPointsAdjustment``: an operator credited or debited points by hand, with a
reason. Capillary's sample names the amount ``totalPoinstDeducted`` (sic) and sends
amounts as strings; capmock states the points *deducted*: positive for a debit,
negative for a credit (``"-150"``), the same in ``totalPoinstDeducted`` and in the
program's ``programPointsSplit`` entry — a consumer gets the balance change as minus
that number.

``pointsExpiryChange``: the expiry of some of the customer's points moved; one
``updatedPointsExpiryBreakup`` entry per points award (lot) moved, with its previous
and new expiry dates (``YYYY-MM-DD``), why (``expiryUpdateReasonType`` and a note) and
how the new date was set (``newExpirySetType``: ABSOLUTE_DATE or EXTENSION).

Seed 005 shows both only in the flat envelope.
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import customer_base, customer_identifiers, program_details
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import DATE, INT, NUM, STR, arr, obj, opt, ref
from capmock.catalog.points import activity
from capmock.catalog.registry import EventDef, reads
from capmock.catalog.target import NUMSTR, num_str

DOMAIN_POINTS = "points"
DOMAIN_EXPIRY = "points_expiry"

REASONS = ("Goodwill for delayed delivery", "Store visit compensation", "Duplicate bill")
DEBIT_REASONS = ("Points issued in error", "Fraudulent bill reversed", "Duplicate bill")

ADJUSTMENT = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    triggeringActivity=ref("triggeringActivity"),
    totalPoinstDeducted=NUMSTR,
    programPointsSplit=arr(obj(pointsAwardedId=INT, programId=INT, points=NUMSTR, pointsType=STR)),
    reason=STR,
)

EXPIRY_CHANGE = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=opt(ref("entityInformation")),
    triggeringActivity=ref("triggeringActivity"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    updatedPointsExpiryBreakup=arr(
        obj(
            pointAwardedRefID=INT,
            pointsAwardedRefType=STR,
            promotionID=INT,
            points=NUM,
            pointsPreviousExpiryDate=DATE,
            expiryUpdateReasonType=STR,
            expiryUpdateReasonNote=opt(STR),
            newExpiryDate=DATE,
            newExpirySetType=STR,
        )
    ),
)


@reads("points reason awarded_id trigger")
def build_adjustment(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Points credited or debited by hand.

    Facts (all optional): ``points`` (signed: + credit, - debit; default a credit or a
    debit of 10-500), ``reason``, ``awarded_id`` (the adjustment's points record),
    ``operator`` (till code of the user who did it).
    """
    points = f.get("points")
    if points is None:
        points = float(ctx.rng.randint(2, 100) * 5) * ctx.rng.choice((1, 1, -1))
    points = float(points)
    reason = f.get("reason") or ctx.rng.choice(REASONS if points >= 0 else DEBIT_REASONS)
    deducted = num_str(-points if points else 0.0, None)
    awarded = f.get("awarded_id") or ctx.ids.next("points_award")
    trigger = ("PointsAdjustment", [("pointsAwardedId", awarded)])
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "triggeringActivity": activity(ctx, f, trigger),
        "totalPoinstDeducted": deducted,
        "programPointsSplit": [
            {
                "pointsAwardedId": awarded,
                "programId": ctx.prog.id,
                "points": deducted,
                "pointsType": "REGULAR",
            }
        ],
        "reason": reason,
    }


def _entry(ctx: Ctx, item: dict[str, Any], f: Facts) -> dict[str, Any]:
    old = item.get("old") or ctx.date(ctx.rng.randint(5, 60))
    new = item.get("new") or f.get("new_expiry") or ctx.date(ctx.rng.randint(90, 365))
    promotion = item.get("promotion_id")
    return {
        "pointAwardedRefID": item.get("awarded_id") or ctx.ids.next("points_award"),
        "pointsAwardedRefType": item.get("ref_type") or ("PROMOTION" if promotion else "BILL"),
        "promotionID": promotion or -1,
        "points": float(item.get("points") or ctx.rng.randint(1, 100) * 5),
        "pointsPreviousExpiryDate": old,
        "expiryUpdateReasonType": f.get("reason_type") or "MANUAL",
        "expiryUpdateReasonNote": f.get("reason") or "Expiry extended on request",
        "newExpiryDate": new,
        "newExpirySetType": f.get("set_type") or "ABSOLUTE_DATE",
    }


@reads("lots new_expiry reason_type reason set_type trigger")
def build_expiry_change(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The expiry of some of the customer's points changed.

    Facts (all optional): ``lots`` list of {points, old, new, awarded_id, ref_type,
    promotion_id} (one per points award moved; default one), ``new_expiry`` (new date
    of entries without one), ``reason_type`` (default MANUAL), ``reason`` (the note),
    ``set_type`` (ABSOLUTE_DATE | EXTENSION).
    """
    lots = f.get("lots") or [{}]
    return {
        **customer_base(ctx),
        "triggeringActivity": activity(ctx, f, ("PointsExpiryUpdate", [])),
        "loyaltyProgramDetails": program_details(ctx),
        "updatedPointsExpiryBreakup": [_entry(ctx, item, f) for item in lots],
    }


def _adjust_ref(data: dict[str, Any]) -> Any:
    return data["programPointsSplit"][0]["pointsAwardedId"]


EVENTS: list[EventDef] = [
    EventDef(
        "manualPointsAdjustment",
        DOMAIN_POINTS,
        ADJUSTMENT,
        build_adjustment,
        "Points credited or debited by hand, with a reason.",
        ref=_adjust_ref,
    ),
    EventDef(
        "pointsExpiryChange",
        DOMAIN_EXPIRY,
        EXPIRY_CHANGE,
        build_expiry_change,
        "The expiry date of some of a customer's points moved.",
    ),
]
