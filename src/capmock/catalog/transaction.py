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

import math
from typing import Any

from capmock.catalog.common import (
    apportion,
    customer_identifiers,
    entered_by,
    triggering_activity,
)
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, NUM, STR, Node, Obj, arr, enum, obj, opt, ref, req
from capmock.catalog.registry import EventDef, reads
from capmock.model.fake import Fake

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
    "billType": enum(*BILL_TYPES),
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

# ---- line items ----------------------------------------------------------------------

PRODUCTS: tuple[tuple[str, str, int], ...] = (  # sku prefix, description, typical INR price
    ("TSH", "Cotton Crew T-Shirt", 799),
    ("JNS", "Slim Fit Denim Jeans", 1999),
    ("SHO", "Running Shoes", 3499),
    ("WAL", "Leather Wallet", 899),
    ("BAG", "Laptop Backpack 25L", 1799),
    ("SHM", "Anti-Dandruff Shampoo 340ml", 329),
    ("FWS", "Neem Face Wash 100ml", 199),
    ("RCE", "Basmati Rice 5kg", 649),
    ("OIL", "Extra Virgin Olive Oil 1L", 899),
    ("TEA", "Green Tea 100 Bags", 399),
    ("COF", "Arabica Coffee Beans 250g", 549),
    ("EAR", "Wireless Earbuds", 2499),
    ("CHG", "USB-C Charger 20W", 1199),
    ("TWL", "Cotton Bath Towel", 499),
    ("BED", "Double Bedsheet Set", 1299),
    ("KSN", "Kids Sneakers", 1499),
    ("SUN", "Polarised Sunglasses", 1599),
    ("WAT", "Analog Wrist Watch", 2999),
    ("PRF", "Eau de Parfum 50ml", 2199),
    ("NTB", "A5 Ruled Notebook", 149),
)
VARIANTS = ("Black", "White", "Navy", "Red", "Grey", "M", "L", "XL", "Pack of 2", "")
FX = {"INR": 1.0, "IDR": 190.0, "VND": 300.0, "USD": 0.012, "GBP": 0.0095, "AED": 0.044}


def _price(ctx: Ctx, base: float, currency: str) -> float:
    """A shelf price near ``base`` INR, in ``currency``, rounded the way shops price."""
    return _shop_price(base * ctx.rng.uniform(0.85, 1.25), currency)


def _shop_price(inr: float, currency: str) -> float:
    """``inr`` rupees in ``currency``, rounded the way shops price."""
    x = inr * FX.get(currency, 1.0)
    if currency in ("IDR", "VND"):
        return float(max(1000, round(x, -3)))
    if currency == "INR":
        return float(max(9, round(x, -1) - 1))
    return max(0.99, round(x) - 0.01)


def _line(ctx: Ctx, serial: int, item: dict[str, Any]) -> dict[str, Any]:
    """One emitted line item from a fact item ({sku|itemCode, description, qty, rate,
    discount, id}); value and amount are computed."""
    get = item.get
    qty, rate = float(get("qty", 1)), float(get("rate", 0.0))
    disc = round(float(get("discount", 0.0)), 2)
    line_id = get("id")
    line_id = int(line_id) if line_id else ctx.ids.next("lineitem")
    code = get("sku") or get("itemCode")
    code = str(code) if code else f"SKU{ctx.fake.digits(7)}"
    return _emitted(line_id, serial, code, str(get("description", "")), qty, rate, disc)


def _emitted(
    line_id: int, serial: int, code: str, description: str, qty: float, rate: float, disc: float
) -> dict[str, Any]:
    value = round(qty * rate, 2)
    return {
        "id": line_id,
        "serial": serial,
        "itemCode": code,
        "description": description,
        "qty": qty,
        "rate": rate,
        "value": value,
        "discount": disc,
        "amount": round(value - disc, 2),
    }


def _product(ctx: Ctx, product: tuple[str, str, int]) -> dict[str, Any]:
    sku, description = _sku(ctx, product)
    return {"sku": sku, "description": description}


def _sku(ctx: Ctx, product: tuple[str, str, int]) -> tuple[str, str]:
    """(item code, description) of one product in a random variant."""
    prefix, name, _ = product
    variant = ctx.rng.choice(VARIANTS)
    return f"{prefix}-{ctx.fake.digits(6)}", f"{name} - {variant}" if variant else name


# A random basket: how many lines, then per line a quantity and a discount percentage.
BASKET_SIZES = (1, 1, 2, 2, 2, 3, 4, 5)
QUANTITIES = (1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0)
DISCOUNT_PCTS = (0, 0, 0, 0, 5, 10, 10, 20)
# distinct products for a basket: a start and a step coprime with the number of products
_STEPS = tuple(s for s in range(1, len(PRODUCTS)) if math.gcd(s, len(PRODUCTS)) == 1)


def _random_lines(ctx: Ctx, currency: str) -> list[dict[str, Any]]:
    """A random basket, as emitted line items: distinct products, each line drawn from
    one 64-bit random number (quantity, discount, variant, sku digits, price)."""
    rng, next_id, n_products = ctx.rng, ctx.ids.next, len(PRODUCTS)
    pick = rng.getrandbits(32)
    start, step = pick % n_products, _STEPS[(pick >> 8) % len(_STEPS)]
    lines = []
    for serial in range(1, BASKET_SIZES[pick >> 29] + 1):
        prefix, name, base = PRODUCTS[(start + serial * step) % n_products]
        r = rng.getrandbits(64)
        # bits 0-2 quantity, 3-5 discount, 6-13 variant, 14-33 sku digits, 40-63 price
        qty, variant = QUANTITIES[r & 7], VARIANTS[((r >> 6) & 0xFF) % len(VARIANTS)]
        rate = _shop_price(base * (0.85 + 0.4 * ((r >> 40) / 0xFFFFFF)), currency)
        discount = round(qty * rate * DISCOUNT_PCTS[(r >> 3) & 7] / 100, 2)
        code = f"{prefix}-{100_000 + ((r >> 14) & 0xFFFFF) % 900_000}"
        description = f"{name} - {variant}" if variant else name
        lines.append(_emitted(next_id("lineitem"), serial, code, description, qty, rate, discount))
    return lines


def _split(ctx: Ctx, gross: float, discount: float) -> list[dict[str, Any]]:
    """Items (qty 1) whose values sum to ``gross`` and discounts to ``discount``."""
    n = ctx.rng.randint(1, 3) if gross > 0 else 1
    weights = [ctx.rng.uniform(1, 3) for _ in range(n)]
    values, discounts = apportion(gross, weights), apportion(discount, weights)
    picks = ctx.rng.sample(PRODUCTS, n)
    return [
        {**_product(ctx, p), "qty": 1, "rate": v, "discount": d}
        for p, v, d in zip(picks, values, discounts, strict=True)
    ]


def _fixed_totals(ctx: Ctx, f: Facts, currency: str) -> tuple[float, float] | None:
    """(gross, discount) from the amount facts; gross and discount win over amount."""
    gross, discount, amount = (f.get(k) for k in ("gross_amount", "discount", "amount"))
    if gross is None and discount is None and amount is None:
        return None
    if gross is None and amount is None:
        amount = _price(ctx, 999, currency)
    if gross is None:
        gross = float(amount) + float(discount or 0.0)
    if discount is None:
        discount = float(gross) - float(amount) if amount is not None else 0.0
    return round(float(gross), 2), round(float(discount), 2)


def _returned(ctx: Ctx, original: dict[str, Any]) -> list[dict[str, Any]]:
    """Some of the original bill's items (new line-item ids), in their order."""
    items = [dict(i) for i in original.get("line_items") or []]
    if not items:
        return []
    keep = sorted(ctx.rng.sample(range(len(items)), ctx.rng.randint(1, len(items))))
    return [{k: v for k, v in items[i].items() if k != "id"} for i in keep]


def bill_items(ctx: Ctx, f: Facts) -> list[dict[str, Any]]:
    """Line items from the facts: given items, else amounts split, else the returned
    part of the original bill, else a random basket."""
    currency = f.get("currency", ctx.org.currency)
    items = f.get("line_items")
    if not items:
        fixed = _fixed_totals(ctx, f, currency)
        if fixed is not None:
            items = _split(ctx, *fixed)
        elif str(f.get("bill_type", "")).upper().endswith("RETURN"):
            items = _returned(ctx, f.get("original_bill") or {})
    if not items:
        return _random_lines(ctx, currency)
    return [_line(ctx, n, item) for n, item in enumerate(items, 1)]


def totals(items: list[dict[str, Any]]) -> tuple[float, float, float]:
    """(gross, discount, amount) of emitted line items."""
    gross = round(sum(i["value"] for i in items), 2)
    discount = round(sum(i["discount"] for i in items), 2)
    return gross, discount, round(gross - discount, 2)


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


def basket(
    fake: Fake, gross: float, discount: float, count: int | None = None, currency: str = "INR"
) -> list[dict[str, Any]]:
    """Line items (facts form) for a bill the model decided: ``count`` products (random
    when None) whose values sum to ``gross`` and discounts to ``discount``."""
    rng, n_products = fake.rng, len(PRODUCTS)
    pick = rng.getrandbits(32)
    n = max(1, min(count or 1 + pick % 3, n_products))
    start, step = (pick >> 2) % n_products, _STEPS[(pick >> 10) % len(_STEPS)]
    draws = [rng.getrandbits(32) for _ in range(n)]  # bits 0-1 quantity, 2-21 sku, 22-31 weight
    weights = [1 + 2 * (r >> 22) / 1023 for r in draws]
    values, discounts = apportion(gross, weights), apportion(discount, weights)
    items = []
    for i, r in enumerate(draws):
        prefix, name, _ = PRODUCTS[(start + i * step) % n_products]
        value = values[i]
        qty = 2 if (r & 3) == 3 and value >= 2 else 1
        rate = round(value / qty, 2)
        if round(rate * qty, 2) != value:  # odd cents: keep the sum exact with qty 1
            qty, rate = 1, value
        sku = f"{prefix}-{100_000 + ((r >> 2) & 0xFFFFF) % 900_000}"
        items.append(
            {"sku": sku, "description": name, "qty": qty, "rate": rate, "discount": discounts[i]}
        )
    return items


def items_amount(items: list[dict[str, Any]]) -> float:
    return round(
        sum(float(i["qty"]) * float(i["rate"]) - float(i.get("discount", 0.0)) for i in items), 2
    )


def returned_part(items: list[dict[str, Any]], amount: float) -> list[dict[str, Any]]:
    """The part of a bill's items that a return worth ``amount`` takes back: every line in
    proportion, the last line absorbing the rounding so the amounts agree to the cent."""
    whole = items_amount(items)
    if not items or amount >= whole - 0.005:
        return [dict(i) for i in items]
    share = amount / whole if whole else 0.0
    out = [
        {
            **i,
            "rate": round(float(i["rate"]) * share, 2),
            "discount": round(float(i.get("discount", 0.0)) * share, 2),
        }
        for i in items
    ]
    out[-1]["discount"] = round(out[-1]["discount"] + items_amount(out) - amount, 2)
    return out
