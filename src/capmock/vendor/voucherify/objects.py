"""The objects of a Voucherify loyalty-card transaction webhook's data (seed 002's shapes)."""

from __future__ import annotations

from typing import Any

from capmock.model.entities import Customer, Program
from capmock.vendor.voucherify.card import Card
from capmock.vendor.voucherify.ids import VoucherifyIds, day, iso_ms

DATA_KEYS = (
    "transaction", "voucher", "campaign", "holder", "holder_loyalty_tier", "balance", "order",
    "event", "earning_rule", "segment", "loyalty_tier", "redemption", "rollback", "reward",
    "custom_event", "source_voucher", "destination_voucher",
)  # fmt: skip


def num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(float(x), 2)


def balance(card_id: str, points: float, facts: dict[str, Any]) -> dict[str, Any]:
    """``transaction.details.balance``: the points moved and the model's balance after."""
    return {
        "type": "loyalty_card",
        "total": num(facts.get("lifetime", facts["current"])),
        "object": "balance",
        "points": num(points),
        "balance": num(facts["current"]),
        "related_object": {"id": card_id, "type": "voucher"},
    }


def balance_top(details: dict[str, Any]) -> dict[str, Any]:
    return {
        "points": details["points"],
        "total": details["total"],
        "balance": details["balance"],
        "type": "loyalty_card",
        "object": "balance",
        "related_object": dict(details["related_object"]),
    }


def voucher(
    card: Card,
    camp: str,
    program: Program,
    bal: dict[str, Any],
    account: Any,
    at_ms: int,
    created: str,
    ids: VoucherifyIds,
) -> dict[str, Any]:
    held = account.lots if account is not None else ()
    lots = [lot for lot in held if lot.expiry_ms > at_ms and lot.points > 0]
    first = min((lot.expiry_ms for lot in lots), default=None)
    due = sum(lot.points for lot in lots if first is not None and day(lot.expiry_ms) == day(first))
    url = f"/v1/vouchers/{card.code}"
    return {
        "id": card.id,
        "code": card.code,
        "campaign": program.name,
        "campaign_id": camp,
        "category": None,
        "category_id": None,
        "categories": [],
        "type": "LOYALTY_CARD",
        "discount": None,
        "gift": None,
        "loyalty_card": {
            "points": bal["total"],
            "balance": bal["balance"],
            "next_expiration_date": day(first) if first is not None else None,
            "next_expiration_points": num(due) if first is not None else None,
        },
        "start_date": None,
        "expiration_date": None,
        "validity_timeframe": None,
        "validity_hours": None,
        "validity_day_of_week": None,
        "active": True,
        "additional_info": None,
        "metadata": {},
        "assets": {
            "qr": {"id": ids.uuid("qr", card.id), "url": f"https://dl.voucherify.io/api/v1/assets/qr/{card.code}"},
            "barcode": {"id": ids.uuid("barcode", card.id), "url": f"https://dl.voucherify.io/api/v1/assets/barcode/{card.code}"},
        },
        "is_referral_code": False,
        "created_at": iso_ms(card.created_ms),
        "updated_at": created,
        "holder_id": ids.make("cust", card.customer_id),
        "redemption": {
            "quantity": None,
            "redeemed_quantity": card.redeemed_quantity,
            "redeemed_points": num(card.redeemed_points),
            "object": "list",
            "url": f"{url}/redemptions?page=1&limit=10",
        },
        "publish": {"object": "list", "count": 1, "url": f"{url}/publications?page=1&limit=10"},
        "object": "voucher",
    }  # fmt: skip


def voucher_ref(card: Card, camp: str, cust: str) -> dict[str, Any]:
    """The other card of a transfer (``source_voucher`` / ``destination_voucher``)."""
    return {
        "id": card.id,
        "code": card.code,
        "type": "LOYALTY_CARD",
        "campaign_id": camp,
        "holder_id": cust,
        "object": "voucher",
    }


def campaign(camp: str, program: Program, start_ms: int) -> dict[str, Any]:
    every = max(1, round(100 / program.points_per_currency)) if program.points_per_currency else 100
    return {
        "id": camp,
        "name": program.name,
        "campaign_type": "LOYALTY_PROGRAM",
        "type": "AUTO_UPDATE",
        "is_referral_code": False,
        "voucher": {
            "type": "LOYALTY_CARD",
            "discount": None,
            "gift": None,
            "loyalty_card": {
                "points": 0,
                "expiration_rules": {
                    "period_type": "DAY",
                    "period_value": program.expiry_days,
                },
            },
            "redemption": {"quantity": None, "redeemed_quantity": 0},
            "code_config": {
                "pattern": "########",
                "length": 8,
                "charset": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                "prefix": "",
                "postfix": "",
            },
        },
        "auto_join": False,
        "join_once": True,
        "active": True,
        "category_id": None,
        "category": None,
        "metadata": {"earning": {"every": every, "points": 1}},
        "start_date": None,
        "expiration_date": None,
        "description": None,
        "created_at": iso_ms(start_ms - 86_400_000),
        "updated_at": iso_ms(start_ms - 3_600_000),
        "object": "campaign",
    }


def holder(cust: str, customer: Customer) -> dict[str, Any]:
    return {
        "id": cust,
        "name": customer.name,
        "email": customer.email or None,
        "source_id": customer.external_id,
        "metadata": {},
        "object": "customer",
    }


def tier(
    ids: VoucherifyIds, camp: str, customer: Customer, program: Program, card: Card
) -> dict[str, Any] | None:
    """The holder's tier now (the model's), with its points range."""
    if not program.tiers:
        return None
    number = customer.tiers.get(program.id, program.tiers[0].number)
    ordered = sorted(program.tiers, key=lambda t: t.threshold)
    current = next((t for t in ordered if t.number == number), ordered[0])
    above = [t.threshold for t in ordered if t.threshold > current.threshold]
    points: dict[str, Any] = {"from": num(current.threshold)}
    if above:
        points["to"] = num(min(above) - 1)
    ltr = ids.make("ltr", program.id, current.number)
    return {
        "id": ltr,
        "name": current.name,
        "campaign_id": camp,
        "metadata": {},
        "created_at": iso_ms(card.created_ms - 3_600_000),
        "updated_at": None,
        "earning_rules": {},
        "rewards": {},
        "config": {"points": dict(points)},
        "points": points,
        "expiration": {
            "customer_id": ids.make("cust", customer.customer_id),
            "campaign_id": camp,
            "tier_id": ltr,
            "start_date": day(card.created_ms),
            "created_at": iso_ms(card.created_ms),
        },
        "object": "loyalty_tier",
    }


def order(
    ids: VoucherifyIds, order_id: str, cust: str, bill: dict[str, Any], returned: bool
) -> dict[str, Any]:
    """The order behind an accrual (PAID) or a return's refund (CANCELED); amounts in the
    currency's minor unit, as Voucherify keeps them."""
    amount = round(float(bill.get("amount") or 0.0) * 100)
    count = max(1, int(bill.get("items") or 1))
    shares = [amount // count] * count
    shares[-1] += amount - sum(shares)
    number = str(bill.get("bill_number"))
    items = [
        {
            "id": ids.make("ordli", number, i),
            "object": "order_item",
            "source_id": f"sku-{i + 1}",
            "related_object": "product",
            "quantity": 1,
            "amount": share,
            "price": share,
            "subtotal_amount": share,
        }
        for i, share in enumerate(shares)
    ]
    return {
        "id": order_id,
        "source_id": number,
        "status": "CANCELED" if returned else "PAID",
        "customer_id": cust,
        "referrer_id": None,
        "amount": amount,
        "total_amount": amount,
        "items": items,
        "metadata": {"bill_number": number},
        "created_at": iso_ms(max(int(bill.get("at_ms") or 0) - 1, 0)),
        "object": "order",
    }


def customer_event(evcus: str, kind: str, cust: str, at_ms: int, group: str) -> dict[str, Any]:
    return {
        "id": evcus,
        "type": kind,
        "category": "EFFECT",
        "entity_id": cust,
        "created_at": iso_ms(at_ms),
        "group_id": "v-" + group.split("_", 1)[1][:18].lower(),
    }


def earning_rule(ids: VoucherifyIds, camp: str, program: Program) -> dict[str, Any]:
    every = max(1, round(100 / program.points_per_currency)) if program.points_per_currency else 100
    return {
        "id": ids.make("ern", program.id),
        "campaign_id": camp,
        "validation_rule_id": None,
        "parameters": {
            "event": "order.paid",
            "banner": f"{program.name} points",
            "loyalty": {
                "type": "PROPORTIONAL",
                "calculation_type": "ORDER_TOTAL_AMOUNT",
                "order": {"total_amount": {"every": every, "points": 1}},
            },
        },
        "automation_id": ids.make("auto", program.id),
        "active": True,
        "metadata": {},
    }


def redemption(rid: str, card: Card, points: float, cust: str, created: str) -> dict[str, Any]:
    return {
        "id": rid,
        "object": "redemption",
        "date": created,
        "customer_id": cust,
        "tracking_id": None,
        "amount": num(abs(points)),
        "result": "SUCCESS",
        "status": "SUCCEEDED",
        "voucher": {"id": card.id, "code": card.code, "type": "LOYALTY_CARD"},
    }


def rollback(rrid: str, rid: str, points: float, cust: str, created: str) -> dict[str, Any]:
    return {
        "id": rrid,
        "object": "redemption_rollback",
        "date": created,
        "redemption": rid,
        "customer_id": cust,
        "reason": "Redemption reversed",
        "amount": num(abs(points)),
        "result": "SUCCESS",
        "status": "SUCCEEDED",
    }
