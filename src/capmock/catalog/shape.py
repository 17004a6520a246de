"""How much of what Capillary can send an event carries: ``--fields all|typical|required``.

*typical* (the default) is what the builders render: optional members at the rates
Capillary sends them.  *required* keeps only what every documented sample of the event
has (the declaration's required members, per use of a shared definition, and the
envelope's required fields plus ``eventId``, the idempotency key).  *all* adds every
documented optional member the builder left out, with values made from the context (the
customer's identifiers, dates near now, ids of the right kind); the generator turns on
timezone standardisation with it, for the ``…InMillis`` companions.  Both work on a
rendered payload, from the declaration alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from capmock.catalog.context import Ctx
from capmock.catalog.fields import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    Any_,
    Arr,
    Defs,
    Node,
    Nullable,
    Obj,
    OneOf,
    Ref,
    Scalar,
    below,
    resolve,
)
from capmock.catalog.registry import EventDef
from capmock.errors import check_choice

FIELDS = ("all", "typical", "required")
TYPICAL = "typical"

# Envelope fields sent with every event unless its samples lack them
# (``EventDef.envelope_optional``); the envelope definitions require only the rest.
PER_EVENT: dict[str, tuple[str, ...]] = {
    "flat": ("refId", "createdAt"),
    "wrapped": ("refId", "createdAt"),
}
# What the flat envelope and the wrapped one's attributes always carry (eventId, the
# idempotency key, too); the wrapped envelope's own fields are all always sent.
ALWAYS: dict[str, tuple[str, ...]] = {
    "flat": ("eventName", "eventId", "orgId", "data"),
    "wrapped": ("eventName", "orgId", "data"),
}


def check_fields(value: str) -> str:
    return check_choice(value, FIELDS, "fields level")


def shape(defn: EventDef, payload: dict[str, Any], ctx: Ctx, defs: Defs) -> None:
    """Bring a rendered payload to ``ctx.options.fields`` (in place)."""
    level = ctx.options.fields
    wrapped = "attributes" in payload
    core = payload["attributes"] if wrapped else payload
    if level == "required":
        prune(defn.data, core["data"], defs, frozenset())
        style = "wrapped" if wrapped else "flat"
        keep = set(PER_EVENT[style]) - set(defn.envelope_optional) | set(ALWAYS[style])
        for key in [k for k in core if k not in keep]:
            del core[key]
    elif level == "all":
        fill(defn.data, core["data"], ctx, defs, frozenset())
        core.setdefault("loyaltyEventId", None)  # as the samples of events without one
        if not wrapped:
            payload.setdefault("eventLogId", -1)
            payload.setdefault("eventSearchKey", "data.customerIdentifiers.customerId")
            payload.setdefault(
                "traceAttributes",
                {"x-cap-lineage-id": ctx.fake.uuid(), "x-cap-lineage-start": str(ctx.now_ms)},
            )


# ---- required: drop what is not always sent ------------------------------------------


def prune(node: Node, value: Any, defs: Defs, optional: frozenset[str]) -> None:
    node, own = resolve(node, defs)
    optional |= own
    if isinstance(node, Nullable):
        prune(node.inner, value, defs, optional)
    elif isinstance(node, Arr) and node.items is not None and isinstance(value, list):
        for item in value:
            prune(node.items, item, defs, optional)
    elif isinstance(node, Obj) and isinstance(value, dict):
        for name in list(value):
            f = node.fields.get(name)
            if f is None or not f.required or name in optional:
                del value[name]
            else:
                prune(f.node, value[name], defs, below(optional, name))


# ---- all: add every documented optional member ---------------------------------------


def fill(node: Node, value: Any, ctx: Ctx, defs: Defs, optional: frozenset[str]) -> None:
    node, _ = resolve(node, defs)
    if isinstance(node, Nullable):
        fill(node.inner, value, ctx, defs, optional)
    elif isinstance(node, Arr) and node.items is not None and isinstance(value, list):
        if not value and _is_record(node.items, defs):
            value.append(make(node.items, ctx, defs, ""))
        for item in value:
            fill(node.items, item, ctx, defs, optional)
    elif isinstance(node, Obj) and isinstance(value, dict):
        for name, f in node.fields.items():
            if name not in value:
                value[name] = make(f.node, ctx, defs, name)
            else:
                fill(f.node, value[name], ctx, defs, optional)


def _is_record(node: Node, defs: Defs) -> bool:
    """A list of flat records (key/value pairs, media…): one is added to an empty one."""
    node, _ = resolve(node, defs)
    if not isinstance(node, Obj) or not node.fields:
        return False
    return all(_flat(f.node) for f in node.fields.values())


def _flat(node: Node) -> bool:
    """A scalar member (or a list of undeclared items) of a flat record."""
    node = node.inner if isinstance(node, Nullable) else node
    return isinstance(node, Scalar | Any_) or (isinstance(node, Arr) and node.items is None)


def make(node: Node, ctx: Ctx, defs: Defs, name: str) -> Any:
    """A plausible value of ``node`` for a member called ``name``."""
    special = SPECIAL.get(name)
    if special is not None:
        return special(ctx)
    if isinstance(node, Ref):
        node = defs[node.name]
    if isinstance(node, Nullable):
        return make(node.inner, ctx, defs, name)
    if isinstance(node, OneOf):
        return make(node.options[0], ctx, defs, name)
    if isinstance(node, Arr):
        return [make(node.items, ctx, defs, "")] if node.items is not None else []
    if isinstance(node, Obj):
        return {n: make(f.node, ctx, defs, n) for n, f in node.fields.items()}
    if isinstance(node, Any_):
        return ctx.fake.word()
    assert isinstance(node, Scalar)
    return _scalar(node, ctx, name)


def _scalar(node: Scalar, ctx: Ctx, name: str) -> Any:
    rng, low = ctx.rng, name.lower()
    if node.enum is not None:
        return rng.choice([v for v in node.enum if not isinstance(v, str) or v == v.upper()])
    kind = node.type[0] if isinstance(node.type, tuple) else node.type
    if node.pattern == DATE_PATTERN:
        return ctx.date(rng.randint(-30, 365))
    if node.pattern == DATETIME_PATTERN:
        return ctx.datetime(-rng.randint(0, 86_400_000))
    if node.pattern is not None:  # e.g. a number written as a string
        for text in (str(rng.randint(1, 9999)), ctx.fake.word()):
            if re.search(node.pattern, text):
                return text
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "integer":
        if low.endswith(("at", "on", "date", "time", "millis")):
            return ctx.now_ms - rng.randint(0, 86_400_000)
        if low.endswith("id"):
            return ctx.ids.next(low.removesuffix("id") or "id")
        return rng.randint(1, 99)
    if kind == "number":
        return ctx.fake.money(1, 1000)
    return _text(ctx, low)


def _text(ctx: Ctx, low: str) -> str:
    c, fake = ctx.customer, ctx.fake
    if "mobile" in low:
        return c.mobile
    if "email" in low:
        return c.email
    if "date" in low:
        return ctx.date(ctx.rng.randint(-30, 30))
    if low.endswith("id") or "number" in low:
        return fake.digits(9)
    if low.endswith(("type", "status")):
        return fake.word().upper()
    if "name" in low:
        return fake.phrase(2).title()
    return fake.word()


def _accounts(kind: str) -> Callable[[Ctx], dict[str, Any]]:
    def make_accounts(ctx: Ctx) -> dict[str, Any]:
        ident = {"identifierType": kind, "identifierValue": ctx.fake.alnum(16)}
        return {"accounts": [{"accountId": ctx.fake.alnum(12), "identifiers": [ident]}]}

    return make_accounts


def _target_rules(ctx: Ctx) -> dict[str, Any]:
    return {str(ctx.ids.next("target")): [ctx.ids.next("target")]}


SPECIAL: dict[str, Callable[[Ctx], Any]] = {
    "wechat": _accounts("openId"),
    "facebook": _accounts("fbId"),
    "tmall": _accounts("tmallUname"),
    "toabao": _accounts("taobaoId"),
    "web_engage": _accounts("cuid"),
    "line": _accounts("lineId"),
    "martjack": _accounts("martjackId"),
    "ecommerce": _accounts("ecomId"),
    "jd": _accounts("jdId"),
    "website": _accounts("websiteId"),
    "linkedTargetGroupVsTargetRuleIdMap": _target_rules,
    "firstName": lambda ctx: ctx.customer.first_name,
    "lastName": lambda ctx: ctx.customer.last_name,
    "externalId": lambda ctx: ctx.customer.external_id or ctx.fake.digits(12),
    "cardNumbers": lambda ctx: [ctx.fake.digits(16)],
    "cardnumber": lambda ctx: ctx.fake.digits(16),
    "billClientId": lambda ctx: f"POS-{ctx.fake.digits(8)}",
    "currencyCode": lambda ctx: ctx.fake.locale.currency,
}
