"""Shared definitions (``schemas/defs.json``) and the builders that fill them.

Every structure that appears in more than one event is declared once here and referenced
from the events with ``ref("name")``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from capmock.catalog.context import Ctx
from capmock.catalog.fields import (
    BOOL,
    INT,
    NUM,
    STR,
    Node,
    arr,
    nullable,
    obj,
    opt,
    ref,
)

CHANNELS = ("wechat", "facebook", "tmall", "toabao", "web_engage", "line", "martjack", "ecommerce")

_accounts = obj(
    accounts=arr(
        obj(
            accountId=STR,
            # seed 005's group members carry `identifiers: [{}]`
            identifiers=opt(arr(obj(identifierType=opt(STR), identifierValue=opt(STR)))),
        )
    )
)

DEFS: dict[str, Node] = {
    "keyValue": obj(key=STR, value=opt(nullable(STR))),
    "channelAccounts": _accounts,
    "customerIdentifiers": obj(
        customerId=INT,
        loyaltyType=opt(STR),
        firstName=opt(STR),
        lastName=opt(STR),
        instore=opt(
            obj(
                mobile=opt(STR),
                email=opt(STR),
                externalId=opt(STR),
                cardNumbers=opt(arr(STR)),
            )
        ),
        **{ch: opt(ref("channelAccounts")) for ch in CHANNELS},
    ),
    "till": obj(code=STR, name=opt(STR)),
    "store": obj(
        code=STR,
        name=opt(STR),
        externalId=opt(STR),
        externalId1=opt(STR),
        externalId2=opt(STR),
    ),
    "enteredBy": obj(id=INT, till=opt(ref("till")), store=opt(ref("store"))),
    "entityInformation": obj(entityType=STR, entityId=INT),
    "triggeringActivity": obj(
        name=STR,
        identifiers=opt(arr(ref("keyValue"))),
        enteredBy=opt(obj(id=INT)),
        entityInformation=opt(ref("entityInformation")),
        additionalAttributes=opt(arr(ref("keyValue"))),
        enteredAt=opt(NUM),
    ),
    "tier": obj(tierNumber=INT, tierName=STR),
    "loyaltyProgramDetails": obj(
        id=INT,
        name=STR,
        isDefault=opt(BOOL),
        pointsToCurrencyRatio=opt(NUM),
        tiers=opt(arr(ref("tier"))),
    ),
}


# ---- builders ------------------------------------------------------------------------


def apportion(total: float, weights: Sequence[float]) -> list[float]:
    """``total`` in shares (2 decimals) proportional to ``weights`` that add up to it
    exactly: the last share takes what rounding left."""
    whole = sum(weights)
    shares = [round(total * w / whole, 2) for w in weights[:-1]]
    shares.append(round(total - sum(shares), 2))
    return shares


def uuid5(namespace: uuid.UUID, name: str) -> str:
    """``str(uuid.uuid5(namespace, name))`` without building UUID objects."""
    h = bytearray(hashlib.sha1(namespace.bytes + name.encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def customer_identifiers(ctx: Ctx, *, channel: bool = False) -> dict[str, Any]:
    """``customerId`` always; instore identifiers only with identifier enrichment on."""
    c = ctx.customer
    out: dict[str, Any] = {"customerId": c.customer_id}
    if not ctx.options.enrich:
        return out
    instore: dict[str, Any] = {"mobile": c.mobile, "email": c.email}
    if c.external_id:
        instore["externalId"] = c.external_id
    out["instore"] = instore
    if channel:
        out["web_engage"] = {
            "accounts": [
                {
                    "accountId": "~" + ctx.fake.hex(9),
                    "identifiers": [
                        {"identifierType": "cuid", "identifierValue": c.mobile},
                        {"identifierType": "mobile", "identifierValue": c.mobile},
                    ],
                }
            ]
        }
    return out


def entered_by(ctx: Ctx) -> dict[str, Any]:
    s = ctx.store
    return {
        "id": s.entered_by_id,
        "till": {"code": s.till_code, "name": s.till_code},
        "store": {
            "code": s.store_code,
            "name": s.store_name,
            "externalId": s.external_id,
            "externalId1": s.external_id1,
            "externalId2": s.external_id2,
        },
    }


def entity_information(ctx: Ctx) -> dict[str, Any]:
    return {"entityType": "USER", "entityId": ctx.customer.customer_id}


def triggering_activity(
    ctx: Ctx, name: str, identifiers: list[tuple[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        "identifiers": [{"key": k, "value": str(v)} for k, v in (identifiers or [])],
        "enteredBy": {"id": ctx.store.entered_by_id},
        "entityInformation": entity_information(ctx),
        "additionalAttributes": [],
    }


def program_details(ctx: Ctx) -> dict[str, Any]:
    p = ctx.prog
    return {
        "id": p.id,
        "name": p.name,
        "isDefault": p.is_default,
        "pointsToCurrencyRatio": float(p.points_to_currency_ratio),
        "tiers": [{"tierNumber": t.number, "tierName": t.name} for t in p.tiers],
    }


def current_tier(ctx: Ctx) -> dict[str, Any]:
    number = ctx.customer.tiers.get(ctx.prog.id, 1)
    tier = ctx.prog.tier(number)
    return {"tierNumber": tier.number, "tierName": tier.name}


def customer_base(ctx: Ctx) -> dict[str, Any]:
    """The fields most customer-scoped loyalty events open with."""
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "entityInformation": entity_information(ctx),
    }
