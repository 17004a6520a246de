"""Line items: what a bill holds. A catalog of products, random baskets, baskets that
sum to amounts the model decided, and the part of a bill a return takes back; every split
keeps the amounts exact to the cent (used by the transaction events and the scenario
steps that buy and return)."""

from __future__ import annotations

import math
from typing import Any

from capmock.catalog.common import apportion
from capmock.catalog.context import Ctx, Facts
from capmock.model.fake import Fake

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
