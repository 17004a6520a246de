"""The OpenAPI 3 document served at /openapi.json (kept by hand; a test checks it against
the app with schemathesis)."""

from __future__ import annotations

from capmock import __version__
from capmock.catalog.shape import FIELDS
from capmock.server import openapi_capillary as cap
from capmock.server.openapi_parts import (
    API_ERRORS,
    BOOL,
    INT,
    NOT_FOUND,
    OBJ,
    SCHEMAS,
    STR,
    Schema,
    arr,
    json_body,
    nullable,
    obj,
    path_param,
    query,
    ref,
    response,
)
from capmock.vendor import VENDORS

STYLE = {"type": "string", "enum": ["flat", "wrapped"]}
SEED = {"type": "integer", "minimum": 0, "maximum": 4294967295}
VARIATIONS = {"type": "number", "minimum": 0, "maximum": 1,
              "description": "Rate of Capillary's documented shape variants (default: "
                             "the server's --variations)"}
FIELDS_LEVEL = {"type": "string", "enum": list(FIELDS),
                "description": "Optional members: every documented one, Capillary's usual "
                               "rates, or only what every sample has (default: the "
                               "server's --fields, else a scenario's own, else typical)"}
PAGE = [query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "Page size"),
        query("offset", {"type": "integer", "minimum": 0}, "Start index")]
RUN_ACCEPTED = response("Started in the background", obj(("run",), run=ref("Run")))
BUSY = response("Too many runs in progress", ref("Error"))


def op(summary: str, responses: dict[str, Schema], *, params: list[Schema] | None = None,
       body: Schema | None = None, tag: str = "API") -> Schema:
    out: Schema = {"tags": [tag], "summary": summary, "responses": {**API_ERRORS, **responses}}
    if params:
        out["parameters"] = params
    if body is not None:
        out["requestBody"] = body
    return out


def _id(name: str, what: str) -> Schema:
    return path_param(name, {"type": "integer", "minimum": 0}, what)


SINK_NAME = path_param("name", {"type": "string",
                                "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"}, "Sink name")
DELIVER_BODY = obj(
    (), False, payload=OBJ, event=STR, style=STYLE, seed=SEED, target=STR,
    variations=VARIATIONS, fields=FIELDS_LEVEL, options=ref("DeliveryOptions"))
RUN_BODY = obj(("scenario",), False, scenario=STR, target=STR, seed=SEED,
               envelope=STYLE, vendor={"type": "string", "enum": list(VENDORS)},
               variations=VARIATIONS, fields=FIELDS_LEVEL, options=ref("DeliveryOptions"))
UPLOAD = {"required": True, "content": {
    "application/json": {"schema": obj(("content",), filename=STR, content=STR)},
    "application/x-yaml": {"schema": STR},
}}

ENDPOINT = obj(("path", "method", "summary"), path=STR, method=STR, summary=STR)
UNAUTHORISED = response("--ui-password not sent, or (with --api-user) the mock Capillary "
                        "API credentials not sent", ref("Error"))

PATHS: dict[str, Schema] = {
    "/api/": {"get": op("This list: every path and method of the API, with a summary", {
        "200": response("OK", obj(("openapi", "endpoints"), openapi=STR,
                                  endpoints=arr(ENDPOINT)))})},
    "/api/config": {"get": op("What the page needs: default target, sink URL", {
        "200": response("OK", obj(("default_target", "sink_url", "base_url"),
                                  default_target=STR, sink_url=STR, base_url=STR,
                                  scenario=nullable(STR), styles=arr(STR),
                                  allow_targets=arr(STR), api_auth=BOOL))})},
    "/api/events": {"get": op("The event catalog", {"200": response("OK", arr(obj(
        ("name", "domain", "description"), name=STR, domain=STR, description=STR)))})},
    "/api/generate": {"post": op(
        "A realistic payload of an event (and its validation problems: none)",
        {"200": response("OK", obj(("payload", "problems"), payload=OBJ,
                                   problems=arr(ref("Problem"))))},
        body=json_body(obj(("event",), False, event=STR, style=STYLE, seed=SEED,
                           variations=VARIATIONS, fields=FIELDS_LEVEL)))},
    "/api/validate": {"post": op(
        "Validate a payload against its event's schema (either envelope)",
        {"200": response("OK", obj(("valid", "problems"), valid=BOOL,
                                   problems=arr(ref("Problem"))))},
        body=json_body({}, "The payload"))},
    "/api/scenarios": {
        "get": op("Bundled, --scenario and uploaded scenarios",
                  {"200": response("OK", arr(ref("Scenario")))}),
        "post": op("Upload a scenario (YAML, size-limited, played whole in a worker "
                   "within the server's budget: events, CPU seconds, memory)",
                   {"201": response("Kept", ref("Scenario")),
                    "413": response("Too large", ref("Error")),
                    "429": response("Other uploads are being checked", ref("Error"))},
                   params=[query("filename", STR, "Name for a raw YAML upload")],
                   body=UPLOAD),
    },
    "/api/deliveries": {
        "get": op("Deliveries changed since a version (newest first), and runs", {
            "200": response("OK", obj(("version", "total", "deliveries", "runs"),
                                      version=INT, total=INT,
                                      deliveries=arr(ref("DeliverySummary")),
                                      runs=arr(ref("Run"))))},
            params=[query("since", {"type": "integer", "minimum": 0}, "Version seen"),
                    query("limit", {"type": "integer", "minimum": 1, "maximum": 1000},
                          "At most this many"),
                    query("run", {"type": "integer", "minimum": 0}, "Only this run")]),
        "post": op("Deliver one event: a payload, or a generated one",
                   {"202": response("Started", obj(("run", "problems"), run=ref("Run"),
                                                    problems=arr(ref("Problem")))),
                    "429": BUSY},
                   body=json_body(DELIVER_BODY)),
    },
    "/api/deliveries/{id}": {"get": op(
        "One delivery: request headers and body, every attempt",
        {"200": response("OK", ref("Delivery")), "404": NOT_FOUND},
        params=[_id("id", "Delivery id")])},
    "/api/deliveries/{id}/redeliver": {"post": op(
        "Send the same bytes (same eventId) to the same target again",
        {"202": RUN_ACCEPTED, "404": NOT_FOUND, "429": BUSY},
        params=[_id("id", "Delivery id")])},
    "/api/runs": {"post": op("Play a scenario and deliver its events",
                             {"202": RUN_ACCEPTED, "429": BUSY},
                             body=json_body(RUN_BODY))},
    "/api/runs/{id}": {"get": op("A run and its summary",
                                 {"200": response("OK", ref("Run")), "404": NOT_FOUND},
                                 params=[_id("id", "Run id")])},
    "/api/model": {"get": op("The models the server answers from", {"200": response(
        "OK", obj(("sources",), sources=arr(OBJ)))})},
    "/api/model/customers": {"get": op(
        "Customers: points, tier, promotions, coupons (newest model first)",
        {"200": response("OK", obj(("total", "customers"), total=INT,
                                   customers=arr(ref("Customer")))),
         "401": UNAUTHORISED},
        params=[query("q", STR, "Search id, name, mobile, email"), *PAGE])},
    "/api/model/customers/{id}": {"get": op(
        "One customer", {"200": response("OK", ref("Customer")), "404": NOT_FOUND,
                         "401": UNAUTHORISED},
        params=[_id("id", "Customer id")])},
    "/api/sinks": {"get": op("The sinks", {"200": response("OK", arr(ref("Sink")))},
                             tag="Sinks")},
    "/api/sinks/{name}": {
        "get": op("A sink, its settings and the requests it received",
                  {"200": response("OK", ref("Sink")), "404": NOT_FOUND},
                  params=[SINK_NAME, query("limit", {"type": "integer", "minimum": 0,
                                                     "maximum": 500}, "Requests")],
                  tag="Sinks"),
        "put": op("Configure a sink (created if new)", {"200": response("OK", ref("Sink")),
                                                        "404": NOT_FOUND},
                  params=[SINK_NAME], body=json_body(ref("SinkSettings")), tag="Sinks"),
    },
    "/api/sinks/{name}/requests": {"delete": op(
        "Forget what a sink received", {"200": response("OK", ref("Sink")),
                                        "404": NOT_FOUND},
        params=[SINK_NAME], tag="Sinks")},
}


def endpoints() -> list[dict[str, str]]:
    """Every path and method of the document, with its summary (what ``GET /api/`` lists)."""
    return [
        {"path": path, "method": method.upper(), "summary": spec.get("summary", "")}
        for path, item in document()["paths"].items()
        for method, spec in item.items()
    ]


def document(base_url: str = "") -> Schema:
    return {
        "openapi": "3.0.3",
        "info": {"title": "capmock serve", "version": __version__,
                 "description": "Mock Capillary: fire events and scenarios at a webhook, "
                                "watch every attempt, call Capillary-like lookup APIs "
                                "answered from the same model, and receive in sinks."},
        "servers": [{"url": base_url}] if base_url else [],
        "paths": {**PATHS, **cap.PATHS},
        "components": {
            "schemas": {**SCHEMAS, **cap.SCHEMAS},
            "securitySchemes": {
                "ui": {"type": "http", "scheme": "basic"},
                "capillaryBasic": {"type": "http", "scheme": "basic"},
                "capillaryToken": {"type": "apiKey", "in": "header",
                                   "name": "X-CAP-API-OAUTH-TOKEN"},
            },
        },
        "security": [{}, {"ui": []}],
    }
