"""Building blocks of the OpenAPI document: helpers and the shared schemas."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
OBJ: Schema = {"type": "object"}
SCALAR: Schema = {"anyOf": [STR, NUM]}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


def arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(required: tuple[str, ...] = (), extra: bool = True, **props: Schema) -> Schema:
    out: Schema = {"type": "object", "properties": props}
    if required:
        out["required"] = list(required)
    if not extra:
        out["additionalProperties"] = False
    return out


def content(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def response(description: str, schema: Schema | None = None) -> Schema:
    out: Schema = {"description": description}
    if schema is not None:
        out["content"] = content(schema)
    return out


def query(name: str, schema: Schema, description: str, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


def path_param(name: str, schema: Schema, description: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": description}


def json_body(schema: Schema, description: str = "", required: bool = True) -> Schema:
    return {"required": required, "description": description, "content": content(schema)}


ERROR = response("Bad input", ref("Error"))
API_ERRORS: dict[str, Schema] = {
    "400": ERROR,
    "401": response("The --ui-password is set and was not sent", ref("Error")),
}
NOT_FOUND = response("Not found", ref("Error"))

OPTION_NAMES = ("connections", "timeout", "user_agent", "basic_auth", "bearer", "retry",
                "max_attempts", "backoff", "give_up_after", "time_scale", "duplicates",
                "duplicate_delay", "reorder", "reorder_scope", "delay", "burst")

ATTEMPT = obj(
    ("n", "kind", "time", "status", "latency_ms", "error", "outcome", "wait", "response"),
    n=INT, kind={"type": "string", "enum": ["send", "duplicate", "redeliver"]}, time=NUM,
    status=nullable(INT), latency_ms=NUM, error=nullable(STR), outcome=STR, wait=NUM,
    response=nullable(STR),
)
DELIVERY_SUMMARY = obj(
    ("id", "run", "created", "eventName", "eventId", "customerId", "target", "outcome",
     "status", "latency_ms", "attempts", "version"),
    id=INT, run=INT, created=NUM, eventName=STR, eventId=STR, customerId=nullable(INT),
    target=STR, outcome={"type": "string",
                         "enum": ["queued", "retrying", "delivered", "failed-final"]},
    status=nullable(INT), latency_ms=nullable(NUM), attempts=arr(ref("Attempt")),
    version=INT,
)
DELIVERY = {"allOf": [ref("DeliverySummary"), obj(("request",), request=obj(
    ("method", "url", "headers", "body"), method=STR, url=STR,
    headers={"type": "object", "additionalProperties": STR}, body=STR))]}
RUN = obj(
    ("id", "kind", "label", "target", "started", "state", "finished", "error", "summary",
     "deliveries", "version"),
    id=INT, kind={"type": "string", "enum": ["event", "scenario", "redeliver"]}, label=STR,
    target=STR, started=NUM, state={"type": "string", "enum": ["running", "done", "error"]},
    finished=nullable(NUM), error=nullable(STR), summary=nullable(OBJ), deliveries=INT,
    version=INT,
)
OPTIONS = {
    "type": "object",
    "description": "Delivery options, named like `capmock run`'s flags (strings as typed "
                   "there, or numbers): retry capillary|none|standard-webhooks|custom, "
                   "max_attempts, backoff BASE,CAP, time_scale, duplicates P|N%, "
                   "reorder W, reorder_scope, delay MIN..MAX, header ['K: V'] …",
    "properties": {
        **{name: SCALAR for name in OPTION_NAMES},
        "header": {"anyOf": [STR, arr(STR), {"type": "object", "additionalProperties": STR}]},
    },
    "additionalProperties": False,
}
SINK_SETTINGS = obj(
    (), False,
    statuses={**arr({"type": "integer", "minimum": 200, "maximum": 599}), "maxItems": 1000},
    status={"type": "integer", "minimum": 200, "maximum": 599},
    failure_rate=SCALAR,
    failure_status={"type": "integer", "minimum": 200, "maximum": 599},
    latency=SCALAR, retry_after=nullable(SCALAR), seed=nullable(INT),
)
SINK_REQUEST = obj(
    ("n", "time", "method", "path", "eventName", "eventId", "status", "latency_ms", "size"),
    n=INT, time=NUM, method=STR, path=STR, eventName=nullable(STR), eventId=nullable(STR),
    status=INT, latency_ms=NUM, size=INT,
)
SINK = obj(
    ("name", "count", "settings", "pending_statuses", "path"),
    name=STR, count=INT, settings=OBJ, pending_statuses=arr(INT), path=STR,
    requests=arr(ref("SinkRequest")),
)
CUSTOMER = obj(
    ("customerId", "name", "programs", "promotions", "coupons", "ledger", "source"),
    customerId=INT, name=STR, mobile=STR, email=STR, externalId=STR,
    enrolled=nullable(BOOL), programs=OBJ, promotions=OBJ, coupons=arr(OBJ), ledger=BOOL,
    promotionList=arr(obj(("id", "name", "type", "earned"), id=INT, name=STR, type=STR,
                          earned=INT)),
    source=STR, sourceKey=STR,
)
SCHEMAS: dict[str, Schema] = {
    "Error": obj(("error",), error=STR, hint=STR),
    "Problem": obj(("path", "message"), path=STR, message=STR),
    "Attempt": ATTEMPT,
    "DeliverySummary": DELIVERY_SUMMARY,
    "Delivery": DELIVERY,
    "Run": RUN,
    "DeliveryOptions": OPTIONS,
    "Scenario": obj(("name", "origin", "summary", "description"), name=STR,
                    origin={"type": "string", "enum": ["bundled", "uploaded", "cli"]},
                    summary=STR, description=STR),
    "SinkSettings": SINK_SETTINGS,
    "SinkRequest": SINK_REQUEST,
    "Sink": SINK,
    "Customer": CUSTOMER,
}
