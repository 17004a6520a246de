"""Points events: issued, redeemed, and the reversals of both.

Expiry, reminders, transfers and promised→current conversion live in ``points_expiry``.

Builders read *facts* the loyalty model decides (points, balances after the event,
triggering activity); any fact not given is made up so that the body stays consistent:
every balance a body states equals the ``current`` fact when given, and
``programCurrentPoints <= programLifetimePoints``.  ``stated_balances(body)`` reads the
balances back from any rendered points body.
"""

from __future__ import annotations

import string
from typing import Any

from capmock.catalog.common import customer_base, program_details, triggering_activity
from capmock.catalog.context import DAY_MS, Ctx, Facts
from capmock.catalog.fields import BOOL, DATE, INT, NUM, STR, Node, arr, obj, opt, ref
from capmock.catalog.registry import EventDef, reads

DOMAIN = "points"

# Inline rather than a shared definition: its date gets an `…InMillis` companion, and the
# renderer (registry.add_millis) does not follow refs.
PROMOTION_AWARD = obj(
    promotionIdentifier=opt(STR),
    promotionType=opt(STR),
    promotionPoints=NUM,
    promotionPointsExpiryDate=opt(DATE, tz_millis=True),
)

DEFS: dict[str, Node] = {
    "pointsEarningProgramRedemption": obj(
        programId=INT, pointsRedeemed=NUM, programCurrentPoints=NUM
    ),
    "pointsReversedDetails": obj(available=NUM, expired=NUM),
}

Trigger = tuple[str, list[tuple[str, Any]]]


# ---- shared helpers ----------------------------------------------------------------------


def balances(ctx: Ctx, f: Facts, floor: float = 0.0) -> tuple[float, float]:
    """(current, lifetime) after the event: the facts, or made up with ``current >= floor``."""
    current = f.get("current")
    if current is None:
        current = float(round(floor + ctx.rng.randint(0, 5000)))
    lifetime = f.get("lifetime")
    if lifetime is None:
        lifetime = float(current + ctx.rng.randint(0, 20000))
    return float(current), float(max(lifetime, current))


def stated_balances(body: dict[str, Any]) -> tuple[float | None, float | None]:
    """(current, lifetime) a rendered points body states for its program (None: not stated).

    ``current`` is ``programCurrentPoints``, or the entry of the event's program (the only
    entry, failing that) in ``redemptionFromEarningPrograms`` /
    ``redemptionReversalToEarningPrograms``; ``lifetime`` is ``programLifetimePoints``.
    """
    current = body.get("programCurrentPoints")
    if current is None:
        entries = (
            body.get("redemptionFromEarningPrograms")
            or body.get("redemptionReversalToEarningPrograms")
            or []
        )
        mine = [e for e in entries if e.get("programId") == body.get("loyaltyProgramId")]
        pick = mine or (entries if len(entries) == 1 else [])
        current = pick[0].get("programCurrentPoints") if pick else None
    return current, body.get("programLifetimePoints")


def head(ctx: Ctx) -> dict[str, Any]:
    """customerIdentifiers, entityInformation, loyaltyProgramDetails, loyaltyProgramId."""
    return {
        **customer_base(ctx),
        "loyaltyProgramDetails": program_details(ctx),
        "loyaltyProgramId": ctx.prog.id,
    }


def activity(ctx: Ctx, f: Facts, default: Trigger) -> dict[str, Any]:
    """triggeringActivity from the ``trigger`` fact (name, [(key, value)…]) or ``default``."""
    name, identifiers = f.get("trigger") or default
    return triggering_activity(ctx, name, identifiers)


def bill_trigger(ctx: Ctx, f: Facts, name: str, days_ago: int = 0) -> Trigger:
    """(name, [billId, billNumber]) from the ``bill_id``/``bill_number`` facts, or made up
    (a bill entered ``days_ago`` days before the event)."""
    bill_id = f.get("bill_id") or ctx.ids.next("transaction")
    entered = ctx.now_ms - 700 - days_ago * DAY_MS
    bill_number = f.get("bill_number") or f"{ctx.org.org_id}_{entered}"
    return name, [("billId", bill_id), ("billNumber", bill_number)]


def promotions(ctx: Ctx, items: list[Any], *, expiry: bool = True) -> list[dict[str, Any]]:
    """Promotion awards from the ``promotional`` fact: numbers or (partial) wire dicts."""
    out = []
    for item in items:
        p = {"promotionPoints": item} if isinstance(item, int | float) else dict(item)
        p["promotionPoints"] = float(p.pop("points", None) or p["promotionPoints"])
        p.setdefault("promotionIdentifier", ctx.fake.uuid())
        p.setdefault("promotionType", "CUSTOMER_PROMOTION")
        if expiry:
            p.setdefault("promotionPointsExpiryDate", ctx.date(ctx.prog.expiry_days))
        out.append(p)
    return out


def split_total(f: Facts, others: float, default_regular: float) -> tuple[float, float]:
    """(regular, total) with total = regular + ``others`` (promotional + promised), from the
    ``regular``/``points`` facts; ``default_regular`` when neither is given."""
    regular, points = f.get("regular"), f.get("points")
    if regular is None:
        regular = max(points - others, 0) if points is not None else default_regular
    return float(regular), float(points if points is not None else regular + others)


def earning_programs(ctx: Ctx, f: Facts, points: float, current: float) -> list[dict[str, Any]]:
    """redemptionFromEarningPrograms: the ``programs`` fact, or the event's own program.

    With a ``current`` fact, the entry ``stated_balances`` reads (the event's program, or
    the only entry) states it.
    """
    given = f.get("programs")
    if not given:
        return [
            {"programId": ctx.prog.id, "pointsRedeemed": points, "programCurrentPoints": current}
        ]
    out = [dict(p) for p in given]
    mine = [p for p in out if p.get("programId") == ctx.prog.id]
    if f.get("current") is not None:
        for p in mine or (out if len(out) == 1 else []):
            p["programCurrentPoints"] = current
    return out


# The opening of the events that state balances after themselves.
BALANCE_HEAD = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=ref("entityInformation"),
    triggeringActivity=ref("triggeringActivity"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    programCurrentPoints=NUM,
    programLifetimePoints=NUM,
)


# ---- pointsIssued ------------------------------------------------------------------------

POINTS_ISSUED = BALANCE_HEAD.extend(
    totalPointsIssued=NUM,
    regularPointsIssued=NUM,
    regularPointsBreakup=arr(obj(points=NUM, expiryAt=opt(DATE, tz_millis=True))),
    promotionalPointsIssued=arr(PROMOTION_AWARD),
    # Item shape not documented; named by analogy with promisedAlternateCurrenciesIssued.
    promisedPointsIssued=arr(
        obj(
            promisedPoints=opt(NUM),
            isExternalTriggerBased=opt(BOOL),
            promisedPointsConversionDate=opt(DATE, tz_millis=True),
            promotionIdentifier=opt(STR),
        )
    ),
    behavioralEventAttributes=opt(
        obj(
            webhookId=opt(STR),
            event_flag=opt(NUM),
            identifier_value=opt(STR),
            requestId=opt(STR),
            event_name=opt(STR),
            startTime=opt(NUM),
        )
    ),
)


def _promised(ctx: Ctx, value: Any) -> list[dict[str, Any]]:
    if not value:
        return []
    if isinstance(value, list):
        return [dict(p) for p in value]
    return [
        {
            "promisedPoints": float(value),
            "isExternalTriggerBased": False,
            "promisedPointsConversionDate": ctx.date(ctx.rng.randint(7, 30)),
        }
    ]


def _behavioral(ctx: Ctx, given: dict[str, Any]) -> dict[str, Any]:
    return {
        "webhookId": given.get("webhookId", ctx.fake.uuid()),
        "event_flag": given.get("event_flag", 1),
        "identifier_value": given.get("identifier_value", ctx.customer.mobile),
        "requestId": given.get("requestId", ctx.fake.uuid()),
        "event_name": given.get("event_name", "AppDownload"),
        "startTime": given.get("startTime", ctx.now_ms - ctx.rng.randint(500, 5000)),
    }


def _issued_trigger(ctx: Ctx, f: Facts) -> Trigger:
    if isinstance(f.get("behavioral"), dict):
        return f["behavioral"].get("event_name", "AppDownload"), [
            ("CustomerId", ctx.customer.customer_id)
        ]
    bill_id = f.get("bill_id") or ctx.ids.next("transaction")
    number = f.get("bill_number") or f"{ctx.org.org_id}_{ctx.now_ms - 700}"
    line = ctx.ids.next("lineitem")
    return "TransactionAdd", [("BillId", bill_id), ("BillLineItemId", line), ("billNumber", number)]


def _default_promos(ctx: Ctx) -> list[Any]:
    return [ctx.rng.randint(1, 10) * 10] if ctx.rng.random() < 0.3 else []


@reads(
    "behavioral bill_id bill_number current expiry lifetime points promised promotional",
    "regular trigger",
)
def build_points_issued(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Points issued on a transaction or a behavioural event.

    Facts (all optional): ``points`` total points issued; ``regular`` regular points
    (default: points minus promotional, or random); ``promotional`` list of promotion
    awards (numbers or {promotionPoints, promotionIdentifier, promotionType,
    promotionPointsExpiryDate}); ``promised`` promised points (number or wire list);
    ``current``/``lifetime`` balances after the event; ``expiry`` regular points expiry
    date; ``trigger`` (name, [(key, value)…]); ``bill_id``/``bill_number`` of the
    transaction; ``behavioral`` dict → behavioralEventAttributes (and the trigger).
    """
    promos = promotions(ctx, f["promotional"] if "promotional" in f else _default_promos(ctx))
    promised = _promised(ctx, f.get("promised"))
    pending = sum(float(p.get("promisedPoints", 0)) for p in promised)
    others = sum(p["promotionPoints"] for p in promos) + pending
    regular, total = split_total(f, others, ctx.rng.randint(1, 40) * 5)
    current, lifetime = balances(ctx, f, total - pending)
    expiry = f.get("expiry", ctx.date(ctx.prog.expiry_days))
    body = {
        **head(ctx),
        "triggeringActivity": activity(ctx, f, _issued_trigger(ctx, f)),
        "programCurrentPoints": current,
        "programLifetimePoints": lifetime,
        "totalPointsIssued": total,
        "regularPointsIssued": regular,
        "regularPointsBreakup": [{"points": regular, "expiryAt": expiry}] if regular else [],
        "promotionalPointsIssued": promos,
        "promisedPointsIssued": promised,
    }
    if isinstance(f.get("behavioral"), dict):
        body["behavioralEventAttributes"] = _behavioral(ctx, f["behavioral"])
    return body


# ---- pointsRedeemed ----------------------------------------------------------------------

POINTS_REDEEMED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=opt(ref("entityInformation")),
    triggeringActivity=ref("triggeringActivity"),
    loyaltyProgramDetails=opt(ref("loyaltyProgramDetails")),
    loyaltyProgramId=INT,
    totalPointsRedeemed=NUM,
    redemptionSummaryId=opt(INT),
    redeemedPointsCurrencyValue=NUM,
    redemptionNotes=opt(STR),
    redemptionBillNumber=opt(STR),
    isGroupRedemption=opt(BOOL),
    redemptionFromEarningPrograms=arr(ref("pointsEarningProgramRedemption")),
)


def _bill_number(ctx: Ctx) -> str:
    return "".join(ctx.rng.choices(string.ascii_uppercase, k=2)) + ctx.fake.digits(7)


@reads(
    "bill_id current group lifetime notes points programs redemption_bill_number",
    "redemption_id summary_id trigger",
)
def build_points_redeemed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Points redeemed (own program, or a group program from participating programs).

    Facts (all optional): ``points`` total points redeemed (default: sum of ``programs``);
    ``current`` balance after the event; ``programs`` list of {programId, pointsRedeemed,
    programCurrentPoints} for a participating-program redemption; ``redemption_id``;
    ``summary_id`` redemptionSummaryId; ``bill_id`` (default -1: not on a bill);
    ``redemption_bill_number``; ``notes``; ``group`` isGroupRedemption.
    """
    programs = f.get("programs") or []
    points = f.get("points")
    if points is None:
        points = sum(p["pointsRedeemed"] for p in programs) or ctx.rng.randint(1, 30) * 50
    points = float(points)
    current, _ = balances(ctx, f)
    rid = f.get("redemption_id") or ctx.fake.alnum(6)
    bill_no = f.get("redemption_bill_number") or _bill_number(ctx)
    ratio = ctx.prog.points_to_currency_ratio
    return {
        **head(ctx),
        "triggeringActivity": activity(
            ctx, f, ("PointsRedemption", [("billId", f.get("bill_id", -1)), ("redemptionId", rid)])
        ),
        "totalPointsRedeemed": points,
        "redemptionSummaryId": f.get("summary_id") or ctx.ids.next("redemption"),
        "redeemedPointsCurrencyValue": round(points * ratio, 2),
        "redemptionNotes": f.get("notes", ""),
        "redemptionBillNumber": bill_no,
        "isGroupRedemption": bool(f.get("group", False)),
        "redemptionFromEarningPrograms": earning_programs(ctx, f, points, current),
    }


# ---- redeemedPointsReversed --------------------------------------------------------------

REDEEMED_POINTS_REVERSED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=ref("entityInformation"),
    triggeringActivity=ref("triggeringActivity"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    redeemedPointsReversed=NUM,
    redeemedPointsReversedDetails=ref("pointsReversedDetails"),
    redemptionSummaryId=INT,
    redemptionReversalToEarningPrograms=arr(
        obj(
            programId=INT,
            redeemedPointsReversed=NUM,
            redeemedPointsReversedDetails=ref("pointsReversedDetails"),
            programCurrentPoints=NUM,
        )
    ),
)


@reads("current expired lifetime points redemption_id summary_id trigger")
def build_redeemed_points_reversed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A redemption reversed: points go back to the customer (minus any since expired).

    Facts (all optional): ``points`` points of the redemption reversed; ``expired`` part
    of them whose expiry passed meanwhile (not returned, default 0); ``current`` balance
    after the event; ``redemption_id`` of the original redemption; ``summary_id`` its
    redemptionSummaryId.
    """
    points = float(f["points"] if f.get("points") is not None else ctx.rng.randint(1, 30) * 50)
    expired = float(f.get("expired", 0.0))
    details = {"available": points - expired, "expired": expired}
    current, _ = balances(ctx, f, points - expired)
    rid = f.get("redemption_id") or ctx.fake.alnum(6)
    trigger = activity(ctx, f, ("PointsRedemptionReversal", [("redemptionId", rid)]))
    trigger.pop("entityInformation", None)  # absent in Capillary's sample
    return {
        **head(ctx),
        "triggeringActivity": trigger,
        "redeemedPointsReversed": points,
        "redeemedPointsReversedDetails": details,
        "redemptionSummaryId": f.get("summary_id") or ctx.ids.next("redemption"),
        "redemptionReversalToEarningPrograms": [
            {
                "programId": ctx.prog.id,
                "redeemedPointsReversed": points,
                "redeemedPointsReversedDetails": dict(details),
                "programCurrentPoints": current,
            }
        ],
    }


# ---- issuedPointsReversed ----------------------------------------------------------------

ISSUED_POINTS_REVERSED = BALANCE_HEAD.extend(
    totalIssuedPointsReversed=NUM,
    regularPointsReversed=NUM,
    promisedPointsReversed=NUM,
    promotionalPointsReversed=arr(PROMOTION_AWARD),
    currentEventPromisedPointsReturned=NUM,
    currentEventRegularPointsReturned=NUM,
    currentEventTotalPointsReturned=NUM,
    currentEventPromotionPointsReturnedDetails=arr(PROMOTION_AWARD),
)


@reads("bill_id bill_number current lifetime points promised promotional regular trigger")
def build_issued_points_reversed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Points issued on a bill taken back (return bill).

    Facts (all optional): ``points`` total points reversed (default: regular + promotional
    + promised); ``regular``; ``promotional`` list of promotion awards reversed (numbers or
    {promotionPoints, promotionIdentifier, promotionType}); ``promised``; ``current`` /
    ``lifetime`` balances after the event; ``bill_id``/``bill_number`` of the returned bill;
    ``trigger`` (name, [(key, value)…]).
    """
    promos = promotions(ctx, f.get("promotional", []), expiry=False)
    promised = float(f.get("promised", 0.0))
    others = sum(p["promotionPoints"] for p in promos) + promised
    regular, total = split_total(f, others, ctx.rng.randint(1, 20) * 5)
    current, lifetime = balances(ctx, f)
    return {
        **head(ctx),
        "triggeringActivity": activity(
            ctx, f, bill_trigger(ctx, f, "ReturnBill", ctx.rng.randint(1, 30))
        ),
        "programCurrentPoints": current,
        "programLifetimePoints": lifetime,
        "totalIssuedPointsReversed": total,
        "regularPointsReversed": regular,
        "promisedPointsReversed": promised,
        "promotionalPointsReversed": promos,
        "currentEventPromisedPointsReturned": promised,
        "currentEventRegularPointsReturned": regular,
        "currentEventTotalPointsReturned": total,
        "currentEventPromotionPointsReturnedDetails": [dict(p) for p in promos],
    }


EVENTS: list[EventDef] = [
    EventDef(
        "pointsIssued",
        DOMAIN,
        POINTS_ISSUED,
        build_points_issued,
        "Points issued to a customer (on a transaction, a behavioural event, a promotion).",
    ),
    EventDef(
        "pointsRedeemed",
        DOMAIN,
        POINTS_REDEEMED,
        build_points_redeemed,
        "Points redeemed, from the program itself or from participating earning programs.",
    ),
    EventDef(
        "redeemedPointsReversed",
        DOMAIN,
        REDEEMED_POINTS_REVERSED,
        build_redeemed_points_reversed,
        "A points redemption reversed; the points go back to the earning programs.",
    ),
    EventDef(
        "issuedPointsReversed",
        DOMAIN,
        ISSUED_POINTS_REVERSED,
        build_issued_points_reversed,
        "Points issued earlier taken back (e.g. a returned bill).",
    ),
]
