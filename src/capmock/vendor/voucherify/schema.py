"""JSON Schema of ``voucher.loyalty_card.transaction.created`` (seed 002's sample and
attribute list) and of the webhook envelope around it (docs/vendors.md: what is assumed).

Every object lists the fields the seed's sample shows as required (they are always sent,
``null`` where empty); unknown fields are allowed, as Voucherify adds fields over time."""

from __future__ import annotations

from typing import Any

from capmock.vendor.voucherify import EVENT_TYPE, TRANSACTION_TYPES

Schema = dict[str, Any]
BASE = "https://capmock.dev/schemas/voucherify/"
DATA_FILE = f"voucherify/{EVENT_TYPE}.json"
WEBHOOK_FILE = "voucherify/webhook.json"
ISO_MS = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
DAY = r"^\d{4}-\d{2}-\d{2}$"


def t(*types: str, **more: Any) -> Schema:
    return {"type": types[0] if len(types) == 1 else list(types), **more}


def obj(
    props: dict[str, Schema], *, nullable: bool = False, optional: tuple[str, ...] = ()
) -> Schema:
    return {
        "type": ["object", "null"] if nullable else "object",
        "required": [k for k in props if k not in optional],
        "properties": props,
    }


def ref(name: str, nullable: bool = False) -> Schema:
    target = {"$ref": f"#/$defs/{name}"}
    return {"anyOf": [target, {"type": "null"}]} if nullable else target


def pid(prefix: str) -> Schema:
    return t("string", pattern=f"^{prefix}_[0-9A-Za-z]+$")


STR, NSTR, INT, NUM, NNUM, BOOL = (
    t("string"),
    t("string", "null"),
    t("integer"),
    t("number"),
    t("number", "null"),
    t("boolean"),
)
WHEN, NWHEN = t("string", pattern=ISO_MS), t("string", "null", pattern=ISO_MS)
DICT = t("object")


def balance() -> Schema:
    return obj({
        "type": t("string", enum=["loyalty_card"]),
        "total": NUM,
        "object": t("string", const="balance"),
        "points": NUM,
        "balance": NUM,
        "related_object": obj({"id": pid("v"), "type": t("string", const="voucher")}),
    })  # fmt: skip


def details() -> Schema:
    return obj(
        {
            "balance": ref("balance"),
            "order": obj({"id": pid("ord"), "source_id": NSTR}),
            "event": obj({"id": pid("evcus"), "type": STR}),
            "earning_rule": obj({"id": pid("ern"), "source": obj({"banner": STR})}),
            "redemption": obj({"id": pid("r")}),
            "rollback": obj({"id": pid("rr")}),
            "source_voucher": obj({"id": pid("v"), "code": STR}),
            "destination_voucher": obj({"id": pid("v"), "code": STR}),
        },
        optional=("order", "event", "earning_rule", "redemption", "rollback", "source_voucher",
                  "destination_voucher"),
    )  # fmt: skip


def transaction() -> Schema:
    return obj({
        "id": pid("vtx"), "source_id": NSTR, "voucher_id": pid("v"), "campaign_id": pid("camp"),
        "source": NSTR, "reason": NSTR, "type": t("string", enum=list(TRANSACTION_TYPES)),
        "details": details(), "related_transaction_id": t("string", "null"), "created_at": WHEN,
    })  # fmt: skip


def voucher() -> Schema:
    listing = {"object": t("string", const="list"), "url": STR}
    asset = obj({"id": STR, "url": STR})
    return obj({
        "id": pid("v"), "code": STR, "campaign": STR, "campaign_id": pid("camp"),
        "category": NSTR, "category_id": NSTR, "categories": t("array"),
        "type": t("string", const="LOYALTY_CARD"), "discount": t("object", "null"),
        "gift": t("object", "null"),
        "loyalty_card": obj({
            "points": NUM, "balance": NUM,
            "next_expiration_date": t("string", "null", pattern=DAY),
            "next_expiration_points": NNUM,
        }),
        "start_date": NWHEN, "expiration_date": NWHEN, "validity_timeframe": t("object", "null"),
        "validity_hours": t("object", "null"), "validity_day_of_week": t("array", "null"),
        "active": BOOL, "additional_info": NSTR, "metadata": DICT,
        "assets": obj({"qr": asset, "barcode": asset}), "is_referral_code": BOOL,
        "created_at": WHEN, "updated_at": NWHEN, "holder_id": pid("cust"),
        "redemption": obj({"quantity": t("integer", "null"), "redeemed_quantity": INT,
                           "redeemed_points": NUM, **listing}),
        "publish": obj({"count": INT, **listing}),
        "object": t("string", const="voucher"),
    })  # fmt: skip


def campaign() -> Schema:
    return obj({
        "id": pid("camp"), "name": STR, "campaign_type": t("string", const="LOYALTY_PROGRAM"),
        "type": STR, "is_referral_code": BOOL,
        "voucher": obj({
            "type": t("string", const="LOYALTY_CARD"), "discount": t("object", "null"),
            "gift": t("object", "null"),
            "loyalty_card": obj({
                "points": NUM,
                "expiration_rules": obj({"period_type": STR, "period_value": INT}),
            }),
            "redemption": obj({"quantity": t("integer", "null"), "redeemed_quantity": INT}),
            "code_config": obj({"pattern": STR, "length": INT, "charset": STR, "prefix": STR,
                                "postfix": STR}),
        }),
        "auto_join": BOOL, "join_once": BOOL, "active": BOOL, "category_id": NSTR,
        "category": NSTR, "metadata": DICT, "start_date": NWHEN, "expiration_date": NWHEN,
        "description": NSTR, "created_at": WHEN, "updated_at": NWHEN,
        "object": t("string", const="campaign"),
    })  # fmt: skip


def tier() -> Schema:
    points = obj({"from": NUM, "to": NUM}, optional=("to",))
    return obj({
        "id": pid("ltr"), "name": STR, "campaign_id": pid("camp"), "metadata": DICT,
        "created_at": WHEN, "updated_at": NWHEN, "earning_rules": DICT, "rewards": DICT,
        "config": obj({"points": points}), "points": points,
        "expiration": obj({"customer_id": pid("cust"), "campaign_id": pid("camp"),
                           "tier_id": pid("ltr"), "start_date": t("string", pattern=DAY),
                           "created_at": WHEN}),
        "object": t("string", const="loyalty_tier"),
    })  # fmt: skip


def order() -> Schema:
    item = obj({
        "id": pid("ordli"), "object": t("string", const="order_item"), "source_id": NSTR,
        "related_object": STR, "quantity": INT, "amount": INT, "price": INT,
        "subtotal_amount": INT,
    })  # fmt: skip
    return obj({
        "id": pid("ord"), "source_id": NSTR, "status": STR, "customer_id": pid("cust"),
        "referrer_id": NSTR, "amount": INT, "total_amount": INT,
        "items": t("array", items=item), "metadata": DICT, "created_at": WHEN,
        "object": t("string", const="order"),
    })  # fmt: skip


def customer_event() -> Schema:
    return obj({"id": pid("evcus"), "type": STR, "category": STR, "entity_id": pid("cust"),
                "created_at": WHEN, "group_id": STR})  # fmt: skip


def earning_rule() -> Schema:
    return obj({
        "id": pid("ern"), "campaign_id": pid("camp"), "validation_rule_id": NSTR,
        "parameters": obj({
            "event": STR, "banner": STR,
            "loyalty": obj({"type": STR, "calculation_type": STR, "order": DICT}),
        }),
        "automation_id": pid("auto"), "active": BOOL, "metadata": DICT,
    })  # fmt: skip


def redemption() -> Schema:
    return obj({
        "id": pid("r"), "object": t("string", const="redemption"), "date": WHEN,
        "customer_id": t("string", "null"), "tracking_id": NSTR, "amount": NUM,
        "result": STR, "status": STR,
        "voucher": obj({"id": pid("v"), "code": STR, "type": STR}),
    })  # fmt: skip


def rollback() -> Schema:
    return obj({
        "id": pid("rr"), "object": t("string", const="redemption_rollback"), "date": WHEN,
        "redemption": pid("r"), "customer_id": t("string", "null"), "reason": NSTR,
        "amount": NUM, "result": STR, "status": STR,
    })  # fmt: skip


def voucher_ref() -> Schema:
    return obj(
        {
            "id": pid("v"),
            "code": STR,
            "type": STR,
            "campaign_id": pid("camp"),
            "holder_id": t("string", "null"),
            "object": t("string", const="voucher"),
        }
    )


def holder() -> Schema:
    return obj(
        {
            "id": pid("cust"),
            "name": NSTR,
            "email": NSTR,
            "source_id": NSTR,
            "metadata": DICT,
            "object": t("string", const="customer"),
        }
    )


def data_document() -> Schema:
    """The event's data object, self-contained."""
    simple = {"id": STR, "name": STR, "object": STR}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + f"{EVENT_TYPE}.json",
        "title": f"{EVENT_TYPE} (Voucherify webhook data)",
        "description": "A loyalty card transaction was created (seed 002).",
        **obj({
            "transaction": ref("transaction"), "voucher": ref("voucher"),
            "campaign": ref("campaign"), "holder": ref("holder"),
            "holder_loyalty_tier": ref("loyalty_tier", True), "balance": ref("balance"),
            "order": ref("order", True), "event": ref("event", True),
            "earning_rule": ref("earning_rule", True),
            "segment": obj(simple, nullable=True, optional=tuple(simple)),
            "loyalty_tier": ref("loyalty_tier", True), "redemption": ref("redemption", True),
            "rollback": ref("rollback", True),
            "reward": obj(simple, nullable=True, optional=tuple(simple)),
            "custom_event": obj({"id": STR, "type": STR}, nullable=True, optional=("id", "type")),
            "source_voucher": ref("voucher_ref", True),
            "destination_voucher": ref("voucher_ref", True),
        }),
        "$defs": {
            "transaction": transaction(), "voucher": voucher(), "campaign": campaign(),
            "holder": holder(), "loyalty_tier": tier(), "balance": balance(), "order": order(),
            "event": customer_event(), "earning_rule": earning_rule(),
            "redemption": redemption(), "rollback": rollback(), "voucher_ref": voucher_ref(),
        },
    }  # fmt: skip


def webhook_document() -> Schema:
    """The webhook body: the envelope around the data (assumed where the seed is silent)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + "webhook.json",
        "title": f"{EVENT_TYPE} (Voucherify webhook)",
        **obj({
            "id": t("string", minLength=1),  # capmock's: event_ + 24 hex (a soak's: its own)
            "object": t("string", const="event"),
            "type": t("string", const=EVENT_TYPE),
            "created_at": WHEN,
            "data": {"$ref": f"{EVENT_TYPE}.json"},
        }),
    }  # fmt: skip


def documents() -> dict[str, Schema]:
    return {DATA_FILE: data_document(), WEBHOOK_FILE: webhook_document()}


_VALIDATOR: Any = None


def problems(payload: Any) -> list[tuple[str, str]]:
    """(JSON path, message) of every way ``payload`` breaks the webhook schema; [] if none."""
    global _VALIDATOR
    if _VALIDATOR is None:
        import jsonschema
        from referencing import Registry, Resource

        docs = documents()
        registry = Registry().with_resources(
            (doc["$id"], Resource.from_contents(doc)) for doc in docs.values()
        )
        _VALIDATOR = jsonschema.Draft202012Validator(docs[WEBHOOK_FILE], registry=registry)
    errors = sorted(_VALIDATOR.iter_errors(payload), key=lambda e: list(e.absolute_path))
    return [(e.json_path, e.message) for e in errors]
