"""updateRewardTransaction (seed 005): an issued reward's transaction changed — its
fulfilment status (PROCESSING, SHIPPED, DELIVERED…) or its custom fields.

The field table types ``transactionCustomFields`` as String while both samples carry an
object of string values; the schema accepts both, capmock sends the object. Seed 005
shows the event flat, and flat again inside an API response (``{"data": …, "errors":
null, "warnings": null}``, labelled "Enriched payload"): there is no documented
wrapped form, so the wrapped schema is built by the rule of the other events.
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, STR, Scalar, arr, obj
from capmock.catalog.registry import EventDef, reads

DOMAIN = "reward"

STATUSES = ("PENDING", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED", "RETURNED")
COURIERS = ("BlueDart", "Delhivery", "DTDC", "Ecom Express", "Shadowfax")

UPDATE = obj(
    transactionUpdates=arr(
        obj(
            transactionId=INT,
            rewardId=INT,
            customerId=INT,
            transactionCustomFields=Scalar(("object", "string")),
            fulfillmentStatus=STR,
        )
    ),
)


def custom_fields(ctx: Ctx, status: str, code: str | None) -> dict[str, str]:
    """What a fulfilment partner records on the way: courier and tracking once shipped."""
    out: dict[str, str] = {"fulfilmentPartner": ctx.rng.choice(COURIERS)}
    if code:
        out["voucherCode"] = code
    if status in ("SHIPPED", "DELIVERED", "RETURNED"):
        out["trackingId"] = ctx.fake.alnum(12).upper()
    if status == "DELIVERED":
        out["deliveredOn"] = ctx.date()
    return out


@reads("transaction_id reward_id status code custom_fields")
def build_update(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A reward transaction changed.

    Facts (all optional): ``transaction_id`` (the reward's issue transaction),
    ``reward_id``, ``status`` (fulfillmentStatus), ``code`` (the issued code),
    ``custom_fields`` (a dict; default: the fulfilment partner's fields for the status).
    """
    status = f.get("status") or ctx.rng.choice(STATUSES[1:4])
    fields = f.get("custom_fields") or custom_fields(ctx, status, f.get("code"))
    return {
        "transactionUpdates": [
            {
                "transactionId": f.get("transaction_id") or ctx.ids.next("reward_transaction"),
                "rewardId": f.get("reward_id") or ctx.ids.next("reward"),
                "customerId": ctx.customer.customer_id,
                "transactionCustomFields": dict(fields),
                "fulfillmentStatus": status,
            }
        ]
    }


def _ref(data: dict[str, Any]) -> Any:
    return data["transactionUpdates"][0]["transactionId"]


EVENTS: list[EventDef] = [
    EventDef(
        "updateRewardTransaction",
        DOMAIN,
        UPDATE,
        build_update,
        "An issued reward's transaction changed (fulfilment status, custom fields).",
        ref=_ref,
    ),
]
