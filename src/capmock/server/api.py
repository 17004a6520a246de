"""The REST API under /api/: what the page does, for scripts too (see /openapi.json).

Errors are ``{"error": message, "hint": …}`` with 400 (bad input), 404, 413 (upload too
large), 429 (too many runs in progress).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from capmock import catalog
from capmock.catalog.shape import FIELDS
from capmock.envelope import STYLES
from capmock.errors import UsageError
from capmock.schemas import validate
from capmock.server.auth import TOKEN_HEADER
from capmock.server.hub import Hub, flags_from_json
from capmock.server.openapi import endpoints
from capmock.server.sinks import NAME
from capmock.vendor import VENDORS

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_PAGE = 1000
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def hub() -> Hub:
    return current_app.extensions["capmock"]


def body_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UsageError("send a JSON object (Content-Type: application/json)")
    return body


def field(body: dict[str, Any], name: str, kind: type | tuple[type, ...],
          default: Any = None) -> Any:
    value = body.get(name, default)
    if value is None:
        return default
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise UsageError(f"{name}: wrong type ({type(value).__name__})")
    return value


def int_arg(name: str, default: int, low: int = 0, high: int = 10**12) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise UsageError(f"{name}: a whole number from {low} to {high}")
    return int(raw)


def seed_of(body: dict[str, Any]) -> int | None:
    seed = field(body, "seed", int)
    if seed is not None and not 0 <= seed < 2**32:
        raise UsageError("seed: from 0 to 4294967295")
    return seed


def variations_of(body: dict[str, Any]) -> float | None:
    """The ``variations`` rate of a request (None: the server's ``--variations``)."""
    rate = field(body, "variations", (int, float))
    if rate is not None and not 0 <= rate <= 1:
        raise UsageError("variations: a rate from 0 to 1")
    return None if rate is None else float(rate)


def fields_of(body: dict[str, Any]) -> str | None:
    """The ``fields`` level of a request (None: the server's ``--fields``)."""
    level = field(body, "fields", str)
    if level is not None and level not in FIELDS:
        raise UsageError(f"fields: one of {', '.join(FIELDS)}")
    return level


def style_of(body: dict[str, Any], name: str = "style", default: str | None = "flat") -> Any:
    style = field(body, name, str, default)
    if style is not None and style not in STYLES:
        raise UsageError(f"{name}: one of {', '.join(STYLES)}")
    return style


def accepted(run: Any) -> tuple[Response, int]:
    return jsonify({"run": run.to_dict()}), 202


@bp.get("/")
def index() -> Response:
    """What the API offers: every path and method, from the OpenAPI document."""
    return jsonify({"openapi": f"{hub().base_url}/openapi.json", "endpoints": endpoints()})


@bp.get("/config")
def config() -> Response:
    h = hub()
    return jsonify({
        "default_target": h.default_target, "sink_url": f"{h.base_url}/sink/",
        "base_url": h.base_url, "scenario": h.preselected, "styles": list(STYLES),
        "allow_targets": list(h.config.allow_targets), "api_auth": h.api_auth.enabled,
    })


@bp.get("/events")
def events() -> Response:
    return jsonify([{"name": e.name, "domain": e.domain, "description": e.description}
                    for e in catalog.catalog().values()])


@bp.post("/generate")
def generate() -> Response:
    body = body_object()
    name = field(body, "event", str)
    if not name:
        raise UsageError("event: the catalog name of an event, e.g. transactionAdded")
    catalog.get(name)
    payload = hub().worlds.generate(name, style_of(body), seed_of(body), variations_of(body),
                                    fields_of(body))
    return jsonify({"payload": payload, "problems": problems_of(payload)})


def problems_of(payload: Any) -> list[dict[str, str]]:
    return [{"path": p.path, "message": p.message} for p in validate(payload)]


@bp.post("/validate")
def validate_payload() -> Response:
    payload = request.get_json(silent=True)
    if payload is None:
        raise UsageError("send the payload as JSON (Content-Type: application/json)")
    problems = problems_of(payload)
    return jsonify({"valid": not problems, "problems": problems})


@bp.get("/scenarios")
def scenarios() -> Response:
    return jsonify(hub().scenarios.list())


@bp.post("/scenarios")
def upload_scenario() -> tuple[Response, int]:
    h = hub()
    if (request.content_length or 0) > 2 * h.scenarios.max_bytes + 4096:  # JSON escapes
        abort(413, description=f"the scenario is larger than {h.scenarios.max_bytes} bytes")
    if request.mimetype in YAML_TYPES:
        filename, content = request.args.get("filename", ""), request.get_data()
    else:
        body = body_object()
        filename = field(body, "filename", str, "")
        text = field(body, "content", str)
        if not text:
            raise UsageError("content: the scenario's YAML text")
        content = text.encode("utf-8", "surrogatepass")
    entry = h.scenarios.upload(filename, content)
    return jsonify(entry.to_dict()), 201


@bp.post("/deliveries")
def deliver_event() -> tuple[Response, int]:
    body = body_object()
    payload = field(body, "payload", dict)
    if payload is None:
        name = field(body, "event", str)
        if not name:
            raise UsageError("send a payload, or the name of an event to generate")
        catalog.get(name)
        payload = hub().worlds.generate(name, style_of(body), seed_of(body),
                                        variations_of(body), fields_of(body))
    flags = flags_from_json(body.get("options"))
    run = hub().fire_event(payload, field(body, "target", str), flags)
    return jsonify({"run": run.to_dict(), "problems": problems_of(payload)}), 202


@bp.post("/runs")
def run_scenario() -> tuple[Response, int]:
    body = body_object()
    name = field(body, "scenario", str)
    if not name:
        raise UsageError("scenario: the name of a bundled or uploaded scenario")
    flags = flags_from_json(body.get("options"))
    vendor = field(body, "vendor", str, None)
    if vendor is not None and vendor not in VENDORS:
        raise UsageError(f"vendor: one of {', '.join(VENDORS)}")
    run = hub().fire_scenario(name, field(body, "target", str), flags, seed_of(body),
                              style_of(body, "envelope", None), variations_of(body), vendor,
                              fields_of(body))
    return accepted(run)


@bp.get("/runs/<int:run_id>")
def get_run(run_id: int) -> Response:
    run = hub().log.run(run_id)
    if run is None:
        abort(404, description=f"no run {run_id}")
    return jsonify(run)


@bp.get("/deliveries")
def list_deliveries() -> Response:
    since = int_arg("since", 0)
    limit = int_arg("limit", 200, 1, MAX_PAGE)
    run = int_arg("run", 0) or None
    return jsonify(hub().log.changed(since, limit, run))


@bp.get("/deliveries/<int:delivery_id>")
def get_delivery(delivery_id: int) -> Response:
    found = hub().log.get(delivery_id)
    if found is None:
        abort(404, description=f"no delivery {delivery_id} (the log keeps the newest ones)")
    return jsonify(found)


@bp.post("/deliveries/<int:delivery_id>/redeliver")
def redeliver(delivery_id: int) -> tuple[Response, int]:
    run = hub().log.redeliver(delivery_id)
    if run is None:
        abort(404, description=f"no delivery {delivery_id} (the log keeps the newest ones)")
    return accepted(run)


@bp.get("/model")
def model() -> Response:
    return jsonify({"sources": [s.describe() for s in hub().worlds.sources()]})


def customer_data_auth() -> None:
    """The customers' data answers whom the mock Capillary lookup APIs answer: with
    ``--api-user`` set, Basic credentials or a token in X-CAP-API-OAUTH-TOKEN (the token
    header when ``--ui-password`` already takes the Authorization header)."""
    auth = hub().api_auth
    if auth.allows(request.headers.get("Authorization"), request.headers.get(TOKEN_HEADER)):
        return
    resp = jsonify({"error": "the customers' data needs the mock Capillary API's credentials",
                    "hint": f"Basic --api-user:--api-password, or a token in {TOKEN_HEADER} "
                            "(POST /v3/oauth/token/generate)"})
    resp.status_code = 401
    # Not a Basic challenge: a browser would prompt for it over the page's own (the page
    # shows the message instead); scripts send Basic or the token without being asked.
    resp.headers["WWW-Authenticate"] = f'CapToken header="{TOKEN_HEADER}"'
    abort(resp)


@bp.get("/model/customers")
def customers() -> Response:
    customer_data_auth()
    limit = int_arg("limit", 50, 1, MAX_PAGE)
    offset = int_arg("offset", 0)
    total, rows = hub().worlds.customers(request.args.get("q", ""), offset, limit)
    return jsonify({"total": total, "customers": rows})


@bp.get("/model/customers/<int:customer_id>")
def customer(customer_id: int) -> Response:
    customer_data_auth()
    found = hub().worlds.customer(customer_id)
    if found is None:
        abort(404, description=f"no customer {customer_id} in the model")
    return jsonify(found)


@bp.get("/sinks")
def sinks() -> Response:
    return jsonify([s.to_dict() for s in hub().sinks.all()])


def named_sink(name: str, *, create: bool) -> Any:
    if not NAME.fullmatch(name):
        abort(404, description="a sink name is 1-64 letters, digits, '_', '.', '-'")
    sink = hub().sinks.get(name, create=create)
    if sink is None:
        abort(404, description=f"no sink '{name}' yet (POST /sink/{name} or PUT its settings)")
    return sink


@bp.get("/sinks/<name>")
def get_sink(name: str) -> Response:
    limit = int_arg("limit", 100, 0, 500)
    return jsonify(named_sink(name, create=False).to_dict(requests=limit))


@bp.put("/sinks/<name>")
def put_sink(name: str) -> Response:
    body = body_object()
    sink = named_sink(name, create=True)
    sink.configure(body)
    return jsonify(sink.to_dict())


@bp.delete("/sinks/<name>/requests")
def clear_sink(name: str) -> Response:
    sink = named_sink(name, create=False)
    hub().sinks.clear(sink)
    return jsonify(sink.to_dict())
