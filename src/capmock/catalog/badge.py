"""Badge events: badgeEarned (a badge was issued to / earned by a customer).

Badge ids and earn ids are 24-hex (MongoDB ObjectId) strings; ``earnedOn`` is epoch ms.
``earnConstraints`` reports, per earn limit of the badge, the limit and the count so far
(including this earn).  The documented payload has no badge name or expiry.  Its
``triggeringActivity`` has no ``name`` (hence ``badgeTriggeringActivity``).
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import DEFS as COMMON_DEFS
from capmock.catalog.common import customer_identifiers
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, MILLIS, STR, Node, Obj, arr, obj, opt, ref
from capmock.catalog.registry import EventDef, reads

DOMAIN = "badge"

_base_trigger = COMMON_DEFS["triggeringActivity"]
assert isinstance(_base_trigger, Obj)

DEFS: dict[str, Node] = {
    "badgeTriggeringActivity": _base_trigger.extend(name=opt(STR), enteredBy=opt(ref("enteredBy"))),
}

BADGE_EARNED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    badgeId=STR,
    earnId=STR,
    earnedOn=MILLIS,
    earnConstraints=opt(
        arr(
            obj(
                constraintLevel=STR,
                constraintType=STR,
                rollType=opt(STR),
                rollValue=opt(INT),
                maxEarnLimit=opt(INT),
                currentEarnCount=opt(INT),
            )
        )
    ),
    triggeringActivity=ref("badgeTriggeringActivity"),
)


def object_id(ctx: Ctx, seconds: int) -> str:
    """A MongoDB ObjectId: 4-byte timestamp + 8 random bytes, 24 hex digits."""
    return f"{seconds:08x}{ctx.fake.hex(16)}"


def earn_constraints(ctx: Ctx, count: int | None) -> list[dict[str, Any]]:
    """Badge-wide and per-customer limits; counts include this earn and grow with the window.

    ``count``: the customer's earns of this badge in the month (default made up).
    """
    rng = ctx.rng
    month = count or rng.randint(1, 6)
    week = rng.randint(1, month)
    days = rng.randint(1, week)
    overall = rng.randint(month, month + 2000)
    rows = [
        ("BADGE", "OVERALL", None, None, (overall // 1000 + 1) * 1000, overall),
        ("BADGE", "ROLLING_WINDOW", "DAYS", 7, 300, rng.randint(week, min(300, overall))),
        ("CUSTOMER", "ROLLING_WINDOW", "DAYS", 5, 50, days),
        ("CUSTOMER", "ROLLING_WINDOW", "WEEKS", 1, 100, week),
        ("CUSTOMER", "ROLLING_WINDOW", "MONTHS", 1, 200, month),
    ]
    out = []
    for level, kind, roll_type, roll_value, limit, current in rows:
        if rng.random() < 0.25:
            continue
        row: dict[str, Any] = {"constraintLevel": level, "constraintType": kind}
        if roll_type:
            row |= {"rollType": roll_type, "rollValue": roll_value}
        out.append(row | {"maxEarnLimit": limit, "currentEarnCount": current})
    if not any(r["constraintLevel"] == "CUSTOMER" for r in out):
        out.append({"constraintLevel": "CUSTOMER", "constraintType": "NONE"})
    return out


@reads("badge_id constraints earn_count earn_id earned_on issued_id")
def build_badge_earned(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A badge was issued to (earned by) the customer.

    Facts: badge_id (24-hex badge id); earn_id, or issued_id (24-hex id of this earn, also
    in the refId); earned_on (epoch ms, default now); earn_count (the customer's earns of
    this badge in the month, including this one); constraints (the earnConstraints list
    as is). badge name and expiry are not in the payload.
    """
    earned_on = int(f.get("earned_on") or ctx.now_ms - ctx.rng.randint(50, 400))
    s = ctx.store
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "badgeId": f.get("badge_id") or object_id(ctx, earned_on // 1000 - 86_400 * 30),
        "earnId": f.get("earn_id") or f.get("issued_id") or object_id(ctx, earned_on // 1000),
        "earnedOn": earned_on,
        "earnConstraints": f.get("constraints") or earn_constraints(ctx, f.get("earn_count")),
        "triggeringActivity": {
            "identifiers": [],
            "enteredBy": {
                "id": s.entered_by_id,
                "till": {"code": s.till_code, "name": s.till_code},
            },
            "additionalAttributes": [],
        },
    }


EVENTS: list[EventDef] = [
    EventDef(
        "badgeEarned",
        DOMAIN,
        BADGE_EARNED,
        build_badge_earned,
        "A badge was issued to (earned by) a customer.",
        ref=lambda data: data["earnId"],
        loyalty_event_id=False,
    ),
]
