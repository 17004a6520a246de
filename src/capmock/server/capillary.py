"""Mock Capillary APIs a consumer calls back while handling events, answered from the model.

``POST /v3/oauth/token/generate``            ``{"key", "secret"}`` → ``{"data": {"accessToken",
                                             "ttlSeconds"}, "errors": null}``
``GET /v2/customers/lookup``                 customer by identifier (also ``…/customerDetails``)
``GET /v2/customers/lookup/promotionData``   promotions (see ``capmock.server.promotions``)
``GET /v2/customers/lookup/loyaltyDetails``  points balance and tier, per program
``GET /v2/customers/<id>/loyaltyDetails``    the same by customer id

Lookups take ``source``, ``identifierName`` (mobile, email, externalId, id; promotionData
also cuid; any case) and ``identifierValue``. Errors are HTTP 400 in Capillary's shape,
``{"errors": [{"status": false, "code": …, "message": …}]}``, every problem of the request at
once: 8013 identifier name missing or incorrect, 8015 identifier value missing or
incorrect / customer not found, 8003 source missing or incorrect, 8089 unknown programId,
and capmock's own 9001-9007 for promotionData's other parameters. Customers exist on source
INSTORE (or ALL). Without ``--api-user/--api-password`` anyone may call; with them, 401
unless Basic auth or a valid token is sent.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from capmock.model.world import CustomerState
from capmock.server import promotions
from capmock.server.auth import TOKEN_HEADER
from capmock.server.hub import Hub
from capmock.server.loyalty import customer_profile, loyalty_details
from capmock.server.world_registry import Found

bp = Blueprint("capillary", __name__)

SOURCES = ("FACEBOOK", "WEB_ENGAGE", "INSTORE", "MARTJACK", "TMALL", "TAOBAO", "JD",
           "ECOMMERCE", "WEBSITE", "LINE", "ALL")
LOOKUP_IDENTIFIERS = ("mobile", "email", "externalid", "id")
PROMOTION_IDENTIFIERS = (*LOOKUP_IDENTIFIERS, "cuid")
NOT_FOUND = "Customer not found for the given identifiers"

Problems = list[tuple[int, str]]


def hub() -> Hub:
    return current_app.extensions["capmock"]


def errors(problems: Problems, status: int = 400) -> Response:
    body = {"errors": [{"status": False, "code": c, "message": m} for c, m in problems]}
    resp = jsonify(body)
    resp.status_code = status
    return resp


@bp.before_request
def _authorise() -> Response | None:
    if request.path.startswith("/v3/oauth/"):
        return None
    auth = hub().api_auth
    if auth.allows(request.headers.get("Authorization"), request.headers.get(TOKEN_HEADER)):
        return None
    resp = errors([(401, "Unauthorized: send Basic credentials or a token in "
                    f"{TOKEN_HEADER} (POST /v3/oauth/token/generate)")], 401)
    resp.headers["WWW-Authenticate"] = 'Basic realm="capmock Capillary APIs"'
    return resp


@bp.post("/v3/oauth/token/generate")
def token_generate() -> Response:
    body = request.get_json(silent=True)
    key = body.get("key") if isinstance(body, dict) else None
    secret = body.get("secret") if isinstance(body, dict) else None
    if not isinstance(key, str) or not isinstance(secret, str) or not key or not secret:
        return errors([(400, "send JSON {\"key\": …, \"secret\": …}")])
    auth = hub().api_auth
    if not auth.valid_pair(key, secret):
        return errors([(401, "Invalid key or secret")], 401)
    token, ttl = auth.issue()
    return jsonify({"data": {"accessToken": token, "ttlSeconds": ttl}, "errors": None})


def identify(allowed: tuple[str, ...]) -> tuple[Found | None, Problems]:
    """The customer a lookup names, or the problems with its identifier and source."""
    args = request.args
    problems: Problems = []
    name = (args.get("identifierName") or "").strip()
    value = (args.get("identifierValue") or "").strip()
    source = (args.get("source") or "").strip().upper()
    if name.lower() not in allowed:
        problems.append((8013, "Identifier name missing or incorrect"))
    if not value or (name.lower() in ("id", "cuid") and not value.isdigit()):
        problems.append((8015, "Identifier value missing or incorrect"))
    if source not in SOURCES:
        problems.append((8003, "Invalid source"))
    if problems:
        return None, problems
    found = hub().worlds.find(name, value, source)
    return found, [] if found else [(8015, NOT_FOUND)]


@bp.get("/v2/customers/lookup")
@bp.get("/v2/customers/lookup/customerDetails")
def customer_lookup() -> Response:
    found, problems = identify(LOOKUP_IDENTIFIERS)
    if found is None:
        return errors(problems)
    with found.source.lock:
        return jsonify(customer_profile(found))


@bp.get("/v2/customers/lookup/loyaltyDetails")
def loyalty_lookup() -> Response:
    found, problems = identify(LOOKUP_IDENTIFIERS)
    if found is None:
        return errors(problems)
    return _loyalty(found)


@bp.get("/v2/customers/<int:customer_id>/loyaltyDetails")
def loyalty_by_id(customer_id: int) -> Response:
    found = hub().worlds.find("id", str(customer_id))
    if found is None:
        return errors([(8015, NOT_FOUND)])
    return _loyalty(found)


def _loyalty(found: Found) -> Response:
    raw = request.args.get("programId")
    program: int | None = None
    if raw is not None and raw != "":
        known = {p.id for p in found.source.org.programs}
        if not raw.strip().isdigit() or int(raw) not in known:
            return errors([(8089, "Customer not registered for the Loyalty Program")])
        program = int(raw)
    with found.source.lock:
        data = loyalty_details(found, program)
    return jsonify({"data": data, "warnings": [], "errors": []})


@bp.get("/v2/customers/lookup/promotionData")
def promotion_data() -> Response:
    query, bad = promotions.parse_query(request.args)
    found, problems = identify(PROMOTION_IDENTIFIERS)
    problems = [p for p in problems if p[1] != NOT_FOUND or not bad]
    problems += [(p.code, p.message) for p in bad]
    if problems or found is None:
        return errors(problems)
    return jsonify(_promotions(found, query))


def _promotions(found: Found, query: promotions.Query) -> dict[str, Any]:
    src = found.source
    with src.lock:
        st = found.state or CustomerState(found.customer)
        world = src.player.world if src.player is not None else None
        program = src.org.default_program
        return promotions.promotion_data(
            st,
            world.promotions if world else {},
            list(world.states.values()) if world else [],
            program.id, src.org.org_id, src.now_ms, query,
        )
