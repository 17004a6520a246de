"""Transaction events: bills added, updated, not-interested, retro, rejected, retriggered.

The bill events (transactionAdded, transactionUpdated, notInterestedBillAdded,
retroBillAdded) share one body; their ``refId`` is ``<orgId>_<transactionId>``.  Amounts
always agree: ``amount = grossAmount - discount``, ``lineItemCount = len(lineItems)`` and
the line items sum to the bill totals.

``lineItems`` is not in Capillary's documented samples (they only carry
``lineItemCount``); it is emitted, and declared optional, so that consumers and the
loyalty model can see what was bought.  Set ``EMIT_LINE_ITEMS = False`` to send the
documented shape only.
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.basket import bill_items, totals
from capmock.catalog.common import (
    customer_identifiers,
    entered_by,
    triggering_activity,
)
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, NUM, STR, Node, Obj, arr, enum, obj, opt, ref, req
from capmock.catalog.registry import EventDef, reads

DOMAIN = "transaction"
EMIT_LINE_ITEMS = True

BILL_TYPES = ("REGULAR", "RETURN", "NOT_INTERESTED", "NOT_INTERESTED_RETURN", "MIXED")
DELIVERY_STATUSES = ("PLACED", "PROCESSED", "SHIPPED", "DELIVERED", "RETURNED")

DEFS: dict[str, Node] = {
    "transactionLineItem": obj(
        id=opt(INT),
        serial=INT,
        itemCode=STR,
        description=opt(STR),
        qty=NUM,
        rate=NUM,
        value=NUM,
        discount=NUM,
        amount=NUM,
    ),
    "transactionRejectionDetail": obj(rejectionReason=STR, reasonDetails=opt(STR)),
}

_BILL: dict[str, Any] = {
    "amount": NUM,
    "billClientId": opt(STR),
    "billNumber": STR,
    "billDate": opt(INT),
    "enteredAt": INT,
    "transactionId": INT,
    "deliveryStatus": opt(enum(*DELIVERY_STATUSES)),
    "billType": enum(*BILL_TYPES, lower=True),  # "regular": seed 004's table (L17)
    "lineItemCount": INT,
    "discount": NUM,
    "grossAmount": opt(NUM),
    "currencyCode": STR,
    "enteredBy": ref("enteredBy"),
    "customerIdentifiers": ref("customerIdentifiers"),
    "customFields": opt(arr(ref("keyValue"))),
    "extendedFields": opt(arr(ref("keyValue"))),
    "outlierStatus": opt(STR),
    "lineItems": opt(arr(ref("transactionLineItem"))),
}


def _bill_decl(**changes: Any) -> Obj:
    return obj(**{**_BILL, **changes})


TRANSACTION_ADDED = _bill_decl()
TRANSACTION_UPDATED = _bill_decl(
    billNumber=opt(STR),
    lineItemCount=opt(INT),
    currencyCode=opt(STR),
    grossAmount=NUM,
    deliveryStatus=enum(*DELIVERY_STATUSES),
)
NOT_INTERESTED_BILL = _bill_decl(customerIdentifiers=opt(ref("customerIdentifiers")))
RETRO_BILL = _bill_decl()


# ---- bill bodies ---------------------------------------------------------------------


def bill_number(ctx: Ctx) -> str:
    return f"{ctx.store.external_id}_{ctx.date().replace('-', '')[2:]}_{ctx.fake.digits(6)}"


def _customer(ctx: Ctx, loyalty_type: str) -> dict[str, Any]:
    """Identifiers; with enrichment also ``loyaltyType`` (lower case, as sent)."""
    ids = customer_identifiers(ctx, channel=True)
    if not ctx.options.enrich:
        return ids
    return {"customerId": ids.pop("customerId"), "loyaltyType": loyalty_type, **ids}


def _number_and_type(ctx: Ctx, f: Facts, default_type: str) -> tuple[str, str]:
    bill_type = str(f.get("bill_type", default_type)).upper()
    original = f.get("original_bill") or {}
    number = f.get("bill_number") or original.get("bill_number")
    return str(number or bill_number(ctx)), bill_type


def bill_body(ctx: Ctx, f: Facts, *, default_type: str = "REGULAR") -> dict[str, Any]:
    """The body shared by the bill events; see ``build_transaction_added`` for facts."""
    number, bill_type = _number_and_type(ctx, f, default_type)
    items = bill_items(ctx, f)
    gross, discount, amount = totals(items)
    entered_at = int(f.get("entered_at", ctx.now_ms - ctx.rng.randint(300, 15_000)))
    body: dict[str, Any] = {"amount": amount, "billNumber": number}
    if f.get("bill_client_id"):
        body["billClientId"] = str(f["bill_client_id"])
    body["billDate"] = int(f.get("bill_date", entered_at - ctx.rng.randint(5_000, 900_000)))
    body["enteredAt"] = entered_at
    body["transactionId"] = int(f.get("transaction_id") or ctx.ids.next("transaction"))
    if f.get("delivery_status"):
        body["deliveryStatus"] = str(f["delivery_status"]).upper()
    body.update(billType=bill_type, lineItemCount=len(items), discount=discount)
    body.update(grossAmount=gross, currencyCode=f.get("currency", ctx.org.currency))
    body["enteredBy"] = entered_by(ctx)
    body["customerIdentifiers"] = _customer(ctx, f.get("loyalty_type", "loyalty"))
    body.update(customFields=[], extendedFields=[], outlierStatus=f.get("outlier_status", "NORMAL"))
    if EMIT_LINE_ITEMS:
        body["lineItems"] = items
    return body


@reads(
    "amount bill_client_id bill_date bill_number bill_type currency delivery_status discount",
    "entered_at gross_amount line_items loyalty_type original_bill outlier_status",
    "transaction_id",
)
def build_transaction_added(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A bill (purchase or return) was added for the context customer.

    Facts (all optional):
    ``transaction_id`` Capillary's bill id; ``bill_number`` the org's bill number;
    ``bill_client_id``; ``bill_type`` REGULAR | RETURN | NOT_INTERESTED | …;
    ``original_bill`` for a return: {bill_number, transaction_id, line_items} of the
    purchase (its bill number is reused and its items are what can be returned; no
    documented field carries the original transaction id);
    ``line_items`` list of {sku, description, qty, rate, discount, id} (totals are
    computed from them); without items, ``gross_amount``/``discount``/``amount`` (any
    two fix the third) are split into items; ``currency`` ISO code (default: the org's);
    ``bill_date``/``entered_at`` epoch ms; ``delivery_status``; ``loyalty_type``
    (default "loyalty"); ``outlier_status`` (default NORMAL).
    """
    return bill_body(ctx, f)


@reads(
    "amount bill_client_id bill_date bill_number bill_type currency delivery_status discount",
    "entered_at gross_amount line_items loyalty_type original_bill outlier_status",
    "transaction_id",
)
def build_transaction_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A bill changed (delivery status, a line item).  Facts: as transactionAdded;
    ``delivery_status`` defaults to DELIVERED.  The store is sent as ``enteredBy.id`` only.
    """
    f.setdefault("delivery_status", "DELIVERED")
    body = bill_body(ctx, f)
    body["enteredBy"] = {"id": ctx.store.entered_by_id}
    for key in ("billDate", "customFields", "extendedFields", "outlierStatus"):
        body.pop(key, None)
    return body


@reads(
    "amount anonymous bill_client_id bill_date bill_number bill_type currency delivery_status",
    "discount entered_at gross_amount line_items loyalty_type original_bill outlier_status",
    "transaction_id",
)
def build_not_interested_bill(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A bill from a shopper who declined the loyalty program.

    Facts: as transactionAdded (``bill_type`` defaults to NOT_INTERESTED,
    ``loyalty_type`` to non_loyalty); ``anonymous`` True drops customerIdentifiers.
    """
    f.setdefault("loyalty_type", "non_loyalty")
    body = bill_body(ctx, f, default_type="NOT_INTERESTED")
    if f.get("anonymous"):
        body.pop("customerIdentifiers")
    return body


@reads(
    "amount bill_client_id bill_date bill_number bill_type currency delivery_status discount",
    "entered_at gross_amount line_items loyalty_type original_bill outlier_status",
    "transaction_id",
)
def build_retro_bill(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """An older bill added to the customer later (e.g. a claimed receipt).

    Facts: as transactionAdded; ``bill_date`` defaults to 2-60 days before now.
    """
    f.setdefault("bill_date", ctx.now_ms - ctx.rng.randint(2, 60) * 86_400_000)
    return bill_body(ctx, f)


# ---- transactionRejected / rejectedTransactionRetrigger ------------------------------

REJECTIONS = (
    ("INVALID_BILL", "LINE_ITEMS_MISMATCH", "Line item amounts do not add up to the bill amount"),
    ("DUPLICATE_BILL", "BILL_NUMBER_NOT_UNIQUE", "Bill number already exists for this store"),
    ("INVALID_BILL", "BILL_DATE_IN_FUTURE", "Bill date is later than the current time"),
    ("OUTLIER", "BILL_AMOUNT_ABOVE_LIMIT", "Bill amount exceeds the configured maximum"),
)

_REJECTED: dict[str, Any] = {
    "customerIdentifiers": ref("customerIdentifiers"),
    "eventDateTime": opt(STR, tz_millis=True),
    "billNumber": STR,
    "rejectionType": STR,
    "rejectionDetails": arr(ref("transactionRejectionDetail")),
    "retrialCount": opt(INT),
    "triggeringActivity": opt(ref("triggeringActivity")),
}
TRANSACTION_REJECTED = obj(**_REJECTED)
RETRIGGER = obj(
    **{k: v for k, v in _REJECTED.items() if k != "rejectionDetails"},
    rejectionDetailsOnRetrigger=arr(ref("transactionRejectionDetail")),
    retriggerId=req(INT),
)


def _rejection(ctx: Ctx, f: Facts, details_key: str, retrials: int) -> dict[str, Any]:
    kind, reason, details = ctx.rng.choice(REJECTIONS)
    number = str(f.get("bill_number") or bill_number(ctx))
    activity = triggering_activity(ctx, "TransactionAdd", [("billNumber", number)])
    activity["enteredBy"] = entered_by(ctx)
    detail = {
        "rejectionReason": f.get("rejection_reason", reason),
        "reasonDetails": f.get("reason_details", details),
    }
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "eventDateTime": ctx.datetime(),
        "billNumber": number,
        "rejectionType": f.get("rejection_type", kind),
        details_key: [] if f.get("passed") else [detail],
        "retrialCount": int(f.get("retrial_count", retrials)),
        "triggeringActivity": activity,
    }


@reads("bill_number passed reason_details rejection_reason rejection_type retrial_count")
def build_transaction_rejected(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A bill was rejected and not recorded.

    Facts (all optional): ``bill_number``; ``rejection_type``, ``rejection_reason``,
    ``reason_details`` (default: one of REJECTIONS); ``retrial_count`` (default 0).
    """
    return _rejection(ctx, f, "rejectionDetails", 0)


@reads(
    "bill_number passed reason_details rejection_reason rejection_type retrial_count",
    "retrigger_id",
)
def build_rejected_retrigger(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A rejected bill was tried again.

    Facts: as transactionRejected, plus ``retrigger_id``; ``retrial_count`` (default
    1-3); ``passed`` True when the retry succeeded (empty rejectionDetailsOnRetrigger).
    """
    body = _rejection(ctx, f, "rejectionDetailsOnRetrigger", ctx.rng.randint(1, 3))
    body["retriggerId"] = int(f.get("retrigger_id") or ctx.ids.next("retrigger"))
    return body


def _transaction_id(data: dict[str, Any]) -> Any:
    return data["transactionId"]


def _bill_event(name: str, data: Obj, build: Any, doc: str, lei: bool) -> EventDef:
    return EventDef(name, DOMAIN, data, build, doc, ref=_transaction_id, loyalty_event_id=lei)


EVENTS: list[EventDef] = [
    _bill_event(
        "transactionAdded",
        TRANSACTION_ADDED,
        build_transaction_added,
        "A transaction (purchase, or return with billType RETURN) was added.",
        False,
    ),
    _bill_event(
        "transactionUpdated",
        TRANSACTION_UPDATED,
        build_transaction_updated,
        "A transaction was updated (e.g. its delivery status or a line item).",
        False,
    ),
    _bill_event(
        "notInterestedBillAdded",
        NOT_INTERESTED_BILL,
        build_not_interested_bill,
        "A bill from a shopper not interested in the loyalty program was added.",
        True,
    ),
    _bill_event(
        "retroBillAdded",
        RETRO_BILL,
        build_retro_bill,
        "An older transaction was added against the customer.",
        True,
    ),
    EventDef(
        "transactionRejected",
        DOMAIN,
        TRANSACTION_REJECTED,
        build_transaction_rejected,
        "A transaction was rejected (not recorded).",
    ),
    EventDef(
        "rejectedTransactionRetrigger",
        DOMAIN,
        RETRIGGER,
        build_rejected_retrigger,
        "A rejected transaction was attempted again.",
    ),
]
