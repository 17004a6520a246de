"""Points events over time and between customers: expiry, expiry reminders and updates,
promised→current conversion, transfers.

Same conventions as ``points`` (whose helpers and shared definitions these reuse): balances
are after the event, equal the ``current`` fact when given, and ``current <= lifetime``.
"""

from __future__ import annotations

import uuid
import zlib
from typing import Any

from capmock.catalog.common import customer_base, customer_identifiers, uuid5
from capmock.catalog.context import DAY_MS, Ctx, Facts
from capmock.catalog.fields import DATE, INT, NUM, STR, arr, obj, ref, req
from capmock.catalog.points import DOMAIN, balances, earning_programs, head
from capmock.catalog.registry import REQUEST_ID, EventDef, reads
from capmock.model.entities import Customer


def whole(x: float) -> int | float:
    """Integral amounts as ints: the expiry services send ``300``, not ``300.0``."""
    return int(x) if float(x).is_integer() else float(x)


# ---- pointsExpired -----------------------------------------------------------------------

POINTS_EXPIRED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    triggeringActivity=obj(),  # sent empty: the expiry job has no triggering activity
    loyaltyProgramId=INT,
    pointsExpired=NUM,
)


@reads("points")
def build_points_expired(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Points expired (the expiry job).

    Facts (all optional): ``points`` points that expired.
    """
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "triggeringActivity": {},
        "loyaltyProgramId": ctx.prog.id,
        "pointsExpired": whole(
            f["points"] if f.get("points") is not None else ctx.rng.randint(1, 40) * 25
        ),
    }


def _expired_ref(data: dict[str, Any]) -> int:
    """A stable numeric job reference (the sample's refId carries an internal number)."""
    key = f"{data['customerIdentifiers']['customerId']}:{data['pointsExpired']}"
    return 600_000_000 + zlib.crc32(key.encode()) % 100_000_000


# ---- pointsExpiryReminder ----------------------------------------------------------------

POINTS_EXPIRY_REMINDER = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=ref("entityInformation"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    pointsScheduledForExpiry=NUM,
    scheduledExpiryDate=req(DATE, tz_millis=True),
)


@reads("expiry points")
def build_points_expiry_reminder(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Reminder that points will expire on a date.

    Facts (all optional): ``points`` points scheduled to expire; ``expiry`` the date
    (YYYY-MM-DD, default 7-30 days ahead).
    """
    body = head(ctx)
    details = body["loyaltyProgramDetails"]
    details["pointsToCurrencyRatio"] = whole(details["pointsToCurrencyRatio"])
    body["pointsScheduledForExpiry"] = whole(
        f["points"] if f.get("points") is not None else ctx.rng.randint(1, 40) * 25
    )
    body["scheduledExpiryDate"] = f.get("expiry") or ctx.date(ctx.rng.randint(7, 30))
    return body


def _reminder_ref(data: dict[str, Any]) -> str:
    """The sample's refId carries a UUID (the reminder job's); stable per customer and date."""
    key = f"{data['customerIdentifiers']['customerId']}:{data['scheduledExpiryDate']}"
    return uuid5(uuid.NAMESPACE_URL, key)


# ---- singlePointsExpiryUpdated -----------------------------------------------------------

SINGLE_POINTS_EXPIRY_UPDATED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=ref("entityInformation"),
    updatedPointsExpiry=arr(
        obj(
            programId=INT,
            points=NUM,
            pointsType=STR,  # billRegular, billPromotions, …
            oldExpiryDate=req(DATE, tz_millis=True),
            newExpiryDate=req(DATE, tz_millis=True),
        )
    ),
)


def _expiry_update(ctx: Ctx, item: dict[str, Any], new: str) -> dict[str, Any]:
    return {
        "programId": item.get("programId", ctx.prog.id),
        "points": float(item.get("points") or ctx.rng.randint(1, 20) * 5),
        "pointsType": item.get("pointsType", ctx.rng.choice(("billRegular", "billPromotions"))),
        "oldExpiryDate": item.get("oldExpiryDate") or ctx.date(ctx.rng.randint(10, 90)),
        "newExpiryDate": item.get("newExpiryDate") or new,
    }


@reads("new_expiry updates")
def build_single_points_expiry_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Expiry dates of individual points allocations changed (e.g. extended).

    Facts (all optional): ``updates`` list of {programId, points, pointsType, oldExpiryDate,
    newExpiryDate} (any key may be left out); ``new_expiry`` the new date for entries that
    do not give one (default 90-180 days ahead).
    """
    new = f.get("new_expiry") or ctx.date(ctx.rng.randint(90, 180))
    items = f.get("updates") or [{} for _ in range(ctx.rng.randint(1, 3))]
    return {
        **customer_base(ctx),
        "updatedPointsExpiry": [_expiry_update(ctx, dict(i), new) for i in items],
    }


# ---- promisedToCurrentPointsConversion ---------------------------------------------------

PROMISED_TO_CURRENT = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=ref("entityInformation"),
    earningActivityReference=arr(
        obj(
            name=STR,
            enteredAt=NUM,  # epoch ms, sent as a double (1.657437873E12)
            pointsConverted=NUM,
            identifiers=arr(ref("keyValue")),
        )
    ),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    pointsConverted=NUM,
    programCurrentPoints=NUM,
    programLifetimePoints=NUM,
    pointsConversionSource=STR,
    pointsConvertedBreakup=arr(),
)


@reads("bill_number current earned_at event_log_id lifetime points source")
def build_promised_to_current(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Promised (pending) points became current points.

    Facts (all optional): ``points`` points converted; ``current``/``lifetime`` balances
    after the event; ``source`` pointsConversionSource (default systemTrigger);
    ``bill_number`` of the earning transaction; ``earned_at`` its epoch ms;
    ``event_log_id`` its event log id.
    """
    points = float(f["points"] if f.get("points") is not None else ctx.rng.randint(1, 40) * 5)
    current, lifetime = balances(ctx, f, points)
    earned_at = f.get("earned_at") or ctx.now_ms - ctx.rng.randint(7, 60) * DAY_MS
    bill_number = f.get("bill_number") or f"PO{ctx.fake.digits(14)}"
    log_id = f.get("event_log_id") or ctx.ids.next("eventlog")
    return {
        **head(ctx),
        "earningActivityReference": [
            {
                "name": "TransactionAdd",
                "enteredAt": float(earned_at),
                "pointsConverted": points,
                "identifiers": [
                    {"key": "billNumber", "value": str(bill_number)},
                    {"key": "EventLogId", "value": str(log_id)},
                ],
            }
        ],
        "pointsConverted": points,
        "programCurrentPoints": current,
        "programLifetimePoints": lifetime,
        "pointsConversionSource": f.get("source", "systemTrigger"),
        "pointsConvertedBreakup": [],
    }


# ---- pointsTransferredInitiated / pointsTransferredReceived ------------------------------

TRANSFER_INITIATED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=ref("entityInformation"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    totalPointsTransferred=NUM,
    transferReceivingCustomerIdentifiers=ref("customerIdentifiers"),
    transferReceivingEntityInformation=ref("entityInformation"),
    redemptionFromEarningPrograms=arr(ref("pointsEarningProgramRedemption")),
)

TRANSFER_RECEIVED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=ref("entityInformation"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    totalPointsTransferred=NUM,
    transferInitiatingCustomerIdentifiers=ref("customerIdentifiers"),
    transferInitiatingEntityInformation=ref("entityInformation"),
)


def counterpart(ctx: Ctx, f: Facts) -> tuple[dict[str, Any], dict[str, Any]]:
    """(customerIdentifiers, entityInformation) of the other side of a transfer.

    From the ``counterpart`` fact (a Customer, or a dict with customer_id and optionally
    first_name, last_name, mobile, email), else a made-up customer.
    """
    c = f.get("counterpart") or {}
    if isinstance(c, Customer):
        c = {"customer_id": c.customer_id, "mobile": c.mobile, "email": c.email}
    cid = c.get("customer_id") or ctx.ids.next("customer")
    ids: dict[str, Any] = {"customerId": cid}
    if ctx.options.enrich:
        first = c.get("first_name") or ctx.fake.first_name()
        last = c.get("last_name") or ctx.fake.last_name()
        ids["instore"] = {
            "mobile": c.get("mobile") or ctx.fake.mobile(),
            "email": c.get("email") or ctx.fake.email(first, last),
        }
    return ids, {"entityType": "USER", "entityId": cid}


def _transferred(ctx: Ctx, f: Facts) -> float:
    return float(f["points"] if f.get("points") is not None else ctx.rng.randint(1, 20) * 10)


@reads("counterpart current lifetime points programs")
def build_transfer_initiated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The customer sent points to another customer (the sender's side).

    Facts (all optional): ``points`` points transferred; ``current`` the sender's balance
    after the transfer; ``counterpart`` the receiving customer (see ``counterpart``);
    ``programs`` per-program {programId, pointsRedeemed, programCurrentPoints}.
    """
    points = _transferred(ctx, f)
    current, _ = balances(ctx, f)
    ids, entity = counterpart(ctx, f)
    return {
        **head(ctx),
        "totalPointsTransferred": points,
        "transferReceivingCustomerIdentifiers": ids,
        "transferReceivingEntityInformation": entity,
        "redemptionFromEarningPrograms": earning_programs(ctx, f, points, current),
    }


@reads("counterpart points")
def build_transfer_received(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The customer received points from another customer (the receiver's side).

    Facts (all optional): ``points`` points transferred; ``counterpart`` the sending
    customer (see ``counterpart``).
    """
    ids, entity = counterpart(ctx, f)
    return {
        **head(ctx),
        "totalPointsTransferred": _transferred(ctx, f),
        "transferInitiatingCustomerIdentifiers": ids,
        "transferInitiatingEntityInformation": entity,
    }


EVENTS: list[EventDef] = [
    EventDef(
        "promisedToCurrentPointsConversion",
        DOMAIN,
        PROMISED_TO_CURRENT,
        build_promised_to_current,
        "Promised (pending) points converted to current points.",
    ),
    EventDef(
        "pointsExpired",
        DOMAIN,
        POINTS_EXPIRED,
        build_points_expired,
        "Points expired.",
        ref=_expired_ref,
        loyalty_event_id=False,
    ),
    EventDef(
        "pointsExpiryReminder",
        DOMAIN,
        POINTS_EXPIRY_REMINDER,
        build_points_expiry_reminder,
        "Reminder that points are scheduled to expire on a date.",
        ref=_reminder_ref,
        loyalty_event_id=False,
    ),
    EventDef(
        "pointsTransferredInitiated",
        DOMAIN,
        TRANSFER_INITIATED,
        build_transfer_initiated,
        "Points transferred to another customer (sender's side).",
    ),
    EventDef(
        "pointsTransferredReceived",
        DOMAIN,
        TRANSFER_RECEIVED,
        build_transfer_received,
        "Points received from another customer (receiver's side).",
    ),
    EventDef(
        "singlePointsExpiryUpdated",
        DOMAIN,
        SINGLE_POINTS_EXPIRY_UPDATED,
        build_single_points_expiry_updated,
        "Expiry dates of individual points allocations changed.",
        ref=REQUEST_ID,  # refId is <orgId>_<apiRequestId>
        loyalty_event_id=False,
    ),
]
