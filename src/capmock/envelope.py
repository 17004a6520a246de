"""The two envelopes Capillary wraps an event body in.

*flat*: ``eventName, eventId, orgId, refId, apiRequestId, createdAt, data, loyaltyEventId``
(optionally ``eventLogId, eventSearchKey, traceAttributes``).
*wrapped* ("enriched payload"): ``eventId, eventType, consumerGroupId, actionType,
timeStamp, attributes{createdAt, data, eventName, refId, apiRequestId, orgId,
loyaltyEventId}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capmock import catalog
from capmock.catalog.context import Ctx
from capmock.catalog.registry import REQUEST_ID, REQUEST_UUID, EventDef
from capmock.catalog.shape import TYPICAL, shape
from capmock.errors import check_choice

STYLES = ("flat", "wrapped")


def check_style(style: str) -> str:
    return check_choice(style, STYLES, "envelope style")


@dataclass(frozen=True)
class Envelope:
    style: str = "flat"
    prefix_event_type: bool = True  # wrapped eventType "<orgId>_<eventName>" vs plain name
    consumer_group_id: str | None = None  # the webhook's UUID, or null
    trace: bool = True  # flat: eventLogId, eventSearchKey, traceAttributes


def event_ids(ctx: Ctx, defn: EventDef, data: dict[str, Any]) -> dict[str, Any]:
    """The identity of one event: eventId, loyaltyEventId, refId, apiRequestId."""
    fake = ctx.fake
    loyalty_id = fake.alnum(10) if defn.loyalty_event_id else None
    request_id = fake.hex(32)
    ref = defn.ref
    if ref is None:
        ref_value: Any = loyalty_id
    elif ref == REQUEST_ID:
        ref_value = request_id
    elif ref == REQUEST_UUID:
        ref_value = _uuid_shape(request_id)
    else:
        ref_value = ref(data)  # type: ignore[operator]
    return {
        "eventId": fake.uuid(),
        "loyaltyEventId": loyalty_id,
        "refId": f"{ctx.org.org_id}_{ref_value if ref_value is not None else -1}",
        "apiRequestId": request_id,
    }


def _uuid_shape(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def wrap(
    defn: EventDef, data: dict[str, Any], ctx: Ctx, env: Envelope, ids: dict[str, Any]
) -> dict[str, Any]:
    """The event in its envelope, with the fields ``ctx.options.fields`` asks for."""
    payload = _wrap(defn, data, ctx, env, ids)
    if ctx.options.fields != TYPICAL:
        shape(defn, payload, ctx, catalog.shared_defs())
    return payload


def _wrap(
    defn: EventDef, data: dict[str, Any], ctx: Ctx, env: Envelope, ids: dict[str, Any]
) -> dict[str, Any]:
    if env.style == "wrapped":
        return _wrapped(defn, data, ctx, env, ids)
    flat = {
        "eventName": defn.name,
        "eventId": ids["eventId"],
        "createdAt": ctx.now_ms,
        "data": data,
        "refId": ids["refId"],
        "apiRequestId": ids["apiRequestId"],
        "orgId": ctx.org.org_id,
    }
    loyalty_id = ids.get("loyaltyEventId")
    if loyalty_id is not None:
        flat["loyaltyEventId"] = loyalty_id
    if env.trace:
        flat["eventLogId"] = -1
        if "customerIdentifiers" in data:
            flat["eventSearchKey"] = "data.customerIdentifiers.customerId"
        flat["traceAttributes"] = {
            "x-cap-lineage-id": ctx.fake.uuid(),
            "x-cap-lineage-start": str(ctx.now_ms - ctx.fake.rng.randint(50, 2000)),
        }
    return flat


def _wrapped(
    defn: EventDef, data: dict[str, Any], ctx: Ctx, env: Envelope, ids: dict[str, Any]
) -> dict[str, Any]:
    org_id = ctx.org.org_id
    core: dict[str, Any] = {
        "createdAt": ctx.now_ms,
        "data": data,
        "eventName": defn.name,
        "refId": ids["refId"],
        "apiRequestId": ids["apiRequestId"],
        "orgId": org_id,
    }
    if ids.get("loyaltyEventId") is not None:
        core["loyaltyEventId"] = ids["loyaltyEventId"]
    return {
        "eventId": ids["eventId"],
        "eventType": f"{org_id}_{defn.name}" if env.prefix_event_type else defn.name,
        "consumerGroupId": env.consumer_group_id,
        "actionType": "START",
        "timeStamp": ctx.now_ms + ctx.fake.rng.randint(5, 40),
        "attributes": core,
    }


def is_event_object(payload: dict[str, Any]) -> bool:
    """Another vendor's webhook: an event object ``{id, object: "event", type, data}``
    (capmock.vendor renders them), not a Capillary envelope."""
    return payload.get("object") == "event" and "eventId" not in payload


def event_id_of(payload: dict[str, Any]) -> str | None:
    """The id consumers de-duplicate by: ``eventId``, or an event object's ``id``."""
    value = payload.get("eventId")
    if value is None and is_event_object(payload):
        value = payload.get("id")
    return value if isinstance(value, str) else None


def unwrap(payload: dict[str, Any]) -> tuple[str | None, str | None, Any]:
    """(event name, style, data) of a payload, or Nones where it cannot tell; another
    vendor's event object gives (its type, "event", its data)."""
    if is_event_object(payload):
        kind = payload.get("type")
        return (kind if isinstance(kind, str) else None), "event", payload.get("data")
    if isinstance(payload.get("attributes"), dict):
        attrs = payload["attributes"]
        name = attrs.get("eventName")
        if not isinstance(name, str):
            etype = payload.get("eventType")
            name = etype.split("_", 1)[-1] if isinstance(etype, str) else None
        return name, "wrapped", attrs.get("data")
    name = payload.get("eventName")
    return (name if isinstance(name, str) else None), "flat", payload.get("data")
